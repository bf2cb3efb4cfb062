package org.marginmax.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.marginmax.loss.LossFixtures.IDENTITY;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** float32 inputs, average/sum semantics, score-array shape, masks, bad labels. */
class DataTypeAndScoreTest {

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void float32LogitsGiveAFloat32GradientEqualToTheFloat64OneToFloatPrecision(LossKind kind) {
        Random rng = new Random(5 + kind.ordinal());
        int batch = 8, outputs = LossFixtures.outputsFor(kind);
        INDArray logits32 = LossFixtures.matrix(LossFixtures.randomLogits(rng, batch, outputs, 3.0), batch, outputs)
                .castTo(DataType.FLOAT);
        INDArray logits64 = logits32.castTo(DataType.DOUBLE);
        INDArray labels32 = LossFixtures.labelArray(kind, LossFixtures.randomLabels(rng, kind, batch, outputs), outputs)
                .castTo(DataType.FLOAT);
        FramedLoss loss = MarginLosses.create(kind);
        loss.setLogFrame(-3.5);

        INDArray g32 = loss.computeGradient(labels32, logits32, IDENTITY, null);
        INDArray g64 = loss.computeGradient(labels32.castTo(DataType.DOUBLE), logits64, IDENTITY, null);
        assertThat(g32.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(g64.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(g32.shape()).containsExactly(batch, outputs);
        double[] a = MarginLosses.rowMajor(g32), b = MarginLosses.rowMajor(g64);
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(b[i], within(1e-6 * Math.abs(b[i]) + 1e-30));
        assertThat(loss.computeScore(labels32, logits32, IDENTITY, null, true))
                .isEqualTo(loss.computeScore(labels32, logits64, IDENTITY, null, true));
        assertThat(loss.computeScoreArray(labels32, logits32, IDENTITY, null).dataType()).isEqualTo(DataType.FLOAT);
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void averageIsTheSumOverTheBatchSizeAndTheScoreArrayIsAColumn(LossKind kind) {
        Random rng = new Random(17 + kind.ordinal());
        int batch = 9, outputs = LossFixtures.outputsFor(kind);
        INDArray logits = LossFixtures.matrix(LossFixtures.randomLogits(rng, batch, outputs, 2.0), batch, outputs);
        INDArray labels = LossFixtures.labelArray(kind, LossFixtures.randomLabels(rng, kind, batch, outputs), outputs);
        FramedLoss loss = MarginLosses.create(kind);
        loss.setLogFrame(1.25);

        INDArray perExample = loss.computeScoreArray(labels, logits, IDENTITY, null);
        assertThat(perExample.shape()).containsExactly(batch, 1);
        double sum = loss.computeScore(labels, logits, IDENTITY, null, false);
        assertThat(sum).isCloseTo(perExample.sumNumber().doubleValue(), within(1e-12 * sum));
        assertThat(loss.computeScore(labels, logits, IDENTITY, null, true)).isCloseTo(sum / batch, within(1e-14 * sum));

        Pair<Double, INDArray> both = loss.computeGradientAndScore(labels, logits, IDENTITY, null, true);
        assertThat(both.getFirst()).isCloseTo(sum / batch, within(1e-14 * sum));
        assertThat(both.getSecond()).isEqualTo(loss.computeGradient(labels, logits, IDENTITY, null));
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void aPerExampleMaskRemovesMaskedExamplesFromScoreAndGradient(LossKind kind) {
        Random rng = new Random(23 + kind.ordinal());
        int batch = 4, outputs = LossFixtures.outputsFor(kind);
        INDArray logits = LossFixtures.matrix(LossFixtures.randomLogits(rng, batch, outputs, 2.0), batch, outputs);
        INDArray labels = LossFixtures.labelArray(kind, LossFixtures.randomLabels(rng, kind, batch, outputs), outputs);
        INDArray mask = Nd4j.create(new double[] {1, 0, 1, 0}, new long[] {batch, 1}, DataType.DOUBLE);
        FramedLoss loss = MarginLosses.create(kind);

        double[] full = MarginLosses.rowMajor(loss.computeScoreArray(labels, logits, IDENTITY, null));
        double masked = loss.computeScore(labels, logits, IDENTITY, mask, false);
        assertThat(masked).isCloseTo(full[0] + full[2], within(1e-14));
        INDArray g = loss.computeGradient(labels, logits, IDENTITY, mask);
        INDArray gFull = loss.computeGradient(labels, logits, IDENTITY, null);
        assertThat(g.getRow(1).sumNumber().doubleValue()).isZero();
        assertThat(g.getRow(3).amaxNumber().doubleValue()).isZero();
        assertThat(g.getRow(2)).isEqualTo(gFull.getRow(2));
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void aNonIdentityActivationIsBackpropagated(LossKind kind) {
        // loss(tanh(z)): gradient must be dℓ/da · (1 - tanh²z)
        Random rng = new Random(31 + kind.ordinal());
        int batch = 3, outputs = LossFixtures.outputsFor(kind);
        double[] z = LossFixtures.randomLogits(rng, batch, outputs, 1.0);
        double[] a = new double[z.length];
        for (int i = 0; i < z.length; i++) a[i] = Math.tanh(z[i]);
        INDArray labels = LossFixtures.labelArray(kind, LossFixtures.randomLabels(rng, kind, batch, outputs), outputs);
        FramedLoss loss = MarginLosses.create(kind);
        double[] gA = MarginLosses.rowMajor(loss.computeGradient(labels, LossFixtures.matrix(a, batch, outputs), IDENTITY, null));
        double[] gZ = MarginLosses.rowMajor(loss.computeGradient(labels, LossFixtures.matrix(z, batch, outputs),
                new ActivationTanH(), null));
        for (int i = 0; i < z.length; i++) assertThat(gZ[i]).isCloseTo(gA[i] * (1 - a[i] * a[i]), within(1e-12));
    }

    @org.junit.jupiter.api.Test
    void badLabelsAndShapesAreRejectedWithAMessage() {
        INDArray zeroOne = Nd4j.create(new double[] {0, 1}, new long[] {2, 1}, DataType.DOUBLE);
        INDArray logits1 = Nd4j.create(new double[] {0.5, -0.5}, new long[] {2, 1}, DataType.DOUBLE);
        assertThatThrownBy(() -> new LogisticLoss().computeScore(zeroOne, logits1, IDENTITY, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1 or +1");
        INDArray notOneHot = Nd4j.create(new double[] {1, 1, 0, 0, 0, 1}, new long[] {2, 3}, DataType.DOUBLE);
        INDArray logits3 = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        assertThatThrownBy(() -> new CrossEntropyLoss().computeGradient(notOneHot, logits3, IDENTITY, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one-hot");
        INDArray twoOutputs = Nd4j.create(new double[] {1, 0}, new long[] {1, 2}, DataType.DOUBLE);
        assertThatThrownBy(() -> new ExponentialLoss().computeScore(twoOutputs, twoOutputs, IDENTITY, null, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one output unit");
        assertThatThrownBy(() -> new CrossEntropyLoss().setLogFrame(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
