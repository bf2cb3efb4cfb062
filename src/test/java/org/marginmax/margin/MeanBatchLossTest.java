package org.marginmax.margin;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.listeners.CollectScoresIterationListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The listener's mean minibatch loss of an epoch is the mean of the scores DL4J's own listener collects. */
class MeanBatchLossTest {
    @Test void isTheMeanOfTheIterationScoresDl4jCollects() throws java.io.IOException {
        Nd4j.getRandom().setSeed(3);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).updater(new Sgd(0.5)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        var features = Nd4j.rand(DataType.DOUBLE, 60, 4);
        var labels = Nd4j.zeros(DataType.DOUBLE, 60, 3);
        for (int i = 0; i < 60; i++) labels.putScalar(i, i % 3, 1.0);
        var batches = new ListDataSetIterator<>(new DataSet(features, labels).asList(), 10);

        MarginListener listener = new MarginListener(null, null, new int[0], null, new int[0], 1e300, () -> { });
        CollectScoresIterationListener scores = new CollectScoresIterationListener(1);
        net.setListeners(listener, scores);
        listener.measureNextEpoch(false);
        net.fit(batches);

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        scores.exportScores(out, ",");
        double[] collected = out.toString().lines().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1]))
                .toArray();
        assertThat(collected).hasSize(6);
        double mean = java.util.Arrays.stream(collected).average().orElseThrow();
        assertThat(listener.steps()).isEqualTo(6);
        assertThat(listener.meanBatchLoss()).isCloseTo(mean, within(1e-12));
        assertThat(collected[5]).as("the loss falls, so the mean is not just the last").isNotEqualTo(mean);
    }
}
