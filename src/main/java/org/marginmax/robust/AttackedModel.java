package org.marginmax.robust;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.BackpropShortcuts;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.Arrays;

/**
 * A network under attack: forward passes and gradients of an attack {@link Objective} with respect to the input, in
 * batches, through DL4J's own backprop on whatever backend is active.
 *
 * <p>Input gradients come from {@code MultiLayerNetwork.calculateGradients(features, labels, null, null)}, whose second
 * element is the gradient of the output layer's loss with respect to the input (DL4J M2.1 sources: it runs the
 * forward pass, then {@code calcBackpropGradients}, where the output layer asks {@code layerConf().getLossFn()} for
 * dLoss/dpreOutput). For the length of that call the output layer's configured loss is replaced by an
 * {@link ObjectiveLoss} returning dObjective/dlogits, then put back. The attack works on its own copy of the network, so the caller's network is never changed.
 *
 * <p>Points are row-major float64 arrays [batch, inputSize]; they are converted to the network's data type and shape
 * ({@code exampleShape}: e.g. {784} for an MLP, {1, 28, 28} for a CNN) at each call.
 */
public final class AttackedModel {
    public static final int DEFAULT_BATCH = 100;

    private final MultiLayerNetwork net;
    private final long[] exampleShape;
    private final int inputSize;
    private final int numOutputs;
    private final DataType dataType;
    private final int maxBatch;
    private final ObjectiveLoss objectiveLoss = new ObjectiveLoss();

    /** One forward-backward pass: logits [batch, outputs], objective values [batch], gradient [batch, inputSize]. */
    public record Pass(double[] logits, double[] values, double[] gradient) {}

    public AttackedModel(MultiLayerNetwork net, long[] exampleShape, int maxBatch) {
        if (net.getLayers() == null) throw new IllegalArgumentException("network is not initialised: call net.init()");
        Object conf = net.getOutputLayer().conf().getLayer();
        if (!(conf instanceof BaseOutputLayer out))
            throw new IllegalArgumentException("the network's last layer is " + conf.getClass().getSimpleName()
                    + ", not an output layer: attacks need an OutputLayer producing the logits");
        if (!(out.getActivationFn() instanceof ActivationIdentity))
            throw new IllegalArgumentException("the output layer's activation is " + out.getActivationFn()
                    + ": attacks read the logits, so build the OutputLayer with Activation.IDENTITY");
        if (maxBatch < 1) throw new IllegalArgumentException("attack batch size must be at least 1, got " + maxBatch);
        long size = 1;
        for (long s : exampleShape) size *= s;
        // an own copy: the input-gradient shortcuts switch off weight gradients, which the caller may still train with
        this.net = BackpropShortcuts.forInputGradients(net.clone());
        this.exampleShape = exampleShape.clone();
        this.inputSize = Math.toIntExact(size);
        this.numOutputs = Math.toIntExact(((FeedForwardLayer) conf).getNOut());
        this.dataType = net.params().dataType();
        this.maxBatch = maxBatch;
    }

    public MultiLayerNetwork network() { return net; }

    public int inputSize() { return inputSize; }

    public int numOutputs() { return numOutputs; }

    /** One output unit: labels are ±1 and the margin is y·f. */
    public boolean binary() { return numOutputs == 1; }

    public int maxBatch() { return maxBatch; }

    public DataType dataType() { return dataType; }

    /** Logits [batch, outputs] of {@code batch} points (evaluated in chunks of {@link #maxBatch()}). */
    public double[] logits(double[] x, int batch) {
        checkBatch(x, batch);
        double[] out = new double[batch * numOutputs];
        for (int from = 0; from < batch; from += maxBatch) {
            int count = Math.min(maxBatch, batch - from);
            INDArray z = net.output(input(x, from, count));
            System.arraycopy(MarginLosses.rowMajor(z), 0, out, from * numOutputs, count * numOutputs);
        }
        return out;
    }

    /** Logits and the gradient of {@code objective} with respect to each point (in chunks of {@link #maxBatch()}). */
    public Pass gradient(double[] x, int batch, Objective objective) {
        checkBatch(x, batch);
        double[] logits = new double[batch * numOutputs], values = new double[batch], grad = new double[x.length];
        for (int from = 0; from < batch; from += maxBatch) {
            int count = Math.min(maxBatch, batch - from);
            int offset = from;
            Objective shifted = offset == 0 ? objective
                    : (z, o, c, n, g) -> objective.evaluate(z, o, c, n + offset, g);
            Pass p = chunkGradient(input(x, from, count), count, shifted);
            System.arraycopy(p.logits, 0, logits, from * numOutputs, count * numOutputs);
            System.arraycopy(p.values, 0, values, from, count);
            System.arraycopy(p.gradient, 0, grad, from * inputSize, count * inputSize);
        }
        return new Pass(logits, values, grad);
    }

    private Pass chunkGradient(INDArray features, int count, Objective objective) {
        BaseOutputLayer conf = (BaseOutputLayer) net.getOutputLayer().conf().getLayer();
        ILossFunction original = conf.getLossFn();
        objectiveLoss.prepare(objective);
        conf.setLossFn(objectiveLoss);
        try {
            INDArray labels = Nd4j.zeros(dataType, count, numOutputs);
            Pair<Gradient, INDArray> p = net.calculateGradients(features, labels, null, null);
            if (p == null || p.getSecond() == null)
                throw new IllegalStateException("DL4J returned no input gradient for this network");
            double[] g = MarginLosses.rowMajor(p.getSecond());
            return new Pass(objectiveLoss.logits(), objectiveLoss.values(), g);
        } finally {
            conf.setLossFn(original);
            objectiveLoss.prepare(null);
        }
    }

    /**
     * Rounds candidate points in place to values the network represents exactly (float32 for float32 networks),
     * rounding each coordinate toward the clean point {@code x0}: the result stays between x0 and the candidate, so it
     * keeps every L∞/L2 bound and the [0, 1] box the candidate met, and the network sees exactly the point measured.
     */
    public void roundToward(double[] x, double[] x0) {
        if (dataType != DataType.FLOAT) return;
        for (int i = 0; i < x.length; i++) {
            double v = x[i], o = x0[i];
            float f = (float) v;
            if (Math.abs((double) f - o) > Math.abs(v - o)) f = Math.nextAfter(f, o);
            x[i] = f;
        }
    }

    private INDArray input(double[] x, int from, int count) {
        double[] chunk = from == 0 && count * inputSize == x.length ? x
                : Arrays.copyOfRange(x, from * inputSize, (from + count) * inputSize);
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = count;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        return Nd4j.create(chunk, shape, dataType);
    }

    private void checkBatch(double[] x, int batch) {
        if ((long) batch * inputSize != x.length)
            throw new IllegalArgumentException(x.length + " input values are not " + batch + " points of " + inputSize);
    }
}
