package org.marginmax.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLosses;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * MarginOutputLayer scores a training iteration from its backprop's loss: the same gradient and score as DL4J's stock
 * OutputLayer with the same FramedLoss (two evaluations), and a score that is the loss at the current parameters
 * (finite differences); checkpoints with either layer load and train.
 */
class MarginOutputLayerTest {
    private static final ModelSpec MLP = new ModelSpec(ArchKind.MLP, List.of(16), BiasMode.ALL, "float64");
    private static final int SIDE = 4;

    private static MultiLayerNetwork build(LossKind kind, int outputs) {
        return ModelFactory.build(MLP, 1, SIDE, SIDE, outputs, MarginLosses.create(kind), 0.01, 7);
    }

    /** The same network as an old checkpoint has it: DL4J's stock OutputLayer in the configuration. */
    private static MultiLayerNetwork stockTwin(MultiLayerNetwork net) {
        String json = net.getLayerWiseConfigurations().toJson()
                .replace(MarginOutputLayer.class.getName(), org.deeplearning4j.nn.conf.layers.OutputLayer.class.getName());
        MultiLayerNetwork stock = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        stock.init(net.params().dup(), false);
        return stock;
    }

    private static DataSet batch(int n, int outputs, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, SIDE * SIDE).muli(3);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, outputs);
        for (int i = 0; i < n; i++) {
            if (outputs == 1) y.putScalar(i, 0, i % 2 == 0 ? 1 : -1);
            else y.putScalar(i, i % outputs, 1);
        }
        return new DataSet(x, y);
    }

    private static double score(MultiLayerNetwork net, DataSet d) {
        net.setInput(d.getFeatures());
        net.setLabels(d.getLabels());
        net.computeGradientAndScore();
        return net.score();
    }

    @Test void gradientAndScoreEqualTheStockOutputLayersWithEveryLossAndFrame() {
        for (LossKind kind : LossKind.values()) {
            int outputs = kind == LossKind.CROSS_ENTROPY ? 3 : 1;
            for (double logFrame : new double[]{0, -40, -700}) {
                MultiLayerNetwork net = build(kind, outputs);
                MultiLayerNetwork stock = stockTwin(net);
                assertThat(stock.getOutputLayer()).isNotInstanceOf(MarginOutputLayer.Impl.class);
                MarginLosses.of(net).setLogFrame(logFrame);
                MarginLosses.of(stock).setLogFrame(logFrame);
                DataSet d = batch(6, outputs, 3);
                double s = score(net, d), s0 = score(stock, d);
                String what = kind + " logFrame " + logFrame;
                assertThat(s).as(what).isCloseTo(s0, within(1e-12 * Math.max(1, Math.abs(s0))));
                INDArray g = net.getGradientsViewArray(), g0 = stock.getGradientsViewArray();
                double scale = Math.max(1e-300, g0.norm2Number().doubleValue());
                assertThat(g.sub(g0).norm2Number().doubleValue() / scale).as(what).isLessThan(1e-12);
                assertThat(((MarginOutputLayer.Impl) net.getOutputLayer()).reusedScores()).as(what).isEqualTo(1);
            }
        }
    }

    @Test void theReusedScoreIsTheLossAtTheCurrentParametersByFiniteDifferences() {
        MultiLayerNetwork net = build(LossKind.CROSS_ENTROPY, 3);
        DataSet d = batch(5, 3, 11);
        score(net, d);
        INDArray grad = net.getGradientsViewArray().dup();
        INDArray params = net.params();
        double h = 1e-6;
        for (long i : new long[]{0, 17, params.length() / 2, params.length() - 1}) {
            double p = params.getDouble(i);
            params.putScalar(i, p + h);
            double plus = score(net, d);
            params.putScalar(i, p - h);
            double minus = score(net, d);
            params.putScalar(i, p);
            double fd = (plus - minus) / (2 * h);
            // DL4J's score is the MEAN loss and its gradient view the gradient of the SUM, divided by the updater
            assertThat(fd * d.numExamples()).as("parameter " + i)
                    .isCloseTo(grad.getDouble(i), within(1e-6 * Math.max(1, Math.abs(grad.getDouble(i)))));
        }
    }

    @Test void anotherLossOrAScoreWithoutBackpropTakesDl4jsOwnPath() {
        MultiLayerNetwork net = build(LossKind.CROSS_ENTROPY, 3);
        DataSet d = batch(4, 3, 5);
        double trained = score(net, d);
        assertThat(net.score(d, true)).isCloseTo(trained, within(1e-12));
        BaseOutputLayer conf = (BaseOutputLayer) net.getOutputLayer().conf().getLayer();
        conf.setLossFn(new LossMSE());
        MultiLayerNetwork stock = stockTwin(net);
        ((BaseOutputLayer) stock.getOutputLayer().conf().getLayer()).setLossFn(new LossMSE());
        assertThat(score(net, d)).isCloseTo(score(stock, d), within(1e-12));
    }

    @Test void checkpointsWithTheStockOrTheMarginOutputLayerLoadAndTrain(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = build(LossKind.LOGISTIC, 1);
        DataSet d = batch(8, 1, 9);
        for (MultiLayerNetwork original : List.of(stockTwin(net), net)) {
            File f = dir.resolve(original.getOutputLayer().getClass().getName() + ".zip").toFile();
            ModelSerializer.writeModel(original, f, true);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(f, true);
            assertThat(restored.getOutputLayer().getClass()).isEqualTo(original.getOutputLayer().getClass());
            assertThat(restored.output(d.getFeatures())).isEqualTo(original.output(d.getFeatures()));
            FramedLoss loss = MarginLosses.of(restored);
            loss.setLogFrame(-1); // the trainer sets the frame on a restored loss (it starts at 0)
            double before = score(restored, d);
            restored.fit(d);
            assertThat(score(restored, d)).isLessThan(before);
        }
        assertThat(net.getLayerWiseConfigurations().toJson()).contains(MarginOutputLayer.class.getName());
    }
}
