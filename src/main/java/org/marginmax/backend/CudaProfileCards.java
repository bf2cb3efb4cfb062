package org.marginmax.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Which cards a CUDA backend has GPU code for, checked without touching ND4J (so it also works before the backend
 * loads, where a card without code would otherwise fail deep inside the first kernel launch).
 *
 * <p>The compute-capability table is {@link #CUBINS}, the one place this project lists which GPU code a backend
 * holds. Its source: the release's build flags, {@code -Dlibnd4j.compute='3.7 5.0 5.2 6.0 6.1 7.0 7.5 8.0 8.6'} in
 * deeplearning4j's {@code .github/workflows/build-deploy-linux-cuda-11.6.yml} (libnd4j's {@code blas/CMakeLists.txt}
 * turns that list into {@code -gencode} flags, SASS only, no {@code +PTX}), and the released {@code nd4j-cuda-11.6}
 * 1.0.0-M2.1 {@code libnd4jcuda.so} inspected (dl4j-notes "Which GPUs the released CUDA backend can run on"): cubins
 * for exactly those, no PTX. A cubin runs on its own major architecture with an equal or higher minor (sm_86 code
 * runs on 8.7 and 8.9), and without PTX nothing can be compiled for a newer major: so 3.7 to 8.9, not 3.0/3.5 and
 * not Hopper (9.0) or newer. The {@code nd4j-cuda-12.3} snapshot is not in the table: it was not inspected, and the
 * stored version of its workflow ({@code build-deploy-linux-cuda-12.3.yml}) passes the same list, without 9.0, so
 * whether a given snapshot has sm_90 code must be checked on the card ({@code cuda-profiles/gpu-smoke}).
 */
public final class CudaProfileCards {
    private CudaProfileCards() {}

    /** A card as nvidia-smi lists it: index in PCI bus order, UUID, name, compute capability "major.minor". */
    public record Card(int index, String uuid, String name, String computeCapability) {}

    /**
     * Cubin architectures (SASS, no PTX) per CUDA backend, as {major, minor}; source in the class comment. Only
     * backends whose binary was inspected are listed.
     */
    static final Map<String, int[][]> CUBINS = Map.of(
            "11.6", new int[][]{{3, 7}, {5, 0}, {5, 2}, {6, 0}, {6, 1}, {7, 0}, {7, 5}, {8, 0}, {8, 6}});

    /** Backends this project knows how to build, by the nd4j-cuda artifact's CUDA version. */
    private static final List<String> KNOWN_CUDA_BACKENDS = List.of("11.6", "12.3");

    /**
     * Why {@code cardName} with {@code computeCapability} ("major.minor") cannot run on the backend built with CUDA
     * {@code backendName} ("11.6" or "cuda-11.6"), or empty if it can, or if that cannot be told (a backend whose
     * code was not inspected, an unreadable compute capability).
     */
    public static Optional<String> unsupportedCardMessage(String backendName, String cardName, String computeCapability) {
        String backend = backendName == null ? "" : backendName.replaceFirst("^cuda-", "");
        int[][] cubins = CUBINS.get(backend);
        if (cubins == null) return Optional.empty();
        int[] cc = parseCc(computeCapability);
        if (cc == null) return Optional.empty();
        for (int[] cubin : cubins)
            if (cubin[0] == cc[0] && cubin[1] <= cc[1]) return Optional.empty();
        String card = cardName + " (compute capability " + cc[0] + "." + cc[1] + ")";
        String has = "this build's CUDA 11.6 backend (nd4j-cuda-11.6 1.0.0-M2.1) has GPU code for sm_37..sm_86 only, no PTX";
        if (cc[0] == 9)
            return Optional.of(card + " cannot run: " + has + ": rebuild with mvn -Pcuda-12.3 and run with "
                    + "--cuda-profile h100-80gb");
        if (cc[0] > 9)
            return Optional.of(card + " cannot run: " + has + ", and no DL4J backend known here has code for it "
                    + "(the cuda-12.3 snapshot was not checked and reaches sm_90 at most): use the CPU build "
                    + "(mvn -B package) or a card with compute capability 3.7 to 9.0");
        return Optional.of(card + " is too old: " + has + ": use the CPU build (mvn -B package) or a card with "
                + "compute capability 3.7 or newer");
    }

