package org.marginmax.robust;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.backend.OneDnn;
import org.marginmax.loss.MarginLosses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** DL4J's input gradients of the attack objectives, checked against central finite differences in float64. */
class InputGradientTest {

    @BeforeAll
    static void backend() { OneDnn.enable(); }

    /** The objective of example n evaluated from a forward pass. */
    private static double objective(AttackedModel model, Objective obj, double[] x, int n) {
        int d = model.inputSize(), c = model.numOutputs();
        double[] xi = Arrays.copyOfRange(x, n * d, (n + 1) * d);
        double[] z = model.logits(xi, 1);
        // re-index: the objective reads example n's label, so shift the single row into place n
        double[] zs = new double[(n + 1) * c];
        System.arraycopy(z, 0, zs, n * c, c);
        return obj.evaluate(zs, n * c, c, n, new double[zs.length]);
    }

    private static void checkAgainstFiniteDifferences(AttackedModel model, Objective obj, double[] x, int n) {
        AttackedModel.Pass pass = model.gradient(x, n, obj);
        int d = model.inputSize();
        double h = 1e-6;
        for (int i = 0; i < n; i++) {
            assertThat(pass.values()[i]).as("value of example %d", i).isCloseTo(objective(model, obj, x, i), within(1e-12));
            for (int k = 0; k < d; k++) {
                double[] plus = x.clone(), minus = x.clone();
                plus[i * d + k] += h;
                minus[i * d + k] -= h;
                double fd = (objective(model, obj, plus, i) - objective(model, obj, minus, i)) / (2 * h);
                assertThat(pass.gradient()[i * d + k]).as("d objective_%d / d x_%d", i, k).isCloseTo(fd, within(1e-6));
            }
        }
    }

    @Test
    void mlpGradientOfTheCwMarginMatchesFiniteDifferences() {
        MultiLayerNetwork net = TinyNets.mlp(DataType.DOUBLE, 6, 3, 11);
        AttackedModel model = new AttackedModel(net, new long[]{6}, 4);
        int n = 7; // two chunks of at most 4
        double[] x = TinyNets.uniform(n, 6, 0.2, 0.8, 3);
        int[] labels = {0, 1, 2, 0, 1, 2, 0};
        checkAgainstFiniteDifferences(model, Margins.cwMargin(labels, Double.POSITIVE_INFINITY, null), x, n);
        double[] weights = {0.5, 2, 1, 3, 0.1, 1, 7};
        checkAgainstFiniteDifferences(model, Margins.cwMargin(labels, Double.POSITIVE_INFINITY, weights), x, n);
    }

    @Test
    void cnnGradientOfLogitDifferencesMatchesFiniteDifferences() {
        MultiLayerNetwork net = TinyNets.cnn(DataType.DOUBLE, 4, 5);
        AttackedModel model = new AttackedModel(net, new long[]{1, 6, 6}, 100);
        int n = 3;
        double[] x = TinyNets.uniform(n, 36, 0.1, 0.9, 8);
        int[] labels = {3, 0, 1};
        checkAgainstFiniteDifferences(model, Margins.logitDifference(labels, new int[]{1, 2, 3}), x, n);
    }

    @Test
    void binaryLinearGradientIsMinusYTimesW() {
        double[] w = {0.5, -1.0, 2.0};
        AttackedModel model = new AttackedModel(TinyNets.linear(w), new long[]{3}, 10);
        double[] x = {0.1, 0.2, 0.3, 0.9, 0.8, 0.7};
        AttackedModel.Pass p = model.gradient(x, 2, Margins.cwMargin(new int[]{1, -1}, Double.POSITIVE_INFINITY, null));
        assertThat(p.logits()).containsExactly(new double[]{0.05 - 0.2 + 0.6, 0.45 - 0.8 + 1.4}, within(1e-12));
        assertThat(p.gradient()).containsExactly(new double[]{-0.5, 1.0, -2.0, 0.5, -1.0, 2.0}, within(1e-12));
    }

