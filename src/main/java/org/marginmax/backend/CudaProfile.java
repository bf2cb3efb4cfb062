package org.marginmax.backend;

import org.marginmax.io.StrictYaml;

import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A {@code cuda-profiles/NAME.yaml} file: the ND4J/JavaCPP settings for long runs on one class of GPU, applied in
 * three steps that must come in this order (see {@code cuda-profiles/README.md} for what each key does in M2.1):
 * <ol>
 *   <li>{@link #applyBeforeBackend()} before the first ND4J or JavaCPP call: JavaCPP reads its memory limits once,
 *       when its {@code Pointer} class initialises; also refuses, via nvidia-smi, a machine whose cards all lack code
 *       in the packaged CUDA backend;</li>
 *   <li>{@link #applyToBackend()} once ND4J has started: refuses the CPU backend and a device the backend has no code
 *       for, then sets device, device memory limit, periodic GC and cuDNN helpers;</li>
 *   <li>{@link #applyToNetwork(MultiLayerNetwork)} on every built or restored network: workspace mode.</li>
 * </ol>
 * The network data type is not applied here: {@link #modelDtypeOverride()} is for the experiment's model.dtype.
 * Only nd4j-api interfaces are used (Environment, MemoryManager, AffinityManager), so the class compiles and runs
 * in the CPU build; none of the CUDA-only classes is referenced.
 */
public final class CudaProfile {
    static final String MAX_BYTES = "org.bytedeco.javacpp.maxbytes";
    static final String MAX_BYTES_CAMEL = "org.bytedeco.javacpp.maxBytes";
    static final String MAX_PHYSICAL = "org.bytedeco.javacpp.maxphysicalbytes";
    static final String MAX_PHYSICAL_CAMEL = "org.bytedeco.javacpp.maxPhysicalBytes";


    private final String name;
    private final Path file;
    private final CudaProfileSpec spec;
    private final List<String> applied = new ArrayList<>();
    private boolean beforeBackendApplied;

    private CudaProfile(String name, Path file, CudaProfileSpec spec) {
        this.name = name;
        this.file = file;
        this.spec = spec;
    }

    /**
     * Reads a profile by name ({@code a100-80gb} means {@code profilesDir/a100-80gb.yaml}) or by path (anything
     * with a '/' or ending in .yaml/.yml).
     */
    public static CudaProfile load(String nameOrPath, Path profilesDir) {
        boolean byPath = nameOrPath.contains("/") || nameOrPath.contains("\\") || nameOrPath.endsWith(".yaml")
                || nameOrPath.endsWith(".yml");
        Path file = byPath ? Path.of(nameOrPath) : profilesDir.resolve(nameOrPath + ".yaml");
        if (!Files.isRegularFile(file)) {
            if (byPath) throw new CudaProfileException(file + ": no such CUDA profile file (the shipped ones are in "
                    + profilesDir + "/: " + String.join(", ", available(profilesDir)) + ")");
            throw new CudaProfileException("unknown CUDA profile '" + nameOrPath + "': there is no " + file
                    + " (available: " + String.join(", ", available(profilesDir)) + "; or give a path to a .yaml file)");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CudaProfileException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    /** Profile names (file stems) in {@code profilesDir}, sorted; empty if there is no such folder. */
    public static List<String> available(Path profilesDir) {
        if (!Files.isDirectory(profilesDir)) return List.of();
        try (Stream<Path> s = Files.list(profilesDir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Binds the YAML text strictly ({@link StrictYaml}: every key required); errors name {@code file}, the line and the key. */
    static CudaProfile parse(Path file, String text) {
        CudaProfileSpec spec = StrictYaml.bind(file.toString(), text, CudaProfileSpec.class,
                new StrictYaml.Rules(true, CudaProfileException::new));
        return new CudaProfile(file.getFileName().toString().replaceFirst("\\.ya?ml$", ""), file, spec);
    }

    public String name() { return name; }

    public Path file() { return file; }

    public CudaProfileSpec spec() { return spec; }

    /** The network data type the profile asks for (float32/float64), or null to keep the experiment's model.dtype. */
    public String modelDtypeOverride() { return spec.dtype(); }

    /**
     * Step 1, before anything loads ND4J or JavaCPP: sets JavaCPP's memory limits as system properties (a profile
     * value replaces one given with -D; null leaves it) and checks that they fit the JVM heap. With a CUDA backend on
     * the classpath, also asks nvidia-smi for the cards and stops if none has code in that backend.
     */
    public void applyBeforeBackend() {
        setBytes(MAX_BYTES, MAX_BYTES_CAMEL, spec.maxOffHeap(), "max_off_heap");
        setBytes(MAX_PHYSICAL, MAX_PHYSICAL_CAMEL, spec.maxPhysical(), "max_physical");
        long heap = Runtime.getRuntime().maxMemory();
        if (spec.maxPhysical() != null && spec.maxPhysical().bytes() > 0) {
            Long off = javaCppBytes(MAX_BYTES, MAX_BYTES_CAMEL, heap);
            long offHeap = off == null ? heap : off;
            if (spec.maxPhysical().bytes() <= heap + offHeap)
                throw new CudaProfileException(file + ": max_physical (" + spec.maxPhysical() + ") must exceed the JVM "
                        + "heap limit (" + gib(heap) + ", -Xmx) plus max_off_heap (" + gib(offHeap) + "), or JavaCPP stops "
                        + "the run with 'Physical memory usage is too high' once the heap grows: start java with a smaller "
                        + "-Xmx (e.g. java -Xmx8g -jar ...) or raise max_physical");
        }
        Optional<String> backend = CudaProfileCards.packagedCudaBackend();
        if (backend.isPresent()) applied.add(CudaProfileCards.preflight(backend.get(), System.getenv()));
        beforeBackendApplied = true;
    }

    private void setBytes(String property, String camel, CudaProfileSpec.Bytes value, String key) {
        if (value == null) {
            String current = System.getProperty(camel, System.getProperty(property));
            applied.add(key + " not set: " + property + " = " + (current == null ? "JavaCPP default" : current));
            return;
        }
        String before = System.getProperty(camel, System.getProperty(property));
        System.setProperty(property, Long.toString(value.bytes()));
        if (System.getProperty(camel) != null) System.setProperty(camel, Long.toString(value.bytes()));
        applied.add(property + " = " + value + (before == null ? "" : " (replaces " + before + ")"));
    }

    /** What JavaCPP will read for this limit (the camelCase spelling wins, "%" is of the heap); null if unset. */
    static Long javaCppBytes(String property, String camel, long heap) {
        String s = System.getProperty(camel, System.getProperty(property));
        if (s == null || s.isBlank()) return null;
        String v = s.strip();
        if (v.endsWith("%")) return Long.parseLong(v.substring(0, v.length() - 1).strip()) * heap / 100;
        return CudaProfileSpec.Bytes.parse(v);
    }

    /**
     * Step 2, after ND4J has started: stops with a one-line error on the CPU backend, on a device index that does not
     * exist and on a card the backend has no code for; then selects the device (for the calling thread), sets
     * libnd4j's device memory limit, ND4J's periodic GC and whether libnd4j may use cuDNN.
     */
    public void applyToBackend() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String backendKind = env.getProperty(Nd4jEnvironment.BACKEND_KEY);
        Optional<String> wrong = wrongBackendMessage(file.toString(), spec.mavenProfile(), backendKind);
        if (wrong.isPresent()) throw new CudaProfileException(wrong.get());
        if (!beforeBackendApplied)
            throw new IllegalStateException("CudaProfile.applyBeforeBackend() must run before the first ND4J call");
        verifyJavaCpp(spec.maxOffHeap(), MAX_BYTES, Pointer.maxBytes());
        verifyJavaCpp(spec.maxPhysical(), MAX_PHYSICAL, Pointer.maxPhysicalBytes());

        List<?> devices = env.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY) instanceof List<?> l ? l : List.of();
        if (spec.device() >= devices.size())
            throw new CudaProfileException(file + ": device " + spec.device() + ", but " + devices.size()
                    + " CUDA device(s) are visible (CUDA_VISIBLE_DEVICES=" + System.getenv("CUDA_VISIBLE_DEVICES")
                    + "): set device to 0.." + Math.max(0, devices.size() - 1) + " or change CUDA_VISIBLE_DEVICES");
        Map<?, ?> dev = devices.get(spec.device()) instanceof Map<?, ?> m ? m : Map.of();
        String card = String.valueOf(dev.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY));
        String cc = dev.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY) + "." + dev.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY);
        Long total = dev.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY) instanceof Number n ? n.longValue() : null;
        Optional<String> backend = CudaProfileCards.packagedCudaBackend();
        if (backend.isPresent()) {
            Optional<String> unsupported = CudaProfileCards.unsupportedCardMessage(backend.get(), card, cc);
            if (unsupported.isPresent()) throw new CudaProfileException(unsupported.get());
            if (!spec.mavenProfile().equals(backend.get().equals("11.6") ? "cuda" : "cuda-" + backend.get()))
                applied.add("note: profile written for the -P" + spec.mavenProfile() + " build, running on CUDA " + backend.get());
        } else {
            applied.add("backend's CUDA version unknown: compute capability not checked");
        }

        if (Nd4j.getAffinityManager().getDeviceForCurrentThread() != spec.device())
            Nd4j.getAffinityManager().unsafeSetDevice(spec.device());
        applied.add("device " + spec.device() + ": " + card + ", compute capability " + cc
                + (total == null ? "" : ", " + gib(total)) + " (selected for the calling thread)");

        long limit = spec.deviceMemoryLimit() == null ? 0 : spec.deviceMemoryLimit().bytes();
        if (limit > 0) {
            Nd4j.getEnvironment().setDeviceLimit(spec.device(), limit);
            applied.add("device memory limit " + spec.deviceMemoryLimit() + " for arrays outside workspaces"
                    + (total != null && limit >= total ? " (at or above the card's " + gib(total) + ": no effect)" : ""));
        } else {
            applied.add("no device memory limit");
        }

        if (spec.gcWindowMs() > 0) {
            Nd4j.getMemoryManager().setAutoGcWindow(spec.gcWindowMs());
            Nd4j.getMemoryManager().togglePeriodicGc(true);
            applied.add("periodic GC every " + spec.gcWindowMs() + " ms");
        } else {
            Nd4j.getMemoryManager().togglePeriodicGc(false);
            applied.add("periodic GC off");
        }

        long budget = limit > 0 ? limit : total == null ? 0 : total;
        StatisticsChunk.useCuda(budget);
        applied.add(StatisticsChunk.describe(budget > 0 ? budget : null) + " (bounded by "
                + (budget > 0 ? gib(budget) : "nothing: card memory unknown") + ")");

        Nd4j.getEnvironment().allowHelpers(spec.cudnn());
        String build = Nd4j.getBackend().buildInfo();
        boolean hasCudnn = build != null && build.contains("HAVE_CUDNN");
        applied.add("libnd4j helpers " + (spec.cudnn() ? "allowed" : "forbidden") + (hasCudnn
                ? " (this backend has cuDNN: pooling ops " + (spec.cudnn() ? "on" : "off") + " cuDNN; convolutions never use it in M2.1)"
                : " (this backend has no cuDNN: no effect)"));
    }

    private void verifyJavaCpp(CudaProfileSpec.Bytes wanted, String property, long actual) {
        if (wanted == null || wanted.bytes() == actual) return;
        throw new IllegalStateException("JavaCPP read " + property + " before the CUDA profile " + file + " set it (it has "
                + actual + ", the profile says " + wanted + "): call CudaProfile.applyBeforeBackend() before the "
                + "first ND4J or JavaCPP call");
    }

    /**
     * The one-line error for a CUDA profile used while ND4J runs on {@code backendKind} ("CPU" or "CUDA", as ND4J's
     * environment information names it); empty on CUDA.
     */
    public static Optional<String> wrongBackendMessage(String profileFile, String mavenProfile, String backendKind) {
        if ("CUDA".equalsIgnoreCase(backendKind)) return Optional.empty();
        String fix = "cuda".equals(mavenProfile) ? "rebuild with mvn -Pcuda (or -Pcuda-12.3 for H100)"
                : "rebuild with mvn -P" + mavenProfile + " (the profile is for that build)";
        String has = backendKind == null ? "an unknown backend" : "the " + backendKind + " backend";
        return Optional.of(profileFile + " needs the CUDA backend, but this build has " + has + ": " + fix);
    }

    /** Step 3, on every network built or restored: its training and inference workspace mode. */
    public void applyToNetwork(MultiLayerNetwork net) {
        WorkspaceMode mode = spec.dl4jWorkspaceMode();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        conf.setTrainingWorkspaceMode(mode);
        conf.setInferenceWorkspaceMode(mode);
        String note = "workspace mode " + mode + " (training and inference)";
        if (!applied.contains(note)) applied.add(note);
    }

    /** What the profile is and what has been applied so far, for the log and the run's provenance. */
    public String describe() {
        String head = "CUDA profile " + name + " (" + file + ", for mvn -P" + spec.mavenProfile() + "): ";
        String dtype = spec.dtype() == null ? "model.dtype from the experiment" : "model.dtype " + spec.dtype();
        if (applied.isEmpty())
            return head + "not applied yet; device " + spec.device() + ", max_off_heap " + orDefault(spec.maxOffHeap())
                    + ", max_physical " + orDefault(spec.maxPhysical()) + ", device_memory_limit "
                    + orDefault(spec.deviceMemoryLimit()) + ", gc_window_ms " + spec.gcWindowMs() + ", workspace_mode "
                    + spec.workspaceMode() + ", " + dtype + ", cudnn " + spec.cudnn();
        return head + String.join("; ", applied) + "; " + dtype;
    }

    private static String orDefault(Object o) {
        return o == null ? "default" : o.toString();
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    @Override public String toString() { return describe(); }
}
