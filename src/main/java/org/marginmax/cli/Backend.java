package org.marginmax.cli;

import org.marginmax.backend.OneDnn;

/** Start-up of the numeric backend before any network is built or restored. */
final class Backend {
    private Backend() {}

    static void init() {
        org.nd4j.linalg.factory.Nd4j.create(1); // load natives now, so their start-up noise precedes our output
        OneDnn.enable(); // conv/pooling through oneDNN on the CPU backend: see OneDnn's Javadoc
    }
}