    @Test
    void theCapZeroesTheGradientOfExamplesAlreadyMisclassifiedWithConfidence() {
        double[] w = {1.0, 1.0};
        AttackedModel model = new AttackedModel(TinyNets.linear(w), new long[]{2}, 10);
        // f = 1.0: label -1 has margin -1 (misclassified by 1), label +1 margin +1
        double[] x = {0.5, 0.5, 0.5, 0.5};
        AttackedModel.Pass p = model.gradient(x, 2, Margins.cwMargin(new int[]{-1, 1}, 0.5, null));
        assertThat(p.values()).containsExactly(0.5, -1.0);
        assertThat(p.gradient()).containsExactly(0, 0, -1, -1);
    }

    @Test
    void theTrainingLossIsPutBackAfterEveryPass() {
        MultiLayerNetwork net = TinyNets.mlp(DataType.DOUBLE, 4, 3, 2);
        var before = MarginLosses.of(net);
        AttackedModel model = new AttackedModel(net, new long[]{4}, 10);
        model.gradient(TinyNets.uniform(2, 4, 0, 1, 1), 2, Margins.cwMargin(new int[]{0, 1}, 0, null));
        assertThat(MarginLosses.of(net)).isSameAs(before);
        Objective broken = (z, o, c, n, g) -> { throw new IllegalStateException("boom"); };
        assertThatThrownBy(() -> model.gradient(TinyNets.uniform(2, 4, 0, 1, 1), 2, broken)).hasMessage("boom");
        assertThat(MarginLosses.of(net)).isSameAs(before);
    }

    /** The float32 CNN on the active backend (oneDNN helpers if attached) against a float64 copy (stock kernels). */
    @Test
    void float32CnnGradientAgreesWithItsFloat64Copy() {
        MultiLayerNetwork net32 = TinyNets.cnn(DataType.FLOAT, 3, 21);
        MultiLayerNetwork net64 = net32.convertDataType(DataType.DOUBLE);
        AttackedModel m32 = new AttackedModel(net32, new long[]{1, 6, 6}, 100);
        AttackedModel m64 = new AttackedModel(net64, new long[]{1, 6, 6}, 100);
        int n = 5;
        double[] x = new double[n * 36];
        float[] xf = TinyNets.toFloat(TinyNets.uniform(n, 36, 0, 1, 4));
        for (int i = 0; i < x.length; i++) x[i] = xf[i];
        int[] labels = {0, 1, 2, 0, 1};
        Objective obj = Margins.cwMargin(labels, Double.POSITIVE_INFINITY, null);
        double[] g32 = m32.gradient(x, n, obj).gradient(), g64 = m64.gradient(x, n, obj).gradient();
        double scale = Arrays.stream(g64).map(Math::abs).max().orElseThrow();
        assertThat(scale).isGreaterThan(0);
        for (int i = 0; i < g32.length; i++) assertThat(g32[i]).isCloseTo(g64[i], within(1e-4 * scale));
        if (OneDnn.enabled()) // then the float32 pass above went through oneDNN's convolution and pooling backprop
            assertThat(OneDnn.attachedHelpers(net32)).containsEntry("conv", true).containsEntry("pooling", true);
    }

    @Test
    void roundingForAFloat32NetworkStaysBetweenTheCleanPointAndTheCandidate() {
        AttackedModel m32 = new AttackedModel(TinyNets.mlp(DataType.FLOAT, 3, 2, 1), new long[]{3}, 10);
        double[] x0 = {0.1f, 0.5f, 1.0f};
        double[] x = {0.1 + 0.01, 0.5 - 1e-3 / 3, 1.0};
        double[] r = x.clone();
        m32.roundToward(r, x0);
        for (int i = 0; i < 3; i++) {
            assertThat((double) (float) r[i]).isEqualTo(r[i]);
            assertThat(Math.abs(r[i] - x0[i])).isLessThanOrEqualTo(Math.abs(x[i] - x0[i]));
            assertThat(Math.abs(r[i] - x[i])).isLessThan(1e-7);
        }
    }
}
