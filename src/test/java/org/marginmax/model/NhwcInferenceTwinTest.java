package org.marginmax.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.marginmax.backend.OneDnn;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLosses;
import org.marginmax.margin.MarginStatistics;
import org.marginmax.margin.SetStatistics;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The NHWC copy used by the statistics pass must compute the same logits as the NCHW network it was made from. */
class NhwcInferenceTwinTest {

    @BeforeAll
    static void oneDnn() {
        assumeTrue(OneDnn.enable(), "the twin is only used with the oneDNN helpers: " + OneDnn.check().reason());
    }

    @ParameterizedTest(name = "{0} bias {1}")
    @CsvSource({"mnist-cnn, none", "mnist-cnn, first-layer", "mnist-cnn, all", "vgg16, first-layer"})
    void twinGivesTheSameLogitsBeforeAndAfterTraining(String arch, String bias) {
        ModelSpec spec = Nets.spec(arch, bias, "float32");
        MultiLayerNetwork net = Nets.build(spec, 11);
        Nets.randomiseBiases(net, 3);
        NhwcInferenceTwin twin = NhwcInferenceTwin.of(net);
        assertThat(twin).isNotNull();
        assertThat(twin.network().getLayerWiseConfigurations().getConf(0).getLayer())
                .isInstanceOfSatisfying(ConvolutionLayer.class, c -> assertThat(c.getCnn2dDataFormat()).isEqualTo(CNN2DFormat.NHWC));
        assertThat(net.getLayerWiseConfigurations().getConf(0).getLayer())
                .isInstanceOfSatisfying(ConvolutionLayer.class, c -> assertThat(c.getCnn2dDataFormat()).isEqualTo(CNN2DFormat.NCHW));

        INDArray x = Nets.inputs(spec, 7, 5);
        assertThat(relativeError(twin.output(x), net.output(x, false))).isLessThan(1e-5);

        BackpropShortcuts.forTraining(net);
        net.fit(new DataSet(Nets.inputs(spec, 8, 6), Nd4j.rand(DataType.FLOAT, 8, 10)));
        assertThat(relativeError(twin.output(x), net.output(x, false))).as("stale parameters").isGreaterThan(1e-5);
        twin.syncFrom(net);
        assertThat(relativeError(twin.output(x), net.output(x, false))).isLessThan(1e-5);
    }

    @Test
    void noTwinWhereItWouldNotHelp() {
        assertThat(NhwcInferenceTwin.of(Nets.build(Nets.spec("mnist-cnn", "none", "float64"), 1))).as("float64").isNull();
        assertThat(NhwcInferenceTwin.of(Nets.build(Nets.spec("mlp", "none", "float32"), 1))).as("MLP").isNull();
    }

    @Test
    void statisticsPassMatchesThePlainForwardPass() {
        ModelSpec spec = Nets.spec("mnist-cnn", "first-layer", "float32");
        var loss = MarginLosses.create(LossKind.CROSS_ENTROPY);
        MultiLayerNetwork net = ModelFactory.build(spec, 1, 28, 28, 10, loss, 0.01, 2);
        INDArray x = Nets.inputs(spec, 30, 8);
        int[] labels = new int[30];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
        assertThat(NhwcInferenceTwin.of(net)).as("the statistics pass goes through the twin").isNotNull();
        SetStatistics s = new MarginStatistics(NetworkStructure.of(net), loss, 7).evaluate(net, x, labels, true);

        double[] logits = MarginLosses.rowMajor(net.output(x, false));
        for (int i = 0; i < labels.length; i++)
            assertThat(s.margins()[i]).isCloseTo(loss.margin(logits, i * 10, 10, labels[i]),
                    org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(s.margins()[i]))));
    }

    private static double relativeError(INDArray actual, INDArray expected) {
        INDArray a = actual.castTo(DataType.DOUBLE), e = expected.castTo(DataType.DOUBLE);
        return Transforms.abs(a.sub(e)).maxNumber().doubleValue() / Math.max(Transforms.abs(e).maxNumber().doubleValue(), 1e-30);
    }
}
