package org.marginmax.cli;

/** Start-up of the numeric backend before any network is built. */
final class Backend {
    private Backend() {}

    static void init() {
        org.nd4j.linalg.factory.Nd4j.create(1); // load natives now, so their start-up noise precedes our output
    }
}
