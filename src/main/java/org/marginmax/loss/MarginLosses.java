package org.marginmax.loss;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Creating the losses, finding the one a network trains with, and reading logits as float64. */
public final class MarginLosses {

    private MarginLosses() {}

    public static FramedLoss create(LossKind kind) {
        return switch (kind) {
            case CROSS_ENTROPY -> new CrossEntropyLoss();
            case LOGISTIC -> new LogisticLoss();
            case EXPONENTIAL -> new ExponentialLoss();
        };
    }

    /**
     * The loss object the network's output layer actually uses (set its logFrame to move the frame).
     * After ModelSerializer restores a model this is a new object with logFrame 0.
     */
    public static FramedLoss of(MultiLayerNetwork net) {
        if (net.getLayers() == null)
            throw new IllegalStateException("network is not initialised: call net.init() before MarginLosses.of(net)");
        Object conf = net.getOutputLayer().conf().getLayer();
        ILossFunction loss = conf instanceof BaseOutputLayer out ? out.getLossFn() : null;
        if (loss instanceof FramedLoss framed) return framed;
        throw new IllegalStateException("the network's output layer uses loss " + loss
                + ", not a margin-max loss: build its OutputLayer with MarginLosses.create(kind)");
    }

    /** The elements of an array in row-major order as float64 (exact for float32/float16 input). */
    public static double[] rowMajor(INDArray array) {
        long length = array.length();
        if (length > Integer.MAX_VALUE)
            throw new IllegalArgumentException("array of " + length + " elements is too large: evaluate it in chunks");
        double[] values = array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        return values.length == length ? values : java.util.Arrays.copyOf(values, (int) length);
    }
}
