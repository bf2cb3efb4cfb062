package org.marginmax.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The structure of a built network, read from the network itself: its weight layers in order, the homogeneity order
 * L (protocol A: the number of weight layers, max pooling and ReLU being 1-homogeneous) and whether the network is
 * homogeneous (ReLU/identity activations, max pooling, and no bias except possibly on the first weight layer).
 */
public final class NetworkStructure {

    private final List<WeightLayer> weightLayers;
    private final List<Row> rows;
    private final long totalParams;
    private final String dataType;
    private final boolean homogeneous;
    private final String homogeneityReason;

    /** One line of {@link #describe()}: any layer, weight layer or not. */
    private record Row(int index, String name, String kind, String params, long count, String bias) {}

    private NetworkStructure(List<WeightLayer> weightLayers, List<Row> rows, long totalParams, String dataType,
                             boolean homogeneous, String homogeneityReason) {
        this.weightLayers = List.copyOf(weightLayers);
        this.rows = List.copyOf(rows);
        this.totalParams = totalParams;
        this.dataType = dataType;
        this.homogeneous = homogeneous;
        this.homogeneityReason = homogeneityReason;
    }

    /** Reads the structure of an initialised network. */
    public static NetworkStructure of(MultiLayerNetwork net) {
        if (net.getLayers() == null)
            throw new IllegalStateException("network is not initialised: call init() before NetworkStructure.of");
        List<WeightLayer> weights = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        List<String> notHomogeneous = new ArrayList<>();
        Layer[] layers = net.getLayers();
        for (int i = 0; i < layers.length; i++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layers[i].conf().getLayer();
            String name = conf.getLayerName() == null ? "layer" + i : conf.getLayerName();
            Map<String, INDArray> params = layers[i].paramTable();
            WeightLayerKind kind = weightKind(conf);
            if (kind == null) {
                if (!params.isEmpty())
                    throw new IllegalArgumentException("layer " + i + " (" + conf.getClass().getSimpleName()
                            + ") has parameters but is not a dense, convolution or output layer: unsupported");
                String k = poolingKind(conf);
                if (k == null) {
                    k = conf.getClass().getSimpleName();
                    notHomogeneous.add(name + " is a " + k);
                }
                rows.add(new Row(i, name, k, "-", 0, "-"));
                continue;
            }
            INDArray w = params.get(WeightLayer.WEIGHT_KEY);
            INDArray b = params.get(WeightLayer.BIAS_KEY);
            if (w == null)
                throw new IllegalArgumentException("layer " + i + " (" + name + ") has no weight parameter 'W'");
            if (params.size() != (b == null ? 1 : 2))
                throw new IllegalArgumentException("layer " + i + " (" + name + ") has parameters " + params.keySet()
                        + "; only W and b are supported");
            WeightLayer wl = new WeightLayer(i, weights.size(), name, kind, w.shape(),
                    b == null ? new long[0] : b.shape(), w.length(), b == null ? 0 : b.length());
            weights.add(wl);
            IActivation act = ((BaseLayer) conf).getActivationFn();
            if (!(act instanceof ActivationReLU || act instanceof ActivationIdentity))
                notHomogeneous.add(name + " has activation " + act);
            if (wl.hasBias() && wl.weightIndex() > 0) notHomogeneous.add(name + " has a bias");
            rows.add(new Row(i, name, kind.key(), "W" + Arrays.toString(w.shape()).replace(" ", "")
                    + (b == null ? "" : " b" + Arrays.toString(b.shape()).replace(" ", "")),
                    wl.paramCount(), wl.hasBias() ? "yes" : "no"));
        }
        if (weights.isEmpty()) throw new IllegalArgumentException("network has no weight layer");
        boolean homogeneous = notHomogeneous.isEmpty();
        String reason;
        if (homogeneous)
            reason = weights.get(0).hasBias() ? "bias on the first weight layer only" : "no bias";
        else
            reason = String.join("; ", notHomogeneous);
        return new NetworkStructure(weights, rows, net.numParams(),
                String.valueOf(net.getLayerWiseConfigurations().getDataType()), homogeneous, reason);
    }

    private static WeightLayerKind weightKind(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf instanceof BaseOutputLayer) return WeightLayerKind.OUTPUT;
        if (conf instanceof ConvolutionLayer) return WeightLayerKind.CONV;
        if (conf instanceof DenseLayer) return WeightLayerKind.DENSE;
        return null;
    }

    /** "maxpool" for a max-pooling layer (1-homogeneous), else null. */
    private static String poolingKind(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf instanceof SubsamplingLayer s && s.getPoolingType() == PoolingType.MAX)
            return "maxpool";
        return null;
    }

    /** The weight layers, in forward order. */
    public List<WeightLayer> weightLayers() { return weightLayers; }

    /** Homogeneity order L: the number of weight layers (protocol A). */
    public int order() { return weightLayers.size(); }

    /**
     * Whether f(cθ; x) = c^L f(θ; x) for all c > 0: ReLU/identity activations, max pooling, and no bias beyond the
     * first weight layer. False for bias mode {@code all}.
     */
    public boolean homogeneous() { return homogeneous; }

    /** Why the network is or is not homogeneous, in words. */
    public String homogeneityReason() { return homogeneityReason; }

    /** All parameters of the network. */
    public long totalParams() { return totalParams; }

    /**
     * Per weight layer, the parameters of ρ_i: the weights and, when the layer has one, its bias. For homogeneous
     * networks that is protocol A's definition (only the first layer can have a bias). For bias mode {@code all}
     * every layer's bias is included in its ρ_i here; the authors' code instead keeps only the weights of layers
     * after the first: see {@link #firstBiasOnlyLayerParams}.
     */
    public List<LayerParams> layerParams(MultiLayerNetwork net) {
        return weightLayers.stream().map(l -> new LayerParams(l, l.weights(net), l.bias(net))).toList();
    }

    /**
     * Per weight layer, ρ_i's parameters as the authors' {@code get_stats} groups them for every bias mode: the first
     * weight layer's weights and bias, and only the weights of later layers (their biases are left out of ρ and ρ_i).
     * Identical to {@link #layerParams} for homogeneous networks.
     */
    public List<LayerParams> firstBiasOnlyLayerParams(MultiLayerNetwork net) {
        return weightLayers.stream()
                .map(l -> new LayerParams(l, l.weights(net), l.weightIndex() == 0 ? l.bias(net) : null))
                .toList();
    }

    /** A text table of the layers, then the total parameter count, L and homogeneity. */
    public String describe() {
        int nameWidth = Math.max(4, rows.stream().mapToInt(r -> r.name().length()).max().orElse(4));
        int paramWidth = Math.max(10, rows.stream().mapToInt(r -> r.params().length()).max().orElse(10));
        String fmt = "%5s  %-" + nameWidth + "s  %-7s  %-" + paramWidth + "s  %12s  %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(fmt, "layer", "name", "kind", "parameters", "count", "bias"));
        for (Row r : rows)
            sb.append(String.format(fmt, r.index(), r.name(), r.kind(), r.params(),
                    String.format("%,d", r.count()), r.bias()));
        sb.append(String.format("total parameters: %,d (%s)%n", totalParams, dataType));
        sb.append(String.format("weight layers: L = %d; homogeneous: %s (%s)%n", order(),
                homogeneous ? "yes" : "no", homogeneityReason));
        return sb.toString();
    }

    @Override
    public String toString() {
        return weightLayers.stream().map(WeightLayer::toString).collect(Collectors.joining(", ",
                "NetworkStructure[L=" + order() + ", homogeneous=" + homogeneous + ": ", "]"));
    }
}
