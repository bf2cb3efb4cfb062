package org.marginmax.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Two ways to make DL4J's backprop of a convolutional network cheaper without changing its result.
 *
 * <ol>
 *   <li><b>Cached pre-activations.</b> With a layer helper (oneDNN here), DL4J's {@code ConvolutionLayer} recomputes
 *       its forward convolution during backprop unless the network's {@link CacheMode} is set, in which case it
 *       keeps the forward pre-activations (in the network's activation workspace, for the duration of one iteration)
 *       and reuses them. Measured on the paper's MNIST CNN: 101 to 86 ms per training batch of 100.</li>
 *   <li><b>No input gradient for the first layer</b> when training: see {@link InputConvolutionLayer}.</li>
 * </ol>
 * {@link ModelFactory} builds networks with the cache mode already set; these methods also apply it to networks
 * restored from checkpoints written before that.
 */
public final class BackpropShortcuts {
    private BackpropShortcuts() {}

    /** For the trainer's network: cached pre-activations, and no gradient with respect to the network input. */
    public static MultiLayerNetwork forTraining(MultiLayerNetwork net) {
        cachePreActivations(net);
        Layer first = net.getLayers()[0];
        if (first instanceof InputConvolutionLayer.Impl conv && net.getLayerWiseConfigurations().getInputPreProcess(0) == null)
            conv.computeInputGradient(false);
        return net;
    }

    /** For networks whose input gradient is used (attacks): cached pre-activations only. */
    public static MultiLayerNetwork forInputGradients(MultiLayerNetwork net) {
        cachePreActivations(net);
        for (Layer l : net.getLayers())
            if (l instanceof InputConvolutionLayer.Impl conv) conv.computeInputGradient(true);
        return net;
    }

    /** Whether the first layer skips its input gradient in backprop. */
    public static boolean skipsInputGradient(MultiLayerNetwork net) {
        return net.getLayers()[0] instanceof InputConvolutionLayer.Impl conv && !conv.computesInputGradient();
    }

    private static void cachePreActivations(MultiLayerNetwork net) {
        net.getLayerWiseConfigurations().setCacheMode(CacheMode.DEVICE); // read when DL4J sets up the workspaces
        net.setCacheMode(CacheMode.DEVICE);                               // read by each layer
    }
}
