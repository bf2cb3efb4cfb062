package org.marginmax.model;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.marginmax.backend.OneDnn;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link InputConvolutionLayer}, {@link ReluDenseLayer} and the cached pre-activations must train exactly like DL4J's
 * own layers: every parameter gradient and every SGD step is compared with a network built from the same configuration
 * with DL4J's classes (and no cache), and the tests check that the shortcuts were really taken.
 */
class BackpropShortcutsTest {
    private static final int BATCH = 16;

    @BeforeAll
    static void oneDnn() {
        OneDnn.enable(); // the trainer's path on the CPU backend: oneDNN helpers on the convolutions
    }

    /** The same configuration with DL4J's layer classes and no cache mode: M2.1's stock behaviour. */
    static MultiLayerNetwork stock(MultiLayerConfiguration conf) {
        String json = conf.toJson()
                .replace(ReluDenseLayer.class.getName(), org.deeplearning4j.nn.conf.layers.DenseLayer.class.getName())
                .replace(InputConvolutionLayer.class.getName(), org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class.getName());
        MultiLayerConfiguration stock = MultiLayerConfiguration.fromJson(json);
        stock.setCacheMode(CacheMode.NONE);
        MultiLayerNetwork net = new MultiLayerNetwork(stock);
        net.init();
        return net;
    }

