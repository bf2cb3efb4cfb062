package org.marginmax.margin;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.backend.StatisticsChunk;
import org.marginmax.loss.LogSpace;
import org.marginmax.loss.MarginLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.LayerParams;
import org.marginmax.model.NetworkStructure;
import org.marginmax.model.NhwcInferenceTwin;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * One float64 pass over a whole data set: output margins q_n, per-example losses in log space, accuracy
 * (protocol A). Also the parameter norms. Always over the FULL set, never the last minibatch (protocol E).
 */
public final class MarginStatistics {
    private final NetworkStructure structure;
    private final MarginLoss loss;
    private final int chunk;
    private MultiLayerNetwork twinSource; // the network the twin was made from (identity), and the twin or null
    private NhwcInferenceTwin twin;

    /**
     * Examples per forward pass of the statistics pass, per backend: {@link StatisticsChunk} (250 for CNNs and 5,000
     * for MLPs on CPU, larger on CUDA within the profile's memory; -Dmarginmax.statistics.chunk=N overrides).
     */
    public static int chunkFor(boolean convolutional) { return StatisticsChunk.forNetwork(convolutional); }

    /** @param chunk examples per forward pass: see {@link #chunkFor} */
    public MarginStatistics(NetworkStructure structure, MarginLoss loss, int chunk) {
        this.structure = structure;
        this.loss = loss;
        this.chunk = chunk;
    }

    public NetworkStructure structure() { return structure; }

    public MarginLoss loss() { return loss; }

    /** Examples per forward pass. */
    public int chunk() { return chunk; }

    /**
     * @param features inputs in the network's layout, first dimension the examples
     * @param labels   labels as {@link MarginLoss#labelsOf} gives them
     * @param keepMargins keep every q_n (needed for support-vector counts)
     */
    public SetStatistics evaluate(MultiLayerNetwork net, INDArray features, int[] labels, boolean keepMargins) {
        int n = labels.length;
        if (n == 0) throw new IllegalArgumentException("cannot compute statistics of an empty data set");
        double[] margins = new double[n];
        double[] logLosses = new double[n];
        int outputs = -1;
        NhwcInferenceTwin nhwc = twinOf(net);
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            INDArray x = features.get(NDArrayIndex.interval(from, to));
            INDArray out = nhwc == null ? net.output(x, false) : nhwc.output(x);
            double[] logits = MarginLosses.rowMajor(out);
            outputs = (int) out.size(1);
            for (int i = from; i < to; i++) {
                int offset = (i - from) * outputs;
                margins[i] = loss.margin(logits, offset, outputs, labels[i]);
                logLosses[i] = loss.logLoss(logits, offset, outputs, labels[i]);
            }
        }
        double qMin = Double.POSITIVE_INFINITY, qMax = Double.NEGATIVE_INFINITY;
        int correct = 0;
        for (double q : margins) {
            qMin = Math.min(qMin, q); // Math.min/max propagate NaN: a NaN logit shows in the row
            qMax = Math.max(qMax, q);
            if (q > 0) correct++;
        }
        double logSum = LogSpace.logSumExp(logLosses);
        return new SetStatistics(n, logSum - Math.log(n), logSum, (double) correct / n, qMin, qMax,
                keepMargins ? margins : new double[0], keepMargins ? logLosses : new double[0]);
    }

    /** The NHWC copy of {@code net} for the forward passes (faster with oneDNN), with its current parameters; or null. */
    private NhwcInferenceTwin twinOf(MultiLayerNetwork net) {
        if (net != twinSource) {
            twinSource = net;
            twin = NhwcInferenceTwin.of(net);
        } else if (twin != null) {
            twin.syncFrom(net);
        }
        return twin;
    }

    /**
     * rho over the homogeneous parameters and rho_i per weight layer, in float64 (protocol A): each layer's weights
     * and the first layer's bias. Later biases (bias mode {@code all}) are left out, as in the authors' code.
     */
    public ParameterNorms norms(MultiLayerNetwork net) {
        List<LayerParams> layers = structure.firstBiasOnlyLayerParams(net);
        double[] rhoI = new double[layers.size()];
        double total = 0;
        for (int i = 0; i < rhoI.length; i++) {
            double sq = layers.get(i).squaredNorm();
            rhoI[i] = Math.sqrt(sq);
            total += sq;
        }
        return new ParameterNorms(Math.sqrt(total), rhoI);
    }
}
