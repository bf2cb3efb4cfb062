package org.marginmax.kkt;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.config.CheckpointSpec;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.config.LearningRateSpec;
import org.marginmax.config.TrainSpec;
import org.marginmax.data.DataSpec;
import org.marginmax.data.DataSplit;
import org.marginmax.data.ImageDataset;
import org.marginmax.loss.LossKind;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelSpec;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.RunDirectory;
import org.marginmax.train.ProgressReporter;
import org.marginmax.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * L = 1, trained: a bias-free linear model on separable data with more dimensions than points (so the SVM's dual α,
 * and the NNLS λ, are unique), trained by the project's trainer far below float64's range (log10 loss ≤ −300).
 * Gradient descent converges in direction to the hard-margin SVM (Soudry et al.), so λ must approach α and kkt_eps
 * must fall by an order of magnitude from the first separated checkpoint to the last. (With more dimensions than
 * points kkt_eps over all 40 points measures mainly the part of θ the data never move, which decays as 1/ρ;
 * kkt_delta and λ carry the convergence to the SVM.)
 */
class TrainedLinearKktTest {
    static final int N = 40, D = 60;

    @TempDir Path dir;

    @Test
    void multipliersApproachTheSvmDualAndTheResidualFalls() throws Exception {
        Random rnd = new Random(3);
        double[][] x = new double[N][D];
        double[] y = new double[N];
        int[] labels = new int[N], signs = new int[N];
        // x_n = y_n (e_0 + s_n e_{n+1}): every point is a support vector, with α_n = 1 / ((1 + S) s_n²), S = Σ 1/s_n²,
        // all different; gradient descent then leaves an offset of bounded norm, so the direction converges as 1/ρ
        for (int n = 0; n < N; n++) {
            labels[n] = n % 2;
            y[n] = signs[n] = n % 2 == 0 ? -1 : 1;
            x[n][0] = y[n];
            x[n][n + 1] = (float) (y[n] * (0.5 + rnd.nextDouble()));
        }
        double[] alpha = Svm.dual(x, y);

        ImageDataset train = new ImageDataset(Nd4j.create(x).castTo(DataType.FLOAT), labels, 1, 1, D, 2, true);
        DataSplit split = new DataSplit(train, train.subset(new int[]{0, 1}), "synthetic", "0".repeat(64));
        ExperimentConfig cfg = new ExperimentConfig("linear-kkt", null, 4L,
                new DataSpec("synthetic", null, null, null, "0,1"),
                new ModelSpec(ArchKind.MLP, List.of(), BiasMode.NONE, "float64"), LossKind.EXPONENTIAL,
                new TrainSpec(EPOCHS, N, new LearningRateSpec("loss-based", 0.5, 1.0, null, null, 1e9), null, 0),
                new CheckpointSpec(List.of(5, 20), 400, null, 1, 100000, 1000.0));
        Trainer.Result r = new Trainer(cfg, split, RunDirectory.create(dir.resolve("run")),
                new ProgressReporter(false, System.err)).run();
        assertThat((Double) r.lastRow().get("log10_loss")).as("trained far below float64's range").isLessThanOrEqualTo(-300);

        KktAnalysis analysis = new KktAnalysis(new KktAnalysis.Settings(0.25, 100));
        List<KktAnalysis.Result> results = new ArrayList<>();
        for (Checkpoints.Entry c : Checkpoints.list(dir.resolve("run"), new ArrayList<>())) {
            MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(c.model().toFile(), false);
            results.add(analysis.analyse(KktNetwork.of(net), LossKind.EXPONENTIAL, Nd4j.create(x), signs, null, null, s -> {}));
        }
        KktAnalysis.Result first = results.stream().filter(KktAnalysis.Result::separated).findFirst().orElseThrow();
        KktAnalysis.Result last = results.get(results.size() - 1);
        {
            double[] ws = Svm.primal(x, y);
            MultiLayerNetwork fin = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("run/model.zip").toFile(), false);
            double[] w = fin.getLayer(0).getParam("W").castTo(DataType.DOUBLE).data().asDouble();
            double ab = 0, aa = 0, bb = 0;
            for (int d = 0; d < D; d++) { ab += w[d] * ws[d]; aa += w[d] * w[d]; bb += ws[d] * ws[d]; }
            assertThat(1 - ab / Math.sqrt(aa * bb)).as("1 − cos(w, w_svm): the direction has converged").isLessThan(1e-3);
        }
        double[] lambda = new double[N];
        for (KktAnalysis.Pair p : last.pairs()) lambda[p.example()] = p.lambda();
        double diff = 0, norm = 0;
        for (int n = 0; n < N; n++) {
            diff += Math.abs(lambda[n] - alpha[n]);
            norm += Math.abs(alpha[n]);
        }
        assertThat(diff / norm).as("‖λ − α‖₁ / ‖α‖₁").isLessThanOrEqualTo(0.05);
        assertThat(last.kktEps()).as("kkt_eps first separated %s, last %s", first.kktEps(), last.kktEps())
                .isLessThanOrEqualTo(0.1 * first.kktEps());

    }

    static final int EPOCHS = 1600; // frame rate fixed at 0.5 (alpha1 = 1): normalized gradient descent with a small step
}