    private static int[] parseCc(String cc) {
        if (cc == null) return null;
        String[] parts = cc.strip().split("\\.");
        if (parts.length != 2) return null;
        try {
            return new int[]{Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The CUDA version of the nd4j-cuda backend on the classpath ("11.6", "12.3"), read from its Maven metadata so
     * that nothing is loaded; empty when the build has no CUDA backend (the CPU build) or an unknown one.
     */
    public static Optional<String> packagedCudaBackend() {
        for (String v : KNOWN_CUDA_BACKENDS) {
            String res = "META-INF/maven/org.nd4j/nd4j-cuda-" + v + "/pom.properties";
            try (InputStream in = CudaProfileCards.class.getClassLoader().getResourceAsStream(res)) {
                if (in != null) return Optional.of(v);
            } catch (IOException e) {
                // not this one
            }
        }
        return Optional.empty();
    }

    /** Parses {@code nvidia-smi --query-gpu=index,uuid,name,compute_cap --format=csv,noheader}; skips odd lines. */
    public static List<Card> parseNvidiaSmi(String csv) {
        List<Card> cards = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            String[] f = line.split(",");
            if (f.length != 4) continue;
            try {
                cards.add(new Card(Integer.parseInt(f[0].strip()), f[1].strip(), f[2].strip(), f[3].strip()));
            } catch (NumberFormatException e) {
                // a header or a message, not a card
            }
        }
        return cards;
    }

    /**
     * The cards a CUDA program will see under {@code cudaVisibleDevices} (the CUDA_VISIBLE_DEVICES value, null if
     * unset): entries are nvidia-smi indices or UUID prefixes (GPU-...). Indices match CUDA's own numbering only
     * with CUDA_DEVICE_ORDER=PCI_BUS_ID or identical cards; empty result = cannot tell (e.g. MIG entries).
     */
    public static List<Card> visible(List<Card> all, String cudaVisibleDevices) {
        if (cudaVisibleDevices == null) return all;
        List<Card> out = new ArrayList<>();
        for (String entry : cudaVisibleDevices.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) continue;
            Card match = null;
            for (Card c : all) {
                if (e.matches("\\d+") ? c.index() == Integer.parseInt(e) : c.uuid().startsWith(e)) match = c;
            }
            if (match == null) break; // CUDA stops at the first invalid entry
            out.add(match);
        }
        return out;
    }

    /**
     * Start-up check before ND4J loads: an error only if every card the process will see lacks code in the backend
     * (then no device choice can work); on a mixed machine the check after start-up decides for the chosen device.
     */
    public static Optional<String> preflightMessage(String backendName, List<Card> visibleCards) {
        if (visibleCards.isEmpty()) return Optional.empty();
        Optional<String> first = Optional.empty();
        for (Card c : visibleCards) {
            Optional<String> m = unsupportedCardMessage(backendName, c.name(), c.computeCapability());
            if (m.isEmpty()) return Optional.empty();
            if (first.isEmpty()) first = m;
        }
        return first;
    }

    /** How long nvidia-smi may take before it is killed and the cards count as "not checked". */
    static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(10);

    /** nvidia-smi's answer: the cards, or (cards empty) why there are none, e.g. "timed out after 10 s". */
    record SmiResult(List<Card> cards, String problem) {
        static SmiResult failed(String problem) { return new SmiResult(List.of(), problem); }
    }

    /**
     * Runs {@code nvidia-smi}, found on {@code env}'s PATH, for at most {@code timeout}. Its output goes to a
     * temporary file, not a pipe, so a hung nvidia-smi (a wedged driver does that) cannot block the read: the
     * timeout always fires, and then the process and its children are killed.
     */
    static SmiResult queryNvidiaSmi(Map<String, String> env, Duration timeout) {
        Optional<Path> exe = onPath("nvidia-smi", env.get("PATH"));
        if (exe.isEmpty()) return SmiResult.failed("nvidia-smi not on PATH");
        Path out = null;
        Process p = null;
        try {
            out = Files.createTempFile("nvidia-smi", ".csv");
            p = new ProcessBuilder(exe.get().toString(), "--query-gpu=index,uuid,name,compute_cap", "--format=csv,noheader")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                return SmiResult.failed(exe.get() + " did not answer within " + timeout.toSeconds() + " s (killed)");
            if (p.exitValue() != 0) return SmiResult.failed(exe.get() + " exited with " + p.exitValue());
            List<Card> cards = parseNvidiaSmi(Files.readString(out, StandardCharsets.UTF_8));
            return cards.isEmpty() ? SmiResult.failed(exe.get() + " listed no card with compute_cap (driver too old?)")
                    : new SmiResult(cards, null);
        } catch (IOException e) {
            return SmiResult.failed("nvidia-smi failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SmiResult.failed("interrupted while waiting for nvidia-smi");
        } finally {
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temporary file; nothing to do
                }
            }
        }
    }

    /**
     * The executable {@code name} in the directories of {@code path}. Resolved here rather than by
     * ProcessBuilder, which searches the JVM's own PATH whatever the child environment says.
     */
    static Optional<Path> onPath(String name, String path) {
        if (path == null) return Optional.empty();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** The preflight as {@link CudaProfile#applyBeforeBackend()} runs it; a note on what was checked, or an error. */
    static String preflight(String backend, Map<String, String> env) {
        if (!CUBINS.containsKey(backend)) return "cards not checked before start-up (no known code list for CUDA " + backend + ")";
        SmiResult smi = queryNvidiaSmi(env, NVIDIA_SMI_TIMEOUT);
        if (smi.cards().isEmpty()) return "cards not checked before start-up (" + smi.problem() + ")";
        List<Card> seen = visible(smi.cards(), env.get("CUDA_VISIBLE_DEVICES"));
        if (seen.isEmpty()) return "cards not checked before start-up (CUDA_VISIBLE_DEVICES matches no nvidia-smi card)";
        Optional<String> problem = preflightMessage(backend, seen);
        if (problem.isPresent()) throw new CudaProfileException(problem.get());
        return "nvidia-smi: at least one of " + seen.size() + " visible card(s) has code in the CUDA " + backend + " backend";
    }
}
