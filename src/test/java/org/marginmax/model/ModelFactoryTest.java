package org.marginmax.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL1;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFactoryTest {

    @Test
    void cnnHasThePaperLayersAndHandCountedParameters() {
        long w1 = 5 * 5 * 1 * 32, w2 = 3 * 3 * 32 * 64, w3 = 7 * 7 * 64 * 1024, w4 = 1024 * 10;
        long[] expectedTotal = {w1 + w2 + w3 + w4, w1 + w2 + w3 + w4 + 32, w1 + w2 + w3 + w4 + 32 + 64 + 1024 + 10};
        String[] modes = {"none", "first-layer", "all"};
        for (int m = 0; m < modes.length; m++) {
            MultiLayerNetwork net = Nets.build(Nets.spec("mnist-cnn", modes[m], "float32"), 1);
            NetworkStructure s = NetworkStructure.of(net);
            assertThat(s.order()).isEqualTo(4);
            assertThat(s.weightLayers()).extracting(WeightLayer::kind).containsExactly(
                    WeightLayerKind.CONV, WeightLayerKind.CONV, WeightLayerKind.DENSE, WeightLayerKind.OUTPUT);
            assertThat(s.weightLayers()).extracting(WeightLayer::layerIndex).containsExactly(0, 2, 4, 5);
            assertThat(s.weightLayers()).extracting(WeightLayer::weightCount).containsExactly(w1, w2, w3, w4);
            assertThat(s.weightLayers().get(0).weightShape()).containsExactly(32, 1, 5, 5);
            assertThat(s.weightLayers().get(1).weightShape()).containsExactly(64, 32, 3, 3);
            assertThat(s.weightLayers().get(2).weightShape()).containsExactly(7 * 7 * 64, 1024);
            assertThat(s.weightLayers().get(3).weightShape()).containsExactly(1024, 10);
            List<Long> biases = s.weightLayers().stream().map(WeightLayer::biasCount).toList();
            switch (modes[m]) {
                case "none" -> assertThat(biases).containsExactly(0L, 0L, 0L, 0L);
                case "first-layer" -> assertThat(biases).containsExactly(32L, 0L, 0L, 0L);
                default -> assertThat(biases).containsExactly(32L, 64L, 1024L, 10L);
            }
            assertThat(s.totalParams()).isEqualTo(expectedTotal[m]);
            assertThat(net.numParams()).isEqualTo(expectedTotal[m]);
            assertThat(s.homogeneous()).isEqualTo(!modes[m].equals("all"));
        }
    }

    @Test
    void homogeneityOrderIsTheNumberOfWeightLayers() {
        assertThat(NetworkStructure.of(Nets.build(Nets.spec("mlp", "none", "float32"), 1)).order()).isEqualTo(3);
        assertThat(NetworkStructure.of(Nets.build(Nets.spec("mnist-cnn", "none", "float32"), 1)).order()).isEqualTo(4);
        MultiLayerNetwork vgg = Nets.build(Nets.spec("vgg16", "none", "float32"), 1);
        NetworkStructure s = NetworkStructure.of(vgg);
        assertThat(s.order()).isEqualTo(14);
        // hand count: 3x3 convs 3-64-64 | 128 128 | 256 x3 | 512 x3 | 512 x3, then dense 512 -> 10
        long convs = 9L * (3 * 64 + 64 * 64 + 64 * 128 + 128 * 128 + 128 * 256 + 2 * 256 * 256 + 256 * 512
                + 5 * 512 * 512);
        assertThat(s.totalParams()).isEqualTo(convs + 512 * 10);
        assertThat(s.weightLayers().get(13).weightShape()).containsExactly(512, 10);
        assertThat(vgg.getLayers()).hasSize(13 + 5 + 1);
    }

    @Test
    void mlpHasTheHiddenWidthsAndTakesFlatInputs() {
        ModelSpec spec = new ModelSpec(ArchKind.MLP, List.of(300, 100, 50), BiasMode.ALL, "float64");
        MultiLayerNetwork net = ModelFactory.build(spec, 1, 28, 28, 1, new LossL1(), 0.1, 3);
        NetworkStructure s = NetworkStructure.of(net);
        assertThat(s.weightLayers()).extracting(WeightLayer::weightShape)
                .containsExactly(new long[]{784, 300}, new long[]{300, 100}, new long[]{100, 50}, new long[]{50, 1});
        assertThat(ModelFactory.nchw(spec)).isFalse();
        INDArray out = net.output(Nets.inputs(spec, 5, 1).reshape(5, 784));
        assertThat(out.shape()).containsExactly(5, 1);
        assertThat(out.dataType()).isEqualTo(DataType.DOUBLE);
    }

    @Test
    void cnnsTakeNchwImagesAndUseSamePaddingStrideOneAndTwoByTwoMaxPooling() {
        for (String arch : List.of("mnist-cnn", "vgg16")) {
            ModelSpec spec = Nets.spec(arch, "none", "float32");
            assertThat(ModelFactory.nchw(spec)).isTrue();
            MultiLayerNetwork net = Nets.build(spec, 2);
            for (Layer l : net.getLayers()) {
                var conf = l.conf().getLayer();
                if (conf instanceof ConvolutionLayer c) {
                    assertThat(c.getConvolutionMode()).isEqualTo(ConvolutionMode.Same);
                    assertThat(c.getStride()).containsExactly(1, 1);
                    assertThat(c.getKernelSize()[0]).isEqualTo(c.getKernelSize()[1]);
                } else if (conf instanceof SubsamplingLayer p) {
                    assertThat(p.getPoolingType()).isEqualTo(PoolingType.MAX);
                    assertThat(p.getKernelSize()).containsExactly(2, 2);
                    assertThat(p.getStride()).containsExactly(2, 2);
                }
            }
            INDArray out = net.output(Nets.inputs(spec, 2, 1));
            assertThat(out.shape()).containsExactly(2, 10);
            assertThat(out.dataType()).isEqualTo(DataType.FLOAT);
        }
    }

    @Test
    void reluAfterEveryWeightLayerButTheLastWhichIsIdentityWithTheCallersLoss() {
        ILossFunction loss = new LossL1();
        ModelSpec spec = Nets.spec("mnist-cnn", "first-layer", "float32");
        MultiLayerNetwork net = ModelFactory.build(spec, 1, 28, 28, 10, loss, 0.05, 1);
        List<WeightLayer> weights = NetworkStructure.of(net).weightLayers();
        for (WeightLayer w : weights) {
            BaseLayer conf = (BaseLayer) net.getLayer(w.layerIndex()).conf().getLayer();
            if (w.kind() == WeightLayerKind.OUTPUT) {
                assertThat(conf.getActivationFn()).isInstanceOf(ActivationIdentity.class);
                assertThat(((OutputLayer) conf).getLossFn()).isSameAs(loss);
            } else {
                assertThat(conf.getActivationFn()).isInstanceOf(ActivationReLU.class);
            }
        }
        assertThat(weights.get(weights.size() - 1).kind()).isEqualTo(WeightLayerKind.OUTPUT);
    }

    @Test
    void updaterIsPlainSgdWithoutRegularisationOrGradientNormalisationAndWorkspacesAreEnabled() {
        MultiLayerNetwork net = ModelFactory.build(Nets.spec("mnist-cnn", "all", "float32"), 1, 28, 28, 10,
                new LossL1(), 0.05, 1);
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        assertThat(conf.getTrainingWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);
        assertThat(conf.getInferenceWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);
        for (WeightLayer w : NetworkStructure.of(net).weightLayers()) {
            BaseLayer layer = (BaseLayer) net.getLayer(w.layerIndex()).conf().getLayer();
            for (String key : List.of(WeightLayer.WEIGHT_KEY, WeightLayer.BIAS_KEY)) {
                assertThat(layer.getUpdaterByParam(key)).isEqualTo(new Sgd(0.05));
                assertThat(layer.getRegularizationByParam(key)).isNullOrEmpty();
            }
            assertThat(layer.getGradientNormalization()).isEqualTo(GradientNormalization.None);
            assertThat(layer.getIDropout()).isNull();
            assertThat(layer.getWeightInitFn()).isEqualTo(new TfHeNormalInit());
        }
    }

    @Test
    void dataTypeFollowsTheSpec() {
        assertThat(Nets.build(Nets.spec("mlp", "none", "float32"), 1).params().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(Nets.build(Nets.spec("mlp", "none", "float64"), 1).params().dataType()).isEqualTo(DataType.DOUBLE);
    }

    @Test
    void badShapesAreRejectedWithAMessageNamingTheFix() {
        assertThatThrownBy(() -> ModelFactory.build(Nets.spec("vgg16", "none", "float32"), 1, 28, 28, 10,
                new LossL1(), 0.1, 1)).isInstanceOf(org.marginmax.io.UserInputException.class)
                .hasMessageContaining("vgg16").hasMessageContaining("32x32");
        assertThatThrownBy(() -> ModelFactory.build(Nets.spec("mlp", "none", "float32"), 1, 28, 28, 0,
                new LossL1(), 0.1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outputs");
    }
}