    @ParameterizedTest(name = "{0} bias {1} {2}")
    @CsvSource({"mnist-cnn, none, float32", "mnist-cnn, first-layer, float32", "mnist-cnn, all, float64",
            "mlp, none, float32", "mlp, all, float64", "vgg16, first-layer, float32"})
    void trainsExactlyLikeDl4jsOwnLayers(String arch, String bias, String dtype) {
        ModelSpec spec = Nets.spec(arch, bias, dtype);
        MultiLayerConfiguration conf = ModelFactory.configuration(spec, Nets.channels(spec), Nets.side(spec),
                Nets.side(spec), 10, new LossMSE(), 1e-3, 3);
        MultiLayerNetwork reference = stock(conf);
        MultiLayerNetwork fast = new MultiLayerNetwork(conf);
        fast.init();
        Nets.randomiseBiases(reference, 5);
        fast.setParams(reference.params().dup());
        BackpropShortcuts.forTraining(fast);
        assertThat(reference.getLayer(0).getClass().getName()).startsWith("org.deeplearning4j.");
        double tol = "float64".equals(dtype) ? 1e-12 : 2e-5;

        int batch = spec.arch() == ArchKind.VGG16 ? 4 : BATCH;
        for (int step = 0; step < 3; step++) {
            // Each step from the reference's parameters: a float32 ReLU net amplifies rounding, so two exact
            // implementations drift apart (1e-8 relative after two steps here) until a ReLU or a max-pool argmax flips
            // and one layer's gradient moves by 1% (VGG-16, step 2, on some CPUs' oneDNN kernels). Equal steps from
            // equal states are the trajectory, by induction.
            fast.setParams(reference.params().dup());
            INDArray x = Nets.inputs(spec, batch, 100 + step);
            INDArray y = Nd4j.rand(ModelFactory.dataType(spec), batch, 10);
            Gradient g = gradient(reference, x, y), h = gradient(fast, x, y);
            assertThat(h.gradientForVariable().keySet()).isEqualTo(g.gradientForVariable().keySet());
            for (String key : g.gradientForVariable().keySet())
                assertThat(relativeError(h.getGradientFor(key), g.getGradientFor(key))).as("step %d, %s", step, key).isLessThan(tol);
            reference.fit(new DataSet(x, y));
            fast.fit(new DataSet(x, y));
            assertThat(relativeError(fast.params(), reference.params())).as("parameters after step %d", step).isLessThan(tol);
        }

        if (fast.getLayer(0) instanceof InputConvolutionLayer.Impl first) {
            assertThat(first.shortcutBackprops()).as("first-layer backprops without input gradient").isEqualTo(6);
            assertThat(BackpropShortcuts.skipsInputGradient(fast)).isTrue();
        }
        long denseShortcuts = Arrays.stream(fast.getLayers()).filter(l -> l instanceof ReluDenseLayer.Impl)
                .mapToLong(l -> ((ReluDenseLayer.Impl) l).shortcutBackprops()).sum();
        long denseLayers = Arrays.stream(fast.getLayers()).filter(l -> l instanceof ReluDenseLayer.Impl).count();
        assertThat(denseShortcuts).as("dense backprops from the kept forward output").isEqualTo(6 * denseLayers);
        assertThat(fast.getLayerWiseConfigurations().getCacheMode()).isEqualTo(CacheMode.DEVICE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mnist-cnn", "mlp"})
    void inputGradientIsDroppedForTrainingAndExactForAttacks(String arch) {
        ModelSpec spec = Nets.spec(arch, "first-layer", "float64");
        MultiLayerNetwork fast = Nets.build(spec, 4);
        MultiLayerNetwork reference = stock(fast.getLayerWiseConfigurations());
        reference.setParams(fast.params().dup());
        INDArray x = Nets.inputs(spec, 5, 9), y = Nd4j.rand(DataType.DOUBLE, 5, 10);
        INDArray expected = reference.calculateGradients(x, y, null, null).getSecond();

        BackpropShortcuts.forTraining(fast);
        assertThat(BackpropShortcuts.skipsInputGradient(fast)).isTrue();
        assertThat(fast.calculateGradients(x, y, null, null).getSecond()).as("input gradient while training").isNull();

        BackpropShortcuts.forInputGradients(fast);
        assertThat(BackpropShortcuts.skipsInputGradient(fast)).isFalse();
        assertThat(relativeError(fast.calculateGradients(x, y, null, null).getSecond(), expected)).isLessThan(1e-12);

        // Back to training: parameter gradients again, as DL4J computes them.
        BackpropShortcuts.forTraining(fast);
        INDArray x2 = Nets.inputs(spec, 5, 10);
        Gradient g = gradient(reference, x2, y), h = gradient(fast, x2, y);
        for (String key : g.gradientForVariable().keySet())
            assertThat(relativeError(h.getGradientFor(key), g.getGradientFor(key))).as(key).isLessThan(1e-12);
    }

    @ParameterizedTest(name = "kernel {0} stride {1} dilation {2} {3} padding {4}, {5} channels, {6}")
    @CsvSource({"5, 2, 1, Same, 0, 1, FLOAT", "3, 1, 1, Same, 0, 3, FLOAT", "3, 2, 1, Truncate, 1, 2, FLOAT",
            "4, 3, 1, Truncate, 2, 3, FLOAT", "2, 2, 1, Strict, 0, 1, FLOAT",
            "5, 2, 1, Same, 0, 1, DOUBLE", "3, 1, 2, Same, 0, 3, DOUBLE", "3, 2, 1, Truncate, 1, 2, DOUBLE",
            "4, 3, 2, Truncate, 2, 3, DOUBLE", "2, 2, 1, Strict, 0, 1, DOUBLE"})
    void firstConvolutionWeightGradientForOtherGeometries(int kernel, int stride, int dilation, String mode, int padding,
                                                          int channels, DataType dtype) {
        var conv = new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(kernel, kernel).nOut(6)
                .stride(stride, stride).dilation(dilation, dilation).padding(padding, padding)
                .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.valueOf(mode))
                .activation(org.nd4j.linalg.activations.Activation.RELU).hasBias(true);
        int side = "Strict".equals(mode) ? 12 : 13;
        MultiLayerConfiguration conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(1).dataType(dtype).updater(new org.nd4j.linalg.learning.config.Sgd(0.1))
                .weightInit(new TfHeNormalInit()).cacheMode(CacheMode.DEVICE).list()
                .layer(new InputConvolutionLayer(conv))
                .layer(ReluDenseLayer.of(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nOut(8)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build()))
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(new LossMSE()).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(side, side, channels))
                .build();
        MultiLayerNetwork reference = stock(conf);
        MultiLayerNetwork fast = new MultiLayerNetwork(conf);
        fast.init();
        fast.setParams(reference.params().dup());
        BackpropShortcuts.forTraining(fast);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(dtype, 5, channels, side, side), y = Nd4j.rand(dtype, 5, 3);
        Gradient g = gradient(reference, x, y), h = gradient(fast, x, y);
        for (String key : g.gradientForVariable().keySet())
            assertThat(relativeError(h.getGradientFor(key), g.getGradientFor(key))).as(key)
                    .isLessThan(dtype == DataType.DOUBLE ? 1e-12 : 2e-5);
        assertThat(((InputConvolutionLayer.Impl) fast.getLayer(0)).shortcutBackprops()).isEqualTo(1);
    }

    @Test
    void outputsAndRollbacksBetweenStepsChangeNothing() {
        ModelSpec spec = Nets.spec("mnist-cnn", "first-layer", "float64");
        MultiLayerNetwork fast = Nets.build(spec, 6);
        MultiLayerNetwork reference = stock(fast.getLayerWiseConfigurations());
        reference.setParams(fast.params().dup());
        BackpropShortcuts.forTraining(fast);
        INDArray other = Nets.inputs(spec, 9, 77);
        for (int step = 0; step < 4; step++) {
            INDArray x = Nets.inputs(spec, 6, 200 + step), y = Nd4j.rand(DataType.DOUBLE, 6, 10);
            for (MultiLayerNetwork net : new MultiLayerNetwork[]{reference, fast}) {
                INDArray before = net.params().dup();
                net.fit(new DataSet(x, y));
                net.output(other, false);                 // a statistics pass
                if (step == 1) net.params().assign(before); // a rejected epoch's rollback
                net.output(other, true);
            }
            assertThat(relativeError(fast.params(), reference.params())).as("step %d", step).isLessThan(1e-12);
        }
        assertThat(((ReluDenseLayer.Impl) fast.getLayer(4)).shortcutBackprops()).isEqualTo(4);
    }

