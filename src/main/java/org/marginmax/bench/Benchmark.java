package org.marginmax.bench;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.data.DataSpec;
import org.marginmax.data.DataSplit;
import org.marginmax.data.Datasets;
import org.marginmax.data.EpochBatchIterator;
import org.marginmax.data.ImageDataset;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLosses;
import org.marginmax.margin.MarginStatistics;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BackpropShortcuts;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.ModelSpec;
import org.marginmax.model.NetworkStructure;
import org.marginmax.robust.AttackedModel;
import org.marginmax.robust.PgdLinf;
import org.marginmax.robust.RobustnessProbe;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times what long runs spend their time on, on the data at hand: a training epoch (float32, batch 100, plain SGD
 * through DL4J's fit), the listener's float64 statistics pass over the training and test sets, PGD-L-infinity attack
 * throughput, and one large matrix product as the machine's ceiling. Medians over several epochs after warm-up epochs:
 * the JIT needs about 400 training iterations (five epochs here) before DL4J's Java code runs compiled, and until then
 * an MLP epoch takes up to 1.6 times as long; a run of thousands of epochs spends almost all its time past that point.
 */
public final class Benchmark {
    /** One model's figures. */
    public record ModelTimes(String model, double epochSeconds, double statsSeconds, double gflops, List<Double> epochs,
                             List<Double> warmupEpochs, double pgdExamplesPerSecond) {
        public double statsOverEpoch() { return statsSeconds / epochSeconds; }
    }

    private final DataSplit data;
    private final int epochs;
    private final int warmup;
    private final int pgdExamples;

    /**
     * @param epochs      timed epochs
     * @param warmup      untimed epochs first (at least 1)
     * @param pgdExamples test examples for the attack throughput (0: skip)
     */
    public Benchmark(String dataset, Path dataDir, int epochs, int warmup, int pgdExamples) {
        if (epochs < 1) throw new org.marginmax.io.UserInputException("--epochs must be at least 1, got " + epochs);
        if (warmup < 1) throw new org.marginmax.io.UserInputException("--warmup must be at least 1, got " + warmup);
        this.data = Datasets.load(new DataSpec(dataset, null, null, null, null), dataDir, 1);
        this.epochs = epochs;
        this.warmup = warmup;
        this.pgdExamples = pgdExamples;
    }

    public DataSplit data() { return data; }

    public ModelTimes time(ModelSpec spec, String label) {
        ImageDataset train = data.train();
        boolean nchw = ModelFactory.nchw(spec);
        FramedLoss loss = MarginLosses.create(LossKind.CROSS_ENTROPY);
        MultiLayerNetwork net = ModelFactory.build(spec, train.channels(), train.height(), train.width(),
                train.numClasses(), loss, 1e-3, 1);
        BackpropShortcuts.forTraining(net); // as the trainer runs it
        EpochBatchIterator it = new EpochBatchIterator(train, nchw, 100, 1);
        MarginStatistics stats = new MarginStatistics(NetworkStructure.of(net), loss, MarginStatistics.chunkFor(nchw));
        INDArray trainX = train.features(nchw), testX = data.test().features(nchw);
        int[] trainY = loss.labelsOf(train.labelMatrix()), testY = loss.labelsOf(data.test().labelMatrix());
        List<Double> fit = new ArrayList<>(), pass = new ArrayList<>(), warm = new ArrayList<>();
        for (int e = 0; e < warmup + epochs; e++) {
            it.setEpoch(e, 0);
            long t0 = System.nanoTime();
            net.fit(it);
            double f = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            stats.evaluate(net, trainX, trainY, true);
            stats.evaluate(net, testX, testY, false);
            double s = (System.nanoTime() - t0) / 1e9;
            if (e >= warmup) { fit.add(f); pass.add(s); } else warm.add(f);
        }
        double epoch = median(fit);
        double flops = trainingFlopsPerExample(net, train) * it.batchesPerEpoch() * 100;
        return new ModelTimes(label, epoch, median(pass), flops / epoch / 1e9, fit, warm, pgdThroughput(net, nchw, pgdExamples));
    }

    /** PGD-L-infinity, 100 steps, one restart, eps 0.1, no early stop: examples per second (protocol C settings). */
    double pgdThroughput(MultiLayerNetwork net, boolean nchw, int n) {
        if (n <= 0) return Double.NaN;
        ImageDataset test = data.test();
        long[] shape = nchw ? new long[]{test.channels(), test.height(), test.width()} : new long[]{test.imageSize()};
        AttackedModel model = new AttackedModel(net, shape, AttackedModel.DEFAULT_BATCH);
        return new PgdLinf(PgdLinf.Settings.defaults()).throughput(model, RobustnessProbe.examples(test, n), 0.1);
    }

    /**
     * Multiply-adds of the weight layers, times 2 flops, times 3 for forward + the two backward products
     * (input and weight gradients), except for the first layer, whose input gradient training does not compute.
     * Pooling and activations are not counted.
     */
    static double trainingFlopsPerExample(MultiLayerNetwork net, ImageDataset train) {
        double flops = 0;
        long h = train.height(), w = train.width();
        for (int i = 0; i < net.getnLayers(); i++) {
            var conf = net.getLayerWiseConfigurations().getConf(i).getLayer();
            double macs = 0;
            if (conf instanceof ConvolutionLayer c) {
                long[] k = c.getKernelSize() == null ? new long[]{1, 1} : Arrays.stream(c.getKernelSize()).asLongStream().toArray();
                macs = (double) h * w * c.getNOut() * k[0] * k[1] * c.getNIn(); // SAME padding, stride 1
            } else if (conf instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer) {
                h /= 2;
                w /= 2;
            } else if (conf instanceof FeedForwardLayer f) {
                macs = (double) f.getNIn() * f.getNOut();
            }
            flops += 2 * (i == 0 ? 2 : 3) * macs;
        }
        return flops;
    }

    /** A large float32 matrix product: the machine's practical ceiling for the dense and im2col kernels. */
    public static double gemmGflops(int n, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n);
        a.mmul(b); // warm-up
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            a.mmul(b);
            times.add((System.nanoTime() - t0) / 1e9);
        }
        return 2.0 * n * n * n / median(times) / 1e9;
    }

    public static ModelSpec quickstartMlp() { return new ModelSpec(ArchKind.MLP, List.of(512, 512), BiasMode.NONE, "float32"); }

    public static ModelSpec paperCnn() { return new ModelSpec(ArchKind.MNIST_CNN, null, BiasMode.FIRST_LAYER, "float32"); }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
