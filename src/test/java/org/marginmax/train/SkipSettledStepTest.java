package org.marginmax.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.marginmax.data.EpochBatchIterator;
import org.marginmax.data.ImageDataset;
import org.marginmax.loss.CrossEntropyLoss;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code train.skip_settled}: SGD on the reduced minibatches (the active rows only, weighted n/B) takes the steps of
 * the full minibatches with the left-out rows' loss masked to zero by DL4J's own labels mask (the oracle: DL4J then
 * divides by all B rows), scores included; without the weight the steps are wrong, so the comparison can fail.
 */
class SkipSettledStepTest {
    static final int N = 60, B = 20;

    @Test void aReducedBatchTakesTheFullBatchsStepWithTheLeftOutRowsMaskedOut() {
        for (String dtype : new String[] {"float64", "float32"}) {
            double tol = dtype.equals("float64") ? 1e-12 : 2e-5;
            ImageDataset data = dataset();
            BitSet active = new BitSet(N);
            for (int i = 0; i < N; i++) if (i % 3 != 0 && i != 7) active.set(i);

            MultiLayerNetwork reduced = net(dtype), masked = net(dtype), unweighted = net(dtype);
            EpochBatchIterator it = iterator(data, active), plain = iterator(data, active), full = iterator(data, null);
            FramedLoss loss = MarginLosses.of(reduced);
            loss.setHostLabels(it::hostLabelsOf);
            loss.setRowWeight(it::rowWeightOf);
            List<Double> reducedScores = new ArrayList<>(), maskedScores = new ArrayList<>();
            for (int epoch = 1; epoch <= 3; epoch++) {
                it.setEpoch(epoch, 0);
                plain.setEpoch(epoch, 0);
                full.setEpoch(epoch, 0);
                int[] order = full.currentOrder();
                for (int b = 0; b < N / B; b++) {
                    reduced.fit(it.next());
                    reducedScores.add(reduced.score());
                    unweighted.fit(plain.next());
                    DataSet ds = full.next();
                    INDArray mask = Nd4j.zeros(ds.getLabels().dataType(), B, 1);
                    for (int k = 0; k < B; k++) if (active.get(order[b * B + k])) mask.putScalar(k, 0, 1.0);
                    ds.setLabelsMaskArray(mask);
                    masked.fit(ds);
                    maskedScores.add(masked.score());
                }
                assertThat(it.takeUnweightedBatches()).as("every reduced batch weighed").isZero();
            }
            assertThat(maxRelativeDifference(reduced.params(), masked.params())).as(dtype).isLessThan(tol);
            for (int i = 0; i < reducedScores.size(); i++)
                assertThat(reducedScores.get(i)).as(dtype + " score of step " + i)
                        .isCloseTo(maskedScores.get(i), org.assertj.core.api.Assertions.within(tol * maskedScores.get(i)));
            assertThat(maxRelativeDifference(unweighted.params(), masked.params())).as(dtype + ": unweighted steps")
                    .isGreaterThan(1e-3);
        }
    }

    private static EpochBatchIterator iterator(ImageDataset data, BitSet active) {
        EpochBatchIterator it = new EpochBatchIterator(data, false, B, 7);
        it.setActive(active);
        return it;
    }

    private static double maxRelativeDifference(INDArray a, INDArray b) {
        double[] x = a.data().asDouble(), y = b.data().asDouble();
        double scale = 0, diff = 0;
        for (int i = 0; i < x.length; i++) {
            scale = Math.max(scale, Math.abs(y[i]));
            diff = Math.max(diff, Math.abs(x[i] - y[i]));
        }
        return diff / scale;
    }

    private static MultiLayerNetwork net(String dtype) {
        ModelSpec spec = new ModelSpec(ArchKind.MLP, List.of(8), BiasMode.NONE, dtype);
        return ModelFactory.build(spec, 1, 4, 4, 4, new CrossEntropyLoss(), 0.5, 3);
    }

    private static ImageDataset dataset() {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[N * 16];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        int[] y = new int[N];
        for (int i = 0; i < N; i++) y[i] = r.nextInt(4);
        return new ImageDataset(Nd4j.create(x, new long[] {N, 16}, DataType.FLOAT), y, 1, 4, 4, 4, false);
    }
}
