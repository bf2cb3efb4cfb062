package org.nd4j.nativeblas;

import org.marginmax.backend.OneDnn;

/**
 * Not ND4J's class: the name DL4J 1.0.0-M2.1's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up by reflection
 * ({@code org.nd4j.nativeblas.Nd4jCpu$Environment#getInstance().isUseMKLDNN()}), which M2.1's nd4j-native no longer
 * ships. It answers with the native flag that does exist. Why this is needed: see {@link OneDnn}.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    /** Looked up as {@code org.nd4j.nativeblas.Nd4jCpu$Environment}. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** libnd4j's own switch ({@code Nd4jCpu.Environment#isUseONEDNN()} of the CPU bindings); false on CUDA. */
        public boolean isUseMKLDNN() {
            return OneDnn.nativeUseOneDnn();
        }
    }
}