    @Test
    void denseOutputIsKeptOnlyWhenNothingCanModifyIt() {
        ModelSpec spec = Nets.spec("mlp", "none", "float32");
        MultiLayerNetwork plain = Nets.build(spec, 1);
        assertThat(((ReluDenseLayer.Impl) plain.getLayer(1)).keepsOutput()).as("off until asked").isFalse();
        BackpropShortcuts.forTraining(plain);
        assertThat(((ReluDenseLayer.Impl) plain.getLayer(1)).keepsOutput()).isTrue();

        MultiLayerConfiguration conf = ModelFactory.configuration(spec, 1, 28, 28, 10, new LossMSE(), 0.1, 1);
        conf.getConf(2).getLayer().setIDropout(new org.deeplearning4j.nn.conf.dropout.GaussianNoise(0.1));
        MultiLayerNetwork noisy = new MultiLayerNetwork(conf);
        noisy.init();
        BackpropShortcuts.forTraining(noisy);
        assertThat(((ReluDenseLayer.Impl) noisy.getLayer(1)).keepsOutput()).as("next layer adds noise in place").isFalse();
    }

    @Test
    void reluDenseLayerCopiesEverySettingOfTheDenseLayer() {
        var built = new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().name("d").nIn(7).nOut(5)
                .activation(org.nd4j.linalg.activations.Activation.RELU).hasBias(false).biasInit(0.3)
                .weightInit(new TfHeNormalInit()).l2(1e-4).updater(new org.nd4j.linalg.learning.config.Sgd(0.2)).build();
        ReluDenseLayer copy = ReluDenseLayer.of(built);
        var mapper = org.deeplearning4j.nn.conf.NeuralNetConfiguration.mapper();
        var a = (org.nd4j.shade.jackson.databind.node.ObjectNode) mapper.valueToTree(built);
        var b = (org.nd4j.shade.jackson.databind.node.ObjectNode) mapper.valueToTree(copy);
        assertThat(b.remove("@class").asText()).isEqualTo(ReluDenseLayer.class.getName());
        a.remove("@class");
        assertThat(b).isEqualTo(a);
        assertThat(copy.hasBias()).isFalse();
        assertThat(copy.getNOut()).isEqualTo(5);
    }

    @Test
    void savedNetworkKeepsItsLayerClassesAndStockNetworksStillTrain(@TempDir Path dir) throws Exception {
        ModelSpec spec = Nets.spec("mnist-cnn", "first-layer", "float32");
        MultiLayerNetwork net = Nets.build(spec, 2);
        Path zip = dir.resolve("net.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        assertThat(restored.getLayer(0)).isInstanceOf(InputConvolutionLayer.Impl.class);
        assertThat(restored.getLayer(4)).isInstanceOf(ReluDenseLayer.Impl.class);
        assertThat(restored.getLayerWiseConfigurations().getCacheMode()).isEqualTo(CacheMode.DEVICE);
        INDArray x = Nets.inputs(spec, 3, 1);
        assertThat(Nets.identical(restored.output(x), net.output(x))).isTrue();

        // A checkpoint written before these classes existed (DL4J's own layers, no cache mode) trains as before.
        MultiLayerNetwork old = stock(net.getLayerWiseConfigurations());
        BackpropShortcuts.forTraining(old);
        assertThat(BackpropShortcuts.skipsInputGradient(old)).isFalse();
        assertThat(old.getLayerWiseConfigurations().getCacheMode()).isEqualTo(CacheMode.DEVICE);
        old.fit(new DataSet(x, Nd4j.rand(DataType.FLOAT, 3, 10)));
        assertThat(old.score()).isFinite();
    }

    private static Gradient gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        Pair<Gradient, INDArray> p = net.calculateGradients(x, y, null, null);
        return p.getFirst();
    }

    private static double relativeError(INDArray actual, INDArray expected) {
        double scale = Math.max(Transforms.abs(expected.castTo(DataType.DOUBLE)).maxNumber().doubleValue(), 1e-30);
        return Transforms.abs(actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE))).maxNumber().doubleValue() / scale;
    }
}
