package org.marginmax.train;
import org.marginmax.config.CheckpointSpec;
import org.marginmax.config.LearningRateSpec;
import org.marginmax.config.TrainSpec;
import org.marginmax.run.RunDirectory;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSpec;
import org.marginmax.data.DataSplit;
import org.marginmax.data.ImageDataset;
import org.marginmax.loss.LossKind;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelSpec;
import org.nd4j.linalg.factory.Nd4j;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The linear case (L = 1, Soudry et al. 2018; Lyu & Li Section 4): a bias-free linear model trained on separable
 * data with the exponential or logistic loss converges in direction to the hard-margin SVM
 * min ½‖w‖² s.t. y_n w·x_n ≥ 1, which ojAlgo solves exactly here.
 */
class LinearSvmConvergenceTest {
    private static final int N = 40;
    private static final int D = 3;

    private static final int EPOCHS = 600;

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = LossKind.class, names = {"EXPONENTIAL", "LOGISTIC"})
    void directionConvergesToTheHardMarginSvm(LossKind lossKind) throws Exception {
        double[][] x = new double[N][D];
        int[] labels = new int[N];
        double[] y = new double[N];
        Random rnd = new Random(42);
        double[] truth = {1, -2, 1.5};
        for (int n = 0; n < N; n++) {
            double s;
            do {
                for (int d = 0; d < D; d++) x[n][d] = (float) rnd.nextGaussian(); // the network sees float32
                s = dot(truth, x[n]);
            } while (Math.abs(s) < 2); // a wide gap: the margin converges at rate ~ 1/log(1/L), so this keeps the test short
            labels[n] = s > 0 ? 1 : 0;
            y[n] = s > 0 ? 1 : -1;
        }
        double[] svm = hardMarginSvm(x, y);
        double svmMargin = 1 / norm(svm); // the max-margin value: min_n y w·x / ‖w‖ at the SVM solution

        ImageDataset train = new ImageDataset(Nd4j.create(x).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                labels, 1, 1, D, 2, true);
        ImageDataset test = train.subset(new int[]{0, 1, 2});
        DataSplit split = new DataSplit(train, test, "synthetic", "0".repeat(64));
        ExperimentConfig cfg = new ExperimentConfig("linear-svm", null, 3L,
                new DataSpec("synthetic", null, null, null, "0,1"),
                new ModelSpec(ArchKind.MLP, List.of(), BiasMode.NONE, "float64"), lossKind,
                new TrainSpec(EPOCHS, N, new LearningRateSpec("loss-based", 0.1, null, null, null, 1e9), null),
                new CheckpointSpec(null, null, null, 1, 1000, 1000.0));
        Trainer.Result r = new Trainer(cfg, split, RunDirectory.create(dir.resolve("run")), new ProgressReporter(false, System.err)).run();
        assertThat(r.completed()).as(String.valueOf(r.stopReason())).isTrue();

        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("run/model.zip").toFile(), false);
        double[] w = net.getLayer(0).getParam("W").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).data().asDouble();
        double cosine = dot(w, svm) / (norm(w) * norm(svm));
        double margin = Double.POSITIVE_INFINITY;
        for (int n = 0; n < N; n++) margin = Math.min(margin, y[n] * dot(w, x[n]) / norm(w));
        assertThat((Double) r.lastRow().get("log10_loss")).as("trained far past separation").isLessThan(-15);
        assertThat(cosine).as("cosine(w, w_svm)").isGreaterThanOrEqualTo(0.999);
        assertThat(Math.abs(margin - svmMargin) / svmMargin).as("normalized-margin gap").isLessThanOrEqualTo(0.01);
        // the listener's normalized margin (L = 1: q_min / rho) is the same quantity
        assertThat((Double) r.lastRow().get("normalized_margin")).isCloseTo(margin, org.assertj.core.data.Percentage.withPercentage(1e-6));
    }

    /** min ½‖w‖² s.t. y_n w·x_n ≥ 1, as a QP in ojAlgo. */
    private static double[] hardMarginSvm(double[][] x, double[] y) {
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        Variable[] w = new Variable[D];
        for (int d = 0; d < D; d++) w[d] = model.addVariable("w" + d);
        Expression objective = model.addExpression("objective").weight(0.5);
        for (int d = 0; d < D; d++) objective.set(w[d], w[d], 1);
        for (int n = 0; n < x.length; n++) {
            Expression c = model.addExpression("margin" + n).lower(1);
            for (int d = 0; d < D; d++) c.set(w[d], y[n] * x[n][d]);
        }
        Optimisation.Result result = model.minimise();
        assertThat(result.getState().isOptimal()).as("SVM QP solved: " + result.getState()).isTrue();
        double[] out = new double[D];
        for (int d = 0; d < D; d++) out[d] = result.doubleValue(d);
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double norm(double[] a) { return Math.sqrt(dot(a, a)); }
}
