package org.marginmax.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * One weight layer (dense, convolution or output) of a built network, as found by {@link NetworkStructure#of}.
 *
 * @param layerIndex  index of the layer in the {@link MultiLayerNetwork} (pooling layers count too)
 * @param weightIndex position among the weight layers, 0-based
 * @param name        layer name
 * @param kind        dense, conv or output
 * @param weightShape shape of the weight parameter {@code "W"} (dense [nIn, nOut]; conv [out, in, kh, kw])
 * @param biasShape   shape of the bias parameter {@code "b"}, or an empty array when the layer has no bias
 * @param weightCount number of weights
 * @param biasCount   number of biases (0 without bias)
 */
public record WeightLayer(int layerIndex, int weightIndex, String name, WeightLayerKind kind,
                          long[] weightShape, long[] biasShape, long weightCount, long biasCount) {

    /** DL4J's parameter keys (DefaultParamInitializer / ConvolutionParamInitializer). */
    public static final String WEIGHT_KEY = "W";
    public static final String BIAS_KEY = "b";

    public boolean hasBias() { return biasCount > 0; }

    public long paramCount() { return weightCount + biasCount; }

    /** The live view of this layer's weights in {@code net} (writing to it changes the network). */
    public INDArray weights(MultiLayerNetwork net) {
        return net.getLayer(layerIndex).getParam(WEIGHT_KEY);
    }

    /** The live view of this layer's bias in {@code net}, or null when the layer has none. */
    public INDArray bias(MultiLayerNetwork net) {
        return hasBias() ? net.getLayer(layerIndex).getParam(BIAS_KEY) : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightLayer w && layerIndex == w.layerIndex && weightIndex == w.weightIndex
                && name.equals(w.name) && kind == w.kind && Arrays.equals(weightShape, w.weightShape)
                && Arrays.equals(biasShape, w.biasShape) && weightCount == w.weightCount && biasCount == w.biasCount;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * layerIndex + name.hashCode()) + Arrays.hashCode(weightShape) + Arrays.hashCode(biasShape);
    }

    @Override
    public String toString() {
        return "WeightLayer[" + layerIndex + " " + name + " " + kind.key() + " W" + Arrays.toString(weightShape)
                + (hasBias() ? " b" + Arrays.toString(biasShape) : "") + "]";
    }
}
