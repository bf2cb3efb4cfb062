package org.marginmax.kkt;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.marginmax.model.BackpropShortcuts;
import org.marginmax.model.NetworkStructure;
import org.marginmax.model.WeightLayer;
import org.marginmax.model.WeightLayerKind;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * A private float64 copy of a homogeneous network, for the KKT measurements: its parameter vector θ (DL4J's flat
 * parameter view: every weight and the first layer's bias, all homogeneous), logits, and gradients of weighted sums
 * of logits, Σ_r Σ_c E_rc ∂f_c(x_r)/∂θ, from DL4J's own backprop ({@code calculateGradients} with an
 * {@link EpsilonLoss} on the output layer). The caller's network is never changed.
 */
public final class KktNetwork {
    private final MultiLayerNetwork net;
    private final NetworkStructure structure;
    private final EpsilonLoss epsilon = new EpsilonLoss();
    private final int outputs;
    private org.deeplearning4j.nn.gradient.Gradient last;

    private KktNetwork(MultiLayerNetwork net, NetworkStructure structure, int outputs) {
        this.net = net;
        this.structure = structure;
        this.outputs = outputs;
    }

    /** A float64 copy of {@code source}; a UserInputException (one line) if it is not homogeneous. */
    public static KktNetwork of(MultiLayerNetwork source) {
        NetworkStructure s = NetworkStructure.of(source);
        if (!s.homogeneous())
            throw new org.marginmax.io.UserInputException("the network is not homogeneous (" + s.homogeneityReason()
                    + "): KKT points of the max-margin problem are defined for homogeneous networks only "
                    + "(bias: none or first-layer)");
        MultiLayerNetwork copy = source.params().dataType() == DataType.DOUBLE ? source.clone()
                : source.convertDataType(DataType.DOUBLE);
        Object conf = copy.getOutputLayer().conf().getLayer();
        if (!(conf instanceof BaseOutputLayer out) || !(out.getActivationFn() instanceof ActivationIdentity))
            throw new org.marginmax.io.UserInputException("the network's last layer is not an identity-activated output layer: "
                    + "kkt reads the logits");
        out.setLossFn(new EpsilonLoss());
        BackpropShortcuts.forTraining(copy); // every layer's parameter gradients on
        KktNetwork k = new KktNetwork(copy, NetworkStructure.of(copy), Math.toIntExact(out.getNOut()));
        out.setLossFn(k.epsilon);
        return k;
    }

    public NetworkStructure structure() { return structure; }

    /** L. */
    public int order() { return structure.order(); }

    public int outputs() { return outputs; }

    public long parameterCount() { return net.numParams(); }

    /** θ as a float64 copy. */
    public INDArray theta() { return net.params().dup(); }

    /** θ → cθ (every parameter is homogeneous: f(cθ) = c^L f(θ)). */
    public void scale(double c) { net.params().muli(c); }

    /** Replaces θ (same layout as {@link #theta()}). */
    public void setTheta(INDArray theta) { net.setParams(theta.castTo(DataType.DOUBLE)); }

    /** Logits [n, outputs] of {@code x} (the network's input layout), float64, in chunks. */
    public double[] logits(INDArray x, int chunk) {
        int n = (int) x.size(0);
        double[] out = new double[n * outputs];
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            INDArray z = net.output(rows(x, from, to).castTo(DataType.DOUBLE), false);
            double[] v = z.dup('c').data().asDouble();
            System.arraycopy(v, 0, out, from * outputs, v.length);
        }
        return out;
    }

    /**
     * Σ_r Σ_c E_rc ∇_θ f_c(θ; x_r): DL4J's backprop of the batch {@code x} with output gradient E [rows, outputs].
     * Returns a new float64 vector in the layout of {@link #theta()}.
     */
    public INDArray gradient(INDArray x, INDArray e) {
        backprop(x, e);
        return net.getFlattenedGradients().dup();
    }

    /** Runs the backprop; the per-layer gradients are then in {@link #layerGradient}. */
    void backprop(INDArray x, INDArray e) {
        epsilon.set(e.castTo(DataType.DOUBLE));
        try {
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, x.size(0), outputs);
            var p = net.calculateGradients(x.castTo(DataType.DOUBLE), labels, null, null);
            if (p == null || p.getFirst() == null) throw new IllegalStateException("DL4J returned no gradient");
            last = p.getFirst();
        } finally {
            epsilon.set(null);
        }
    }

    /** The flat gradient of the last {@link #backprop} (a live view: read before the next one). */
    INDArray flatGradient() { return net.getFlattenedGradients(); }

    /** The gradient of one parameter ("W" or "b") of a weight layer after {@link #backprop} (live view). */
    INDArray layerGradient(WeightLayer l, String key) {
        return last.getGradientFor(l.layerIndex() + "_" + key);
    }

    /** The inputs of each dense (or output) layer for the rows of {@code x}, as DL4J feeds them ([rows, nIn]). */
    INDArray[] denseInputs(INDArray x) {
        List<WeightLayer> layers = structure.weightLayers();
        INDArray[] out = new INDArray[layers.size()];
        List<INDArray> acts = net.feedForward(x.castTo(DataType.DOUBLE), false);
        for (int i = 0; i < layers.size(); i++) {
            WeightLayer l = layers.get(i);
            if (l.kind() == WeightLayerKind.CONV) continue;
            INDArray a = acts.get(l.layerIndex());
            InputPreProcessor pp = net.getLayerWiseConfigurations().getInputPreProcess(l.layerIndex());
            if (pp != null) a = pp.preProcess(a, (int) x.size(0), LayerWorkspaceMgr.noWorkspaces());
            out[i] = a.reshape('c', x.size(0), l.weightShape()[0]).dup('c');
        }
        return out;
    }

    /** The rows {@code index} of x (first dimension), any rank. */
    static INDArray select(INDArray x, int[] index) {
        return x.get(new org.nd4j.linalg.indexing.SpecifiedIndex(index)).dup('c');
    }

    static INDArray rows(INDArray x, int from, int to) {
        if (from == 0 && to == x.size(0)) return x;
        return x.get(NDArrayIndex.interval(from, to)).dup('c');
    }
}
