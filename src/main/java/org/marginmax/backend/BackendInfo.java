package org.marginmax.backend;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * What {@code margin-max info} prints: the ND4J backend and native build, devices, threads, memory limits, versions
 * and whether convolution and pooling layers get their oneDNN helpers. Values that cannot be read are null
 * (rendered as "unknown").
 *
 * @param backend          "CPU" or "CUDA" (ND4J's environment information)
 * @param backendClass     class of {@code Nd4j.getBackend()}
 * @param nativeClassifier classifier of the loaded native library, e.g. linux-x86_64-onednn (from its path)
 * @param buildInfo        lines of libnd4j's build information (compiler, HAVE_ONEDNN, HAVE_CUDNN, CUDA version ...)
 * @param blasVendor       OPENBLAS, MKL, CUBLAS ...
 * @param devices          CUDA devices; empty on CPU
 * @param threads          thread settings
 * @param memory           memory limits
 * @param versions         library and JVM versions
 * @param oneDnn           oneDNN helper status
 */
public record BackendInfo(String backend, String backendClass, String nativeClassifier, List<String> buildInfo,
                          String blasVendor, List<Device> devices, Threads threads, Memory memory, Versions versions,
                          OneDnnStatus oneDnn) {

    /** A CUDA device. Memory in bytes; compute capability as "major.minor". */
    public record Device(int index, String name, Long totalBytes, Long freeBytes, String computeCapability) {}

    /**
     * @param processors       JVM's available processors
     * @param ompNumThreads    environment variable OMP_NUM_THREADS (null if unset)
     * @param ompWaitPolicy    environment variable OMP_WAIT_POLICY (null if unset)
     * @param nd4jMaxThreads   {@code Nd4j.getEnvironment().maxThreads()}
     * @param nd4jMasterThreads {@code Nd4j.getEnvironment().maxMasterThreads()}
     * @param ompThreads       OpenMP max threads reported by the CPU backend (null on CUDA)
     * @param blasThreads      BLAS threads reported by the CPU backend (null on CUDA)
     */
    public record Threads(int processors, String ompNumThreads, String ompWaitPolicy, Integer nd4jMaxThreads,
                          Integer nd4jMasterThreads, String ompThreads, String blasThreads) {}

    /**
     * All in bytes.
     *
     * @param jvmMaxHeap        {@code Runtime.maxMemory()} (-Xmx)
     * @param offHeapMax        JavaCPP {@code Pointer.maxBytes()} (-Dorg.bytedeco.javacpp.maxbytes): ND4J's arrays
     * @param physicalMax       JavaCPP {@code Pointer.maxPhysicalBytes()} (-Dorg.bytedeco.javacpp.maxphysicalbytes)
     * @param physicalInUse     this process's resident memory, {@code Pointer.physicalBytes()}
     * @param physicalTotal     machine's physical memory
     * @param physicalAvailable machine's available physical memory
     */
    public record Memory(long jvmMaxHeap, Long offHeapMax, Long physicalMax, Long physicalInUse, Long physicalTotal,
                         Long physicalAvailable) {}

    /** DL4J (deeplearning4j-nn), ND4J (nd4j-api), JavaCPP, JVM and OS. */
    public record Versions(String dl4j, String nd4j, String javacpp, String java, String os) {}

    /**
     * @param available whether the oneDNN helpers can work here ({@link OneDnn#check()})
     * @param reason    why (not)
     * @param enabled   whether {@link OneDnn#enable()} has switched them on
     * @param probe     conv and pooling layers of {@link OneDnn#probe()}'s network and their helpers (empty if the
     *                  probe failed)
     * @param probeError the probe's failure, or null
     */
    public record OneDnnStatus(boolean available, String reason, boolean enabled, List<OneDnn.HelperStatus> probe,
                               String probeError) {}

    /**
     * Reads everything. Calls {@link OneDnn#enable()} first (idempotent, as the CLI does at start-up), then builds
     * the probe network, so the oneDNN lines show what the application's networks get.
     */
    public static BackendInfo gather() {
        boolean enabled = OneDnn.enable();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Environment nd4jEnv = Nd4j.getEnvironment();
        String build = orNull(() -> Nd4j.getBackend().buildInfo());

        Threads threads = new Threads(Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"),
                System.getenv("OMP_WAIT_POLICY"), orNull(nd4jEnv::maxThreads), orNull(nd4jEnv::maxMasterThreads),
                string(env.get(Nd4jEnvironment.OMP_THREADS_KEY)), string(env.get(Nd4jEnvironment.BLAS_THREADS_KEY)));
        Memory memory = new Memory(Runtime.getRuntime().maxMemory(), orNull(Pointer::maxBytes),
                orNull(Pointer::maxPhysicalBytes), orNull(Pointer::physicalBytes), orNull(Pointer::totalPhysicalBytes),
                orNull(Pointer::availablePhysicalBytes));
        Versions versions = new Versions(pomVersion("org.deeplearning4j", "deeplearning4j-nn"),
                pomVersion("org.nd4j", "nd4j-api"), pomVersion("org.bytedeco", "javacpp"),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));

        OneDnn.Availability a = OneDnn.check();
        List<OneDnn.HelperStatus> probe = List.of();
        String probeError = null;
        try {
            probe = OneDnn.probe();
        } catch (RuntimeException e) {
            probeError = e.toString();
        }
        return new BackendInfo(env.getProperty(Nd4jEnvironment.BACKEND_KEY), Nd4j.getBackend().getClass().getName(),
                loadedNativeClassifier(), build == null ? List.of() : Arrays.stream(build.split("\\R"))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                string(env.get(Nd4jEnvironment.BLAS_VENDOR_KEY)), devices(env), threads, memory, versions,
                new OneDnnStatus(a.available(), a.reason(), enabled, probe, probeError));
    }

    /** Plain-text report, one "label: value" line per item. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        line(sb, "backend", backend + " (" + backendClass + ")");
        line(sb, "native build", or(nativeClassifier) + (buildInfo.isEmpty() ? "" : "  [" + String.join("; ", buildInfo) + "]"));
        line(sb, "BLAS", or(blasVendor));
        if (devices.isEmpty()) line(sb, "devices", "CPU only");
        String cudaBackend = CudaProfileCards.packagedCudaBackend().orElse(null);
        for (Device d : devices) {
            line(sb, "device " + d.index(), d.name() + ", compute capability " + or(d.computeCapability())
                    + ", memory " + bytes(d.totalBytes()) + " total, " + bytes(d.freeBytes()) + " free");
            line(sb, "GPU code", cardCode(cudaBackend, d));
        }
        line(sb, "threads", threads.processors() + " processors; OMP_NUM_THREADS=" + or(threads.ompNumThreads())
                + ", OMP_WAIT_POLICY=" + or(threads.ompWaitPolicy()) + "; ND4J max threads " + or(threads.nd4jMaxThreads())
                + " (master " + or(threads.nd4jMasterThreads()) + "), OpenMP " + or(threads.ompThreads())
                + ", BLAS " + or(threads.blasThreads()));
        line(sb, "memory", "JVM heap max " + bytes(memory.jvmMaxHeap()) + "; off-heap (JavaCPP) max "
                + bytes(memory.offHeapMax()) + ", physical max " + bytes(memory.physicalMax()) + "; process uses "
                + bytes(memory.physicalInUse()) + "; machine " + bytes(memory.physicalTotal()) + " total, "
                + bytes(memory.physicalAvailable()) + " available");
        line(sb, "versions", "DL4J " + or(versions.dl4j()) + ", ND4J " + or(versions.nd4j()) + ", JavaCPP "
                + or(versions.javacpp()) + ", Java " + versions.java() + ", " + versions.os());
        line(sb, "DL4J shortcuts", Dl4jVersion.check().summary());
        line(sb, "oneDNN", (oneDnn.available() ? "available" : "unavailable") + " (" + oneDnn.reason() + "); layer helpers "
                + (oneDnn.enabled() ? "enabled" : "not enabled"));
        for (String kind : List.of("conv", "pooling")) {
            List<OneDnn.HelperStatus> ls = oneDnn.probe().stream().filter(s -> kind.equals(s.kind())).toList();
            String value = oneDnn.probeError() != null ? "unknown (probe failed: " + oneDnn.probeError() + ")"
                    : ls.isEmpty() ? "unknown (no such layer in the probe)"
                    : ls.stream().allMatch(OneDnn.HelperStatus::oneDnn)
                        ? "attached (" + ls.get(0).helper() + "), no fallback in a forward and backward pass"
                        : "NOT attached (helper " + or(ls.get(0).helper()) + ", fallbacks " + ls.get(0).fallbacks() + ")";
            line(sb, "oneDNN " + kind, value);
        }
        return sb.toString();
    }

    /** Whether the loaded backend has code for the card, by the table in {@link CudaProfileCards}. */
    static String cardCode(String cudaBackend, Device d) {
        if (cudaBackend == null || !CudaProfileCards.CUBINS.containsKey(cudaBackend))
            return "not checked (no inspected code list for CUDA " + or(cudaBackend) + "; see the native build line)";
        return CudaProfileCards.unsupportedCardMessage(cudaBackend, d.name(), d.computeCapability())
                .orElse("the CUDA " + cudaBackend + " backend has code for compute capability " + or(d.computeCapability()));
    }

    private static List<Device> devices(Properties env) {
        Object info = env.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
        if (!(info instanceof List<?> list)) return List.of();
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) continue;
            Object major = m.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY);
            Object minor = m.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY);
            out.add(new Device(i, string(m.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY)),
                    number(m.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY)), number(m.get(Nd4jEnvironment.CUDA_FREE_MEMORY_KEY)),
                    major == null ? null : major + "." + minor));
        }
        return out;
    }

    /** The directory JavaCPP loaded libnd4j from is named after the classifier (e.g. .../linux-x86_64-onednn/libnd4jcpu.so). */
    static String loadedNativeClassifier() {
        Map<String, String> libs = orNull(Loader::getLoadedLibraries);
        if (libs == null) return null;
        for (String name : List.of("nd4jcpu", "nd4jcuda")) {
            String path = libs.get(name);
            if (path != null) {
                Path parent = Path.of(path).getParent();
                return parent == null ? null : parent.getFileName().toString();
            }
        }
        return null;
    }

    /** "CPU" or "CUDA", as ND4J's environment information names the active backend. */
    public static String backendKind() {
        return Nd4j.getExecutioner().getEnvironmentInformation().getProperty(Nd4jEnvironment.BACKEND_KEY);
    }

    /** A library's version from its jar's pom.properties (kept by the shaded jar), or null. */
    public static String pomVersion(String group, String artifact) {
        String res = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = BackendInfo.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) return null;
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    private static <T> T orNull(Supplier<T> s) {
        try {
            return s.get();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }

    private static Long number(Object o) {
        if (o instanceof Number n) return n.longValue();
        try {
            return o == null ? null : Long.parseLong(o.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String or(Object o) {
        return o == null ? "unknown" : o.toString();
    }

    private static String bytes(Long b) {
        if (b == null) return "unknown";
        if (b <= 0) return "unlimited/unknown (" + b + ")";
        return String.format(Locale.ROOT, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format(Locale.ROOT, "%-15s %s%n", label + ":", value));
    }
}
