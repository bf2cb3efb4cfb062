package org.marginmax.backend;

import com.fasterxml.jackson.annotation.JsonCreator;
import org.deeplearning4j.nn.conf.WorkspaceMode;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of a {@code cuda-profiles/*.yaml} file (bound strictly by {@link CudaProfile#parse}; every key must be
 * present, {@code null} means "leave the library's default"). What each one does in DL4J/ND4J 1.0.0-M2.1 is in
 * {@code cuda-profiles/README.md}.
 *
 * @param description       one line: which cards the profile is for
 * @param mavenProfile      the build it is meant for: {@code cuda} (CUDA 11.6 backend) or {@code cuda-12.3}
 * @param device            CUDA device index among the visible ones (after CUDA_VISIBLE_DEVICES)
 * @param maxOffHeap        JavaCPP {@code org.bytedeco.javacpp.maxbytes}, or null
 * @param maxPhysical       JavaCPP {@code org.bytedeco.javacpp.maxphysicalbytes} (0 = no check), or null
 * @param deviceMemoryLimit libnd4j's per-device limit for arrays outside workspaces (0 or null = none)
 * @param gcWindowMs        ND4J periodic {@code System.gc()} every this many ms (0 = off)
 * @param workspaceMode     {@code enabled} or {@code none}: the network's training and inference workspace mode
 * @param dtype             {@code float32}, {@code float64}, or null (keep the experiment's model.dtype)
 * @param cudnn             {@code Nd4j.getEnvironment().allowHelpers}: cuDNN pooling with the -cudnn build only
 */
public record CudaProfileSpec(String description, String mavenProfile, int device, Bytes maxOffHeap,
                              Bytes maxPhysical, Bytes deviceMemoryLimit, int gcWindowMs, String workspaceMode,
                              String dtype, boolean cudnn) {

    static final Set<String> MAVEN_PROFILES = Set.of("cuda", "cuda-12.3");

    public CudaProfileSpec {
        if (description == null || description.isBlank()) throw new BadValue("description", "must be one line of text");
        if (!MAVEN_PROFILES.contains(mavenProfile))
            throw new BadValue("maven_profile", "expected cuda or cuda-12.3, got '" + mavenProfile + "'");
        if (device < 0) throw new BadValue("device", "must be 0 or more, got " + device);
        if (gcWindowMs != 0 && gcWindowMs < 100)
            throw new BadValue("gc_window_ms", "must be 0 (off) or at least 100, got " + gcWindowMs);
        if (!"enabled".equals(workspaceMode) && !"none".equals(workspaceMode))
            throw new BadValue("workspace_mode", "expected enabled or none, got '" + workspaceMode + "'");
        if (dtype != null && !"float32".equals(dtype) && !"float64".equals(dtype))
            throw new BadValue("dtype", "expected float32, float64 or null, got '" + dtype + "'");
        if (maxPhysical != null && maxPhysical.bytes() > 0 && maxOffHeap != null && maxPhysical.bytes() <= maxOffHeap.bytes())
            throw new BadValue("max_physical", maxPhysical + " is not larger than max_off_heap (" + maxOffHeap
                    + "), yet it caps the whole process, heap and off-heap together");
    }

    /** DL4J's mode for {@link #workspaceMode()}. */
    public WorkspaceMode dl4jWorkspaceMode() {
        return "none".equals(workspaceMode) ? WorkspaceMode.NONE : WorkspaceMode.ENABLED;
    }

    /** A bad value for one key: {@link CudaProfile#parse} adds the file and the key's line. */
    static final class BadValue extends org.marginmax.io.StrictYaml.BadValue {
        BadValue(String key, String message) { super(key, message); }
    }

    /**
     * A number of bytes as written in the profile: whole bytes, or a whole number with k, m, g or t (optionally
     * followed by b, any case), each a factor of 1024, as JavaCPP reads its own properties. No "%": a profile says
     * sizes outright.
     */
    public record Bytes(long bytes, String text) {
        private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)b?", Pattern.CASE_INSENSITIVE);

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Bytes of(Object raw) {
            if (raw instanceof Integer || raw instanceof Long) {
                long v = ((Number) raw).longValue();
                if (v < 0) throw new IllegalArgumentException("a size must be 0 or more, got " + v);
                return new Bytes(v, Long.toString(v));
            }
            if (raw instanceof String s) return new Bytes(parse(s), s.strip());
            throw new IllegalArgumentException("'" + raw + "' is not a size: write whole bytes or a whole number with "
                    + "k, m, g or t (x1024), e.g. 16g");
        }

        static long parse(String s) {
            Matcher m = SIZE.matcher(s.strip());
            if (!m.matches())
                throw new IllegalArgumentException("'" + s + "' is not a size: write whole bytes or a whole number with "
                        + "k, m, g or t (x1024), e.g. 16g");
            long v = Long.parseLong(m.group(1));
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            if (shift > 0 && v > (Long.MAX_VALUE >> shift)) throw new IllegalArgumentException("'" + s + "' is too large");
            return v << shift;
        }

        @Override public String toString() { return text; }
    }
}
