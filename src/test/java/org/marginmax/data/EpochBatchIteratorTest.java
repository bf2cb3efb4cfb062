package org.marginmax.data;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpochBatchIteratorTest {
    static final int N = 1050, B = 100;

    static ImageDataset data() {
        return ImageDataset.fromRaw(new RawImages(Fixtures.pixels(N, 12), Fixtures.cyclicLabels(N, 10), 3, 2, 2), 10);
    }

    @Test
    void anEpochIsNOverBFullBatchesOfDistinctExamples() {
        ImageDataset ds = data();
        EpochBatchIterator it = new EpochBatchIterator(ds, false, B, 11L);
        assertThat(it.batchesPerEpoch()).isEqualTo(10);
        assertThat(it.asyncSupported()).isFalse();
        assertThat(it.resetSupported()).isTrue();
        int[] order = it.currentOrder();
        assertThat(IntStream.of(order).sorted().toArray()).isEqualTo(IntStream.range(0, N).toArray());
        List<DataSet> batches = new ArrayList<>();
        while (it.hasNext()) batches.add(it.next());
        assertThat(batches).hasSize(10);
        for (int b = 0; b < batches.size(); b++) {
            DataSet batch = batches.get(b);
            assertThat(batch.getFeatures().shape()).containsExactly(B, 12);
            assertThat(batch.getLabels().shape()).containsExactly(B, 10);
            for (int k = 0; k < B; k += 9) {
                int i = order[b * B + k];
                assertThat(values(batch.getFeatures().getRow(k))).containsExactly(values(ds.features().getRow(i)));
                assertThat(batch.getLabels().getFloat(k, ds.label(i))).isEqualTo(1f);
            }
        }
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void theOrderIsAPureFunctionOfSeedEpochAndAttempt() {
        ImageDataset ds = data();
        EpochBatchIterator a = new EpochBatchIterator(ds, false, B, 5L);
        EpochBatchIterator b = new EpochBatchIterator(ds, false, B, 5L);
        a.setEpoch(3, 1);
        b.setEpoch(7, 0);
        b.setEpoch(3, 1);
        assertThat(a.currentOrder()).isEqualTo(b.currentOrder());
        assertThat(a.currentOrder()).isEqualTo(EpochBatchIterator.permutation(N, 5L, 3, 1));
        int[] e3 = a.currentOrder();
        assertThat(EpochBatchIterator.permutation(N, 5L, 4, 1)).isNotEqualTo(e3);
        assertThat(EpochBatchIterator.permutation(N, 5L, 3, 2)).isNotEqualTo(e3);
        assertThat(EpochBatchIterator.permutation(N, 6L, 3, 1)).isNotEqualTo(e3);
        assertSame(a.next().getFeatures(), b.next().getFeatures());
    }

    @Test
    void resetRewindsWithinTheSamePermutation() {
        EpochBatchIterator it = new EpochBatchIterator(data(), false, B, 9L);
        it.setEpoch(2, 0);
        INDArray first = it.next().getFeatures();
        it.next();
        it.reset();
        assertThat(it.epoch()).isEqualTo(2);
        assertSame(it.next().getFeatures(), first);
    }

    @Test
    void nchwAndBinaryShapes() {
        ImageDataset ds = data();
        ImageDataset binary = ds.withLabels(IntStream.range(0, N).map(i -> i % 2).toArray(), 2, true);
        EpochBatchIterator it = new EpochBatchIterator(binary, true, 50, 1L);
        DataSet batch = it.next();
        assertThat(batch.getFeatures().shape()).containsExactly(50, 3, 2, 2);
        assertThat(batch.getLabels().shape()).containsExactly(50, 1);
        assertThat(it.totalOutcomes()).isEqualTo(1);
        assertThat(it.inputColumns()).isEqualTo(12);
        int[] order = it.currentOrder();
        for (int k = 0; k < 50; k++)
            assertThat(batch.getLabels().getFloat(k, 0)).isEqualTo(order[k] % 2 == 1 ? 1f : -1f);
        assertThatThrownBy(() -> new EpochBatchIterator(ds, false, N + 1, 1L)).isInstanceOf(DataException.class);
    }

    @Test
    void dl4jFitConsumesOneEpoch() {
        ImageDataset ds = data();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(12).nOut(10).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        EpochBatchIterator it = new EpochBatchIterator(ds, false, B, 1L);
        net.fit(it);
        assertThat(net.getIterationCount()).isEqualTo(10);
        assertThat(it.hasNext()).isFalse();
        it.setEpoch(1, 0);
        net.fit(it);
        assertThat(net.getIterationCount()).isEqualTo(20);
        assertThat(Arrays.stream(it.currentOrder()).distinct().count()).isEqualTo(N);
    }

    /**
     * With an active set each batch keeps its active rows in permutation order and weighs them n/B; a batch with none
     * keeps its first row (weight 1/B); a full batch and any array the iterator did not make weigh 1.
     */
    @Test
    void anActiveSetKeepsEachBatchsActiveRowsWeightedByTheirShare() {
        ImageDataset ds = data();
        EpochBatchIterator it = new EpochBatchIterator(ds, false, B, 4L);
        it.setEpoch(2, 0);
        int[] order = it.currentOrder();
        java.util.BitSet active = new java.util.BitSet(N);
        for (int i = 0; i < N; i++) if (i % 3 != 0) active.set(i);
        for (int k = 0; k < B; k++) active.clear(order[5 * B + k]); // batch 5: no active row
        for (int k = 0; k < B; k++) active.set(order[7 * B + k]);   // batch 7: all active
        it.setActive(active);
        assertThat(it.activeCount()).isEqualTo(active.cardinality());
        for (int b = 0; b < 10; b++) {
            DataSet batch = it.next();
            int[] expected = IntStream.range(b * B, (b + 1) * B).map(k -> order[k]).filter(active::get).toArray();
            if (expected.length == 0) expected = new int[] {order[b * B]};
            assertThat(batch.getFeatures().rows()).as("batch " + b).isEqualTo(expected.length);
            for (int r = 0; r < expected.length; r++)
                assertThat(values(batch.getFeatures().getRow(r))).containsExactly(values(ds.features().getRow(expected[r])));
            assertThat(batch.getLabelsMaskArray()).isNull();
            assertThat(it.rowWeightOf(batch.getLabels().dup())).as("an equal array it did not make").isEqualTo(1.0);
            double w = b == 7 ? 1.0 : b == 5 ? 1.0 / B : (double) expected.length / B;
            if (b != 4) assertThat(it.rowWeightOf(batch.getLabels())).as("batch " + b).isEqualTo(w);
        }
        assertThat(it.takeUnweightedBatches()).as("batch 4's weight was never asked for").isEqualTo(1);
        assertThat(it.takeUnweightedBatches()).isZero();

        it.setActive(null);
        it.setEpoch(2, 0);
        DataSet full = it.next();
        assertThat(full.getFeatures().rows()).isEqualTo(B);
        assertThat(it.rowWeightOf(full.getLabels())).isEqualTo(1.0);
        assertThatThrownBy(() -> it.setActive(java.util.BitSet.valueOf(new long[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Bit-for-bit equality: {@code INDArray.equals} allows a difference of 1e-5, which would hide a batch built from
     * rescaled or re-rounded pixels.
     */
    private static void assertSame(INDArray actual, INDArray expected) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        assertThat(actual.dataType()).isEqualTo(expected.dataType());
        assertThat(values(actual)).containsExactly(values(expected));
    }

    /** The values in C order, as doubles (exact for float32). */
    private static double[] values(INDArray a) { return a.dup('c').data().asDouble(); }
}
