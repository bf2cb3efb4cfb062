package org.marginmax.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.File;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/** The losses inside a tiny DenseLayer + OutputLayer network: serialisation, frame, DL4J's averaging. */
class DL4JIntegrationTest {

    private static final int IN = 4, HIDDEN = 5, BATCH = 6;
    private static final double LR = 0.1;

    private static MultiLayerNetwork tinyNet(LossKind kind, DataType type) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3).dataType(type).updater(new Sgd(LR))
                .list()
                .layer(new DenseLayer.Builder().nIn(IN).nOut(HIDDEN).activation(Activation.RELU).hasBias(false).build())
                .layer(new OutputLayer.Builder(MarginLosses.create(kind)).nIn(HIDDEN).nOut(LossFixtures.outputsFor(kind))
                        .activation(Activation.IDENTITY).hasBias(false).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet batch(LossKind kind, DataType type) {
        Random rng = new Random(41);
        int outputs = LossFixtures.outputsFor(kind);
        INDArray x = LossFixtures.matrix(LossFixtures.randomLogits(rng, BATCH, IN, 1.0), BATCH, IN).castTo(type);
        INDArray y = LossFixtures.labelArray(kind, LossFixtures.randomLabels(rng, kind, BATCH, outputs), outputs).castTo(type);
        return new DataSet(x, y);
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void jsonRoundTripKeepsTheLossClassButNotTheFrame(LossKind kind) {
        MultiLayerNetwork net = tinyNet(kind, DataType.FLOAT);
        MarginLosses.of(net).setLogFrame(-7.5);
        String json = net.getLayerWiseConfigurations().toJson();
        assertThat(json).contains(MarginLosses.create(kind).getClass().getName()).doesNotContain("logFrame");

        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        Object loss = ((BaseOutputLayer) back.getConf(1).getLayer()).getLossFn();
        assertThat(loss).isExactlyInstanceOf(MarginLosses.create(kind).getClass());
        assertThat(((FramedLoss) loss).getLogFrame()).isZero();
        assertThat(back).isEqualTo(net.getLayerWiseConfigurations());
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void modelSerializerRestoresTheLossAndTheNetwork(LossKind kind, @TempDir File dir) throws Exception {
        MultiLayerNetwork net = tinyNet(kind, DataType.FLOAT);
        File file = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        assertThat(MarginLosses.of(restored)).isExactlyInstanceOf(MarginLosses.of(net).getClass());
        assertThat(MarginLosses.of(restored).kind()).isEqualTo(kind);
        DataSet ds = batch(kind, DataType.FLOAT);
        assertThat(restored.output(ds.getFeatures())).isEqualTo(net.output(ds.getFeatures()));
        assertThat(restored.score(ds)).isEqualTo(net.score(ds));
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void networkScoreIsTheMeanFrameLossAndFollowsTheFrame(LossKind kind) {
        MultiLayerNetwork net = tinyNet(kind, DataType.DOUBLE);
        DataSet ds = batch(kind, DataType.DOUBLE);
        FramedLoss loss = MarginLosses.of(net);
        INDArray logits = net.output(ds.getFeatures());
        double mean = loss.computeScore(ds.getLabels(), logits, LossFixtures.IDENTITY, null, true);
        assertThat(net.score(ds)).isCloseTo(mean, within(1e-12 * mean));

        loss.setLogFrame(-40.0);
        assertThat(net.score(ds)).isCloseTo(mean * Math.exp(40.0), within(1e-10 * mean * Math.exp(40.0)));
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void oneSgdStepMovesTheOutputWeightsByTheMeanOfThePerExampleGradients(LossKind kind) {
        // DL4J contract: computeGradient returns per-example gradients of the SUM; the updater divides by the batch
        MultiLayerNetwork net = tinyNet(kind, DataType.DOUBLE);
        DataSet ds = batch(kind, DataType.DOUBLE);
        FramedLoss loss = MarginLosses.of(net);
        loss.setLogFrame(-2.0);
        List<INDArray> acts = net.feedForward(ds.getFeatures(), true);
        INDArray hidden = acts.get(1), logits = acts.get(2);
        INDArray dLdz = loss.computeGradient(ds.getLabels(), logits, LossFixtures.IDENTITY, null);
        INDArray expected = net.getParam("1_W").dup().subi(hidden.transpose().mmul(dLdz).muli(LR / BATCH));

        net.fit(ds);
        INDArray after = net.getParam("1_W");
        double[] a = MarginLosses.rowMajor(after), e = MarginLosses.rowMajor(expected);
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(e[i], within(1e-12));
    }

    @org.junit.jupiter.api.Test
    void ofRejectsANetworkWithAnotherLoss() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(new LossMCXENT()).nIn(2).nOut(2).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertThatThrownBy(() -> MarginLosses.of(net)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MarginLosses.create");
        
    }
}
