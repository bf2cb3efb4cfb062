package org.marginmax.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * The DL4J release on the class path and which of this project's shortcuts into DL4J 1.0.0-M2.1 internals are
 * active on it. Read from the jars' pom.properties (kept by the shaded jar) before anything is built, so that an
 * untested release (the cuda-12.3 snapshot, a later milestone) says so at start-up instead of failing deep inside a
 * layer.
 *
 * <ul>
 *   <li>helper-disable property and oneDNN class shim ({@link OneDnn}): rely on M2.1's helper lookup (the property's
 *       default, BaseMKLDNNHelper's reflective class name); switched OFF on any other release;</li>
 *   <li>cached im2col (CacheMode.DEVICE, model.BackpropShortcuts): DL4J's public API, stays on; on another release it
 *       may simply not cache;</li>
 *   <li>custom layers (model.ReluDenseLayer, model.InputConvolutionLayer, model.MarginOutputLayer): subclasses of
 *       M2.1's layer implementations, compiled against M2.1; they stay on because the networks are made of them; on
 *       another release a NoSuchMethodError or AbstractMethodError when a network is built means they need porting.</li>
 * </ul>
 */
public final class Dl4jVersion {
    /** The one release this code was built and tested against. */
    public static final String TESTED = "1.0.0-M2.1";

    private Dl4jVersion() {}

    /**
     * @param dl4j   deeplearning4j-nn's version, or null if unreadable
     * @param nd4j   nd4j-api's version, or null
     * @param tested both are {@link #TESTED}
     * @param lines  one line per shortcut: on, off and why
     */
    public record Status(String dl4j, String nd4j, boolean tested, List<String> lines) {
        /** All lines joined for a log or {@code info}. */
        public String summary() { return String.join("; ", lines); }
    }

    /** The versions on this class path. */
    public static Status check() {
        return of(BackendInfo.pomVersion("org.deeplearning4j", "deeplearning4j-nn"),
                BackendInfo.pomVersion("org.nd4j", "nd4j-api"));
    }

    static Status of(String dl4j, String nd4j) {
        boolean tested = TESTED.equals(dl4j) && TESTED.equals(nd4j);
        String found = "DL4J " + (dl4j == null ? "unknown" : dl4j) + " / ND4J " + (nd4j == null ? "unknown" : nd4j);
        List<String> lines = new ArrayList<>();
        if (tested) {
            lines.add(found + " (the tested release)");
            lines.add("helper-disable property and oneDNN class shim: active where oneDNN is available (CPU oneDNN builds)");
            lines.add("cached im2col (CacheMode.DEVICE): active");
            lines.add("custom layers (ReluDenseLayer, InputConvolutionLayer, MarginOutputLayer): active");
        } else {
            lines.add(found + ": UNTESTED, this code was tested on " + TESTED + " only");
            lines.add("helper-disable property and oneDNN class shim: OFF (they depend on M2.1's helper lookup)");
            lines.add("cached im2col (CacheMode.DEVICE): on (public API; may not cache on this release)");
            lines.add("custom layers (ReluDenseLayer, InputConvolutionLayer, MarginOutputLayer): on, untested; a "
                    + "NoSuchMethodError or AbstractMethodError when the network is built means they need porting to "
                    + found);
        }
        return new Status(dl4j, nd4j, tested, List.copyOf(lines));
    }
}
