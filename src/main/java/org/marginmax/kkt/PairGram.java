package org.marginmax.kkt;

import org.marginmax.model.WeightLayer;
import org.marginmax.model.WeightLayerKind;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The Gram matrix K_ab = ⟨∇q_a, ∇q_b⟩ and b_a = ⟨θ, ∇q_a⟩ of a set of margins q_a (pairs (n, j)), from one DL4J
 * backprop per pair.
 *
 * <p>A dense layer's weight gradient of one pair is the outer product x δᵀ of the layer's input x (of example n)
 * and the gradient δ of q_a with respect to the layer's pre-activation, so its share of K is
 * (x_a·x_b)(δ_a·δ_b), plus δ_a·δ_b for a bias: no per-pair gradient of a dense layer is kept, only δ (recovered as
 * δ = ∇_W q_aᵀ x / ‖x‖² from the gradient DL4J computed). Convolution gradients are kept per pair (their
 * parameters are few) and multiplied out. Measured on the quickstart MLP this keeps K of 3,700 pairs within
 * a few seconds; materialising 670,000 parameters per pair would need 20 GB.
 */
final class PairGram {
    private PairGram() {}

    /** K (row-major P×P) and b. */
    record Result(double[] k, double[] b) {}

    /**
     * @param x        the examples that have pairs, in the network's input layout
     * @param example  per pair, its row in {@code x}
     * @param epsilons per pair, the output gradient of its margin (e_y − e_j, or y for one output) [P, outputs]
     * @param theta    the parameters (for b)
     */
    static Result compute(KktNetwork net, INDArray x, int[] example, INDArray epsilons, INDArray theta,
                          int chunk, java.util.function.IntConsumer progress) {
        int p = example.length, ne = (int) x.size(0);
        List<WeightLayer> layers = net.structure().weightLayers();
        int nl = layers.size();
        INDArray[] inputs = new INDArray[nl];
        for (int from = 0; from < ne; from += chunk) {
            int to = Math.min(ne, from + chunk);
            INDArray[] part = net.denseInputs(KktNetwork.rows(x, from, to));
            for (int l = 0; l < nl; l++) {
                if (part[l] == null) continue;
                if (inputs[l] == null) inputs[l] = Nd4j.zeros(DataType.DOUBLE, ne, part[l].size(1));
                inputs[l].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(part[l]);
            }
        }
        double[] inputNormSq = null;
        INDArray[] deltas = new INDArray[nl];
        long convParams = 0;
        for (int l = 0; l < nl; l++) {
            WeightLayer w = layers.get(l);
            if (w.kind() == WeightLayerKind.CONV) convParams += w.paramCount();
            else deltas[l] = Nd4j.zeros(DataType.DOUBLE, p, w.weightShape()[1]);
        }
        INDArray conv = convParams == 0 ? null : Nd4j.zeros(DataType.DOUBLE, p, convParams);
        INDArray[] norms = new INDArray[nl];
        for (int l = 0; l < nl; l++) if (inputs[l] != null) norms[l] = inputs[l].mul(inputs[l]).sum(1);
        double[] b = new double[p];
        for (int a = 0; a < p; a++) {
            int e = example[a];
            net.backprop(KktNetwork.rows(x, e, e + 1), epsilons.getRow(a, true));
            INDArray flat = net.flatGradient();
            b[a] = Nd4j.getBlasWrapper().dot(theta.reshape(flat.length()), flat.reshape(flat.length()));
            long offset = 0;
            for (int l = 0; l < nl; l++) {
                WeightLayer w = layers.get(l);
                INDArray gw = net.layerGradient(w, WeightLayer.WEIGHT_KEY);
                if (w.kind() == WeightLayerKind.CONV) {
                    conv.get(org.nd4j.linalg.indexing.NDArrayIndex.point(a),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + w.weightCount()))
                            .assign(gw.dup('c').reshape(w.weightCount()));
                    offset += w.weightCount();
                    if (w.hasBias()) {
                        INDArray gb = net.layerGradient(w, WeightLayer.BIAS_KEY);
                        conv.get(org.nd4j.linalg.indexing.NDArrayIndex.point(a),
                                org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + w.biasCount()))
                                .assign(gb.dup('c').reshape(w.biasCount()));
                        offset += w.biasCount();
                    }
                    continue;
                }
                double nsq = norms[l].getDouble(e);
                if (nsq == 0 && !w.hasBias()) continue; // then ∇_W q_a = 0 and (with no bias) δ does not matter
                INDArray xe = inputs[l].getRow(e, true);
                INDArray delta = w.hasBias() ? net.layerGradient(w, WeightLayer.BIAS_KEY).reshape(1, w.biasCount())
                        : xe.mmul(gw).divi(nsq);
                deltas[l].putRow(a, delta.reshape(1, delta.length()));
            }
            if (progress != null) progress.accept(a + 1);
        }
        INDArray k = Nd4j.zeros(DataType.DOUBLE, p, p);
        if (conv != null) k.addi(conv.mmul(conv.transpose()));
        for (int l = 0; l < nl; l++) {
            if (deltas[l] == null) continue;
            INDArray xx = inputs[l].mmul(inputs[l].transpose());
            if (layers.get(l).hasBias()) xx.addi(1.0);
            INDArray expanded = xx.getRows(example).getColumns(example);
            k.addi(expanded.muli(deltas[l].mmul(deltas[l].transpose())));
        }
        return new Result(k.dup('c').data().asDouble(), b);
    }
}
