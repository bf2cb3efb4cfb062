package org.marginmax.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.marginmax.data.EpochBatchIterator;
import org.marginmax.data.ImageDataset;
import org.marginmax.loss.CrossEntropyLoss;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.LogisticLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training loss takes each minibatch's labels as host ints from the iterator instead of copying the label
 * matrix back (a device-to-host copy per iteration on a GPU): the ints are the ones the label array holds, the fast
 * path is taken for every training iteration, and SGD takes bit for bit the steps of the copying path.
 */
class HostLabelsTest {

    @Test void multiClassAndBinaryLabelsMatchTheArraysAndTheStepsAreTheSame() {
        for (boolean binary : new boolean[]{false, true}) {
            ImageDataset data = dataset(60, 16, binary ? 2 : 4, binary);
            FramedLoss reader = binary ? new LogisticLoss() : new CrossEntropyLoss();
            EpochBatchIterator it = new EpochBatchIterator(data, false, 20, 7);
            it.setEpoch(1, 0);
            DataSet ds = it.next();
            assertThat(it.hostLabelsOf(ds.getLabels())).as("binary " + binary)
                    .containsExactly(reader.labelsOf(ds.getLabels()));
            assertThat(it.hostLabelsOf(ds.getLabels().dup())).as("an equal array that the iterator did not make").isNull();

            MultiLayerNetwork fast = net(binary), copying = net(binary);
            EpochBatchIterator a = new EpochBatchIterator(data, false, 20, 7), b = new EpochBatchIterator(data, false, 20, 7);
            AtomicInteger hits = new AtomicInteger();
            MarginLosses.of(fast).setHostLabels(labels -> {
                int[] r = a.hostLabelsOf(labels);
                if (r != null) hits.incrementAndGet();
                return r;
            });
            for (int epoch = 1; epoch <= 3; epoch++) {
                a.setEpoch(epoch, 0);
                b.setEpoch(epoch, 0);
                fast.fit(a);
                copying.fit(b);
            }
            assertThat(hits.get()).as("host labels used in every one of the 9 iterations").isGreaterThanOrEqualTo(9);
            assertThat(fast.params().data().asDouble()).as("binary " + binary)
                    .containsExactly(copying.params().data().asDouble());
        }
    }

    private static MultiLayerNetwork net(boolean binary) {
        ModelSpec spec = new ModelSpec(ArchKind.MLP, List.of(8), BiasMode.NONE, "float64");
        return ModelFactory.build(spec, 1, 4, 4, binary ? 1 : 4, binary ? new LogisticLoss() : new CrossEntropyLoss(), 0.1, 3);
    }

    private static ImageDataset dataset(int n, int d, int classes, boolean binary) {
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
        INDArray features = Nd4j.create(x, new long[]{n, d}, DataType.FLOAT);
        return new ImageDataset(features, y, 1, 4, 4, classes, binary);
    }
}
