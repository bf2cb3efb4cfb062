package org.marginmax.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.marginmax.loss.LossFixtures.IDENTITY;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Values against the closed forms and gradients against central finite differences, all in float64. */
class FramedLossGradientTest {

    static Stream<Arguments> lossesAndFrames() {
        return Stream.of(LossKind.values()).flatMap(k -> Stream.of(0.0, 2.7, -5.0).map(f -> Arguments.of(k, f)));
    }

    @ParameterizedTest(name = "{0}, logFrame {1}")
    @MethodSource("lossesAndFrames")
    void scoreIsTheSumOfTrueLossesOverTheFrame(LossKind kind, double logFrame) {
        Random rng = new Random(11 + kind.ordinal());
        int batch = 7, outputs = LossFixtures.outputsFor(kind);
        double[] f = LossFixtures.randomLogits(rng, batch, outputs, 3.0);
        int[] y = LossFixtures.randomLabels(rng, kind, batch, outputs);
        FramedLoss loss = MarginLosses.create(kind);
        loss.setLogFrame(logFrame);

        double expected = 0;
        for (int n = 0; n < batch; n++) expected += trueLoss(kind, f, n * outputs, outputs, y[n]);
        double score = loss.computeScore(LossFixtures.labelArray(kind, y, outputs), LossFixtures.matrix(f, batch, outputs),
                IDENTITY, null, false);
        assertThat(score).isCloseTo(expected * Math.exp(-logFrame), within(1e-12 * expected * Math.exp(-logFrame)));
    }

    @ParameterizedTest(name = "{0}, logFrame {1}")
    @MethodSource("lossesAndFrames")
    void gradientMatchesCentralDifferencesOfTheSummedScore(LossKind kind, double logFrame) {
        Random rng = new Random(29 + kind.ordinal());
        int batch = 6, outputs = LossFixtures.outputsFor(kind);
        double[] f = LossFixtures.randomLogits(rng, batch, outputs, 2.0);
        int[] y = LossFixtures.randomLabels(rng, kind, batch, outputs);
        assertGradientMatchesFiniteDifferences(kind, logFrame, f, y, batch, outputs);
    }

    @ParameterizedTest(name = "{0}, logFrame {1}")
    @MethodSource("lossesAndFrames")
    void gradientMatchesCentralDifferencesInTheExponentialBranch(LossKind kind, double logFrame) {
        // every example correct by a margin of ~40: all t < -30, the batch takes the e^t branch
        Random rng = new Random(47 + kind.ordinal());
        int batch = 5, outputs = LossFixtures.outputsFor(kind);
        int[] y = LossFixtures.randomLabels(rng, kind, batch, outputs);
        double[] f = LossFixtures.randomLogits(rng, batch, outputs, 0.5);
        for (int n = 0; n < batch; n++) {
            if (kind.binary()) f[n] = y[n] * (40 + f[n]);
            else f[n * outputs + y[n]] += 40;
        }
        assertGradientMatchesFiniteDifferences(kind, logFrame - 40, f, y, batch, outputs);
    }

    private static void assertGradientMatchesFiniteDifferences(LossKind kind, double logFrame, double[] f, int[] y,
                                                               int batch, int outputs) {
        FramedLoss loss = MarginLosses.create(kind);
        loss.setLogFrame(logFrame);
        INDArray labels = LossFixtures.labelArray(kind, y, outputs);
        double[] grad = MarginLosses.rowMajor(loss.computeGradient(labels, LossFixtures.matrix(f, batch, outputs), IDENTITY, null));

        double h = 1e-5, maxAbs = 0;
        double[] numeric = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            double[] plus = f.clone(), minus = f.clone();
            plus[i] += h;
            minus[i] -= h;
            double sPlus = loss.computeScore(labels, LossFixtures.matrix(plus, batch, outputs), IDENTITY, null, false);
            double sMinus = loss.computeScore(labels, LossFixtures.matrix(minus, batch, outputs), IDENTITY, null, false);
            numeric[i] = (sPlus - sMinus) / (2 * h);
            maxAbs = Math.max(maxAbs, Math.abs(numeric[i]));
        }
        assertThat(maxAbs).isGreaterThan(1e-3);
        for (int i = 0; i < f.length; i++)
            assertThat(grad[i]).as("d score / d logit %d", i).isCloseTo(numeric[i], within(1e-7 * maxAbs));
    }

    /** The loss of protocol A from its definition (moderate logits only). */
    static double trueLoss(LossKind kind, double[] f, int offset, int outputs, int label) {
        switch (kind) {
            case EXPONENTIAL: return Math.exp(-label * f[offset]);
            case LOGISTIC: return Math.log1p(Math.exp(-label * f[offset]));
            default:
                double sum = 0;
                for (int j = 0; j < outputs; j++) if (j != label) sum += Math.exp(f[offset + j] - f[offset + label]);
                return Math.log1p(sum);
        }
    }
}
