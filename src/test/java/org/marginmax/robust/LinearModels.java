package org.marginmax.robust;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.loss.CrossEntropyLoss;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.SplittableRandom;

/**
 * Bias-free linear models whose minimal perturbations are known in closed form. Binary f(x) = w·x with Σ w_i = 0, so
 * the centre (0.5, …, 0.5) sits on the boundary; points are placed at chosen margins around it, inside [0.3, 0.7]^d,
 * so that no minimal perturbation (and no ε-ball used) reaches a face of the [0, 1] box.
 */
final class LinearModels {
    private LinearModels() {}

    static final int D = 10;

    /** Weights ±U[0.5, 1.5] summing to zero. */
    static double[] weights(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[D];
        for (int i = 0; i < D; i++) w[i] = (i % 2 == 0 ? 1 : -1) * (0.5 + r.nextDouble());
        double mean = java.util.Arrays.stream(w).average().orElseThrow();
        for (int i = 0; i < D; i++) w[i] -= mean;
        return w;
    }

    static double l1(double[] w) { return java.util.Arrays.stream(w).map(Math::abs).sum(); }

    static double l2(double[] w) { return Math.sqrt(java.util.Arrays.stream(w).map(v -> v * v).sum()); }

    /**
     * Points x = 0.5 + u + (t/‖w‖²)·w with u ⊥ w small (|u_i| ≤ 0.03), logit w·x = t. Example i has logit
     * sign_i·logits[i] where sign alternates, and label sign(w·x) (correct) unless {@code wrong[i]}.
     */
    record Points(double[] x, int[] labels, double[] margins) {}

    static Points binaryPoints(double[] w, double[] absLogits, boolean[] wrong, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = absLogits.length;
        double[] x = new double[n * D], q = new double[n];
        int[] y = new int[n];
        double ww = l2(w) * l2(w);
        for (int i = 0; i < n; i++) {
            double t = (i % 2 == 0 ? 1 : -1) * absLogits[i];
            double[] u = new double[D];
            for (int k = 0; k < D; k++) u[k] = 0.03 * (2 * r.nextDouble() - 1);
            double uw = 0;
            for (int k = 0; k < D; k++) uw += u[k] * w[k];
            for (int k = 0; k < D; k++) x[i * D + k] = 0.5 + u[k] - uw / ww * w[k] + t / ww * w[k];
            double f = 0;
            for (int k = 0; k < D; k++) f += w[k] * x[i * D + k];
            y[i] = (f > 0) != wrong[i] ? 1 : -1;
            q[i] = y[i] * f;
        }
        return new Points(x, y, q);
    }

    /** Examples from float64 points: the points must be exact float32 values, so they are rounded first. */
    static Examples examples(Points p) {
        return new Examples(TinyNets.toFloat(p.x()), p.labels(), D);
    }

    /** Points rounded to float32 (as {@link #examples} stores them), margins recomputed. */
    static Points rounded(double[] w, Points p) {
        double[] x = new double[p.x().length];
        for (int i = 0; i < x.length; i++) x[i] = (float) p.x()[i];
        double[] q = new double[p.labels().length];
        for (int i = 0; i < q.length; i++) {
            double f = 0;
            for (int k = 0; k < D; k++) f += w[k] * x[i * D + k];
            q[i] = p.labels()[i] * f;
        }
        return new Points(x, p.labels(), q);
    }

    /** A bias-free linear 3-class model, weights [D, 3] row-major. */
    static MultiLayerNetwork multiClass(double[] wRowMajor, int classes) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .list()
                .layer(new OutputLayer.Builder(new CrossEntropyLoss()).nIn(D).nOut(classes).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        net.getLayer(0).getParam("W").assign(Nd4j.create(wRowMajor, new long[]{D, classes}, DataType.DOUBLE));
        return net;
    }
}
