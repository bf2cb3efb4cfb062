package org.marginmax.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.io.File;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The custom weight init and the caller's loss survive DL4J's JSON configuration and ModelSerializer. */
class ModelSerializationTest {

    @Test
    void configurationJsonRoundTripKeepsTheWeightInit() {
        MultiLayerConfiguration conf = ModelFactory.configuration(Nets.spec("mnist-cnn", "first-layer", "float32"),
                1, 28, 28, 10, new LossMSE(), 0.1, 9);
        String json = conf.toJson();
        assertThat(json).contains(TfHeNormalInit.class.getName());
        assertThat(MultiLayerConfiguration.fromJson(json)).isEqualTo(conf);
    }

    @Test
    void writeAndRestoreGivesIdenticalParametersOutputsAndConfiguration(@TempDir Path dir) throws Exception {
        ModelSpec spec = Nets.spec("mnist-cnn", "first-layer", "float32");
        MultiLayerNetwork net = Nets.build(spec, 9);
        Nets.randomiseBiases(net, 10);
        File file = dir.resolve("cnn.zip").toFile();
        ModelSerializer.writeModel(net, file, true);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        assertThat(Nets.identical(restored.params(), net.params())).isTrue();
        INDArray x = Nets.inputs(spec, 3, 11);
        assertThat(Nets.identical(restored.output(x), net.output(x))).isTrue();
        assertThat(restored.getLayerWiseConfigurations()).isEqualTo(net.getLayerWiseConfigurations());
        int last = restored.getnLayers() - 1;
        assertThat(((BaseLayer) restored.getLayer(0).conf().getLayer()).getWeightInitFn())
                .isInstanceOf(TfHeNormalInit.class);
        assertThat(((OutputLayer) restored.getLayer(last).conf().getLayer()).getLossFn()).isInstanceOf(LossMSE.class);
        assertThat(NetworkStructure.of(restored).describe()).isEqualTo(NetworkStructure.of(net).describe());
    }
}
