package org.marginmax.margin;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.ModelSpec;
import org.marginmax.model.NetworkStructure;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Margins, norms and both normalized margins of a tiny network with hand-set weights, against hand computation. */
class MarginStatisticsTest {

    /** 2 inputs -> 2 hidden ReLU -> 2 logits, no bias: f(x) = V relu(W x). L = 2. */
    private static MultiLayerNetwork tinyNet(FramedLoss loss, double[][] w, double[][] v) {
        MultiLayerNetwork net = ModelFactory.build(new ModelSpec(ArchKind.MLP, List.of(2), BiasMode.NONE, "float64"),
                1, 1, 2, 2, loss, 0.1, 1);
        // DL4J dense weights are [nIn, nOut]: W_dl4j = W^T
        net.getLayer(0).setParam("W", Nd4j.create(w).transpose().dup());
        net.getLayer(1).setParam("W", Nd4j.create(v).transpose().dup());
        return net;
    }

    @Test void marginsNormsAndNormalizedMarginsMatchHandComputation() {
        double[][] w = {{1, 0}, {0, 2}};
        double[][] v = {{3, 0}, {0, 1}};
        FramedLoss loss = MarginLosses.create(LossKind.CROSS_ENTROPY);
        MultiLayerNetwork net = tinyNet(loss, w, v);
        NetworkStructure structure = NetworkStructure.of(net);
        assertThat(structure.order()).isEqualTo(2);

        // x1 = (1, 0.5): h = (1, 1), f = (3, 1), class 0: q = 2
        // x2 = (0.2, 1): h = (0.2, 2), f = (0.6, 2), class 1: q = 1.4
        // x3 = (1, 1):   h = (1, 2), f = (3, 2), class 1: q = -1 (misclassified)
        INDArray x = Nd4j.create(new double[][]{{1, 0.5}, {0.2, 1}, {1, 1}});
        int[] y = {0, 1, 1};
        MarginStatistics stats = new MarginStatistics(structure, loss, 2); // chunk 2: exercises chunking
        SetStatistics s = stats.evaluate(net, x, y, true);
        assertThat(s.margins()).containsExactly(new double[]{2, 1.4, -1}, within(1e-12));
        assertThat(s.qMin()).isCloseTo(-1, within(1e-12));
        assertThat(s.qMax()).isCloseTo(2, within(1e-12));
        assertThat(s.accuracy()).isCloseTo(2.0 / 3, within(1e-15));
        double l1 = Math.log1p(Math.exp(-2)), l2 = Math.log1p(Math.exp(-1.4)), l3 = Math.log1p(Math.exp(1));
        assertThat(s.logSumLoss()).isCloseTo(Math.log(l1 + l2 + l3), within(1e-12));
        assertThat(s.logMeanLoss()).isCloseTo(Math.log((l1 + l2 + l3) / 3), within(1e-12));
        // support counts: q < q_min + k ln 10 = -1 + 2.303 k
        assertThat(s.supportCount(1)).isEqualTo(1); // q < -1 + ln 10 = 1.303: only x3
        assertThat(s.supportCount(2)).isEqualTo(3); // q < -1 + 2 ln 10 = 3.605: all

        // rho^2 = (1 + 4) + (9 + 1) = 15; rho_1 = sqrt 5, rho_2 = sqrt 10
        ParameterNorms norms = stats.norms(net);
        assertThat(norms.rho()).isCloseTo(Math.sqrt(15), within(1e-12));
        assertThat(norms.layerNorms()).containsExactly(new double[]{Math.sqrt(5), Math.sqrt(10)}, within(1e-12));
        assertThat(norms.logRhoL(2)).isCloseTo(Math.log(15), within(1e-12));

        MarginTracker tracker = new MarginTracker(stats);
        Map<String, Object> row = tracker.row(3, new EpochMeasurement(s, null, norms, 0.1), ScheduleCounts.NONE, 0.1, 0, 1, 1);
        assertThat((Double) row.get("normalized_margin")).isCloseTo(-1.0 / 15, within(1e-12));
        assertThat((Double) row.get("normalized_margin_product")).isCloseTo(-1.0 / Math.sqrt(50), within(1e-12));
        assertThat((Double) row.get("norm_product")).isCloseTo(Math.sqrt(50), within(1e-12));
        assertThat((Double) row.get("smoothed_margin")).isNaN(); // L > log 2: not yet defined
        assertThat(row.get("separated")).isEqualTo(false);
        assertThat(row.get("epochs_since_separation")).isNull();
    }

    @Test void smoothedMarginOnceSeparated() {
        FramedLoss loss = MarginLosses.create(LossKind.CROSS_ENTROPY);
        MultiLayerNetwork net = tinyNet(loss, new double[][]{{1, 0}, {0, 2}}, new double[][]{{3, 0}, {0, 1}});
        MarginStatistics stats = new MarginStatistics(NetworkStructure.of(net), loss, 100);
        INDArray x = Nd4j.create(new double[][]{{1, 0.5}, {0.2, 1}});
        SetStatistics s = stats.evaluate(net, x, new int[]{0, 1}, true);
        MarginTracker tracker = new MarginTracker(stats);
        Map<String, Object> row = tracker.row(5, new EpochMeasurement(s, null, stats.norms(net), 0), ScheduleCounts.NONE, 0.1, 0, 1, 1);
        double total = Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1.4));
        assertThat((Double) row.get("smoothed_margin")).isCloseTo(-Math.log(Math.expm1(total)) / 15, within(1e-12));
        assertThat((Double) row.get("normalized_margin")).isCloseTo(1.4 / 15, within(1e-12));
        // gamma~ <= gamma-bar (protocol A)
        assertThat((Double) row.get("smoothed_margin")).isLessThanOrEqualTo((Double) row.get("normalized_margin"));
        assertThat(row.get("separated")).isEqualTo(true);
        assertThat(row.get("epochs_since_separation")).isEqualTo(0);

        // the smoothed margin falling counts as a decrease; rising does not
        SetStatistics worse = new SetStatistics(2, s.logMeanLoss() + 0.1, s.logSumLoss() + 0.1, 1, 1.4, 2, s.margins());
        tracker.row(6, new EpochMeasurement(worse, null, stats.norms(net), 0), ScheduleCounts.NONE, 0.1, 0, 1, 1);
        assertThat(tracker.smoothedDecreases()).isEqualTo(1);
        tracker.row(7, new EpochMeasurement(s, null, stats.norms(net), 0), ScheduleCounts.NONE, 0.1, 0, 1, 1);
        assertThat(tracker.smoothedDecreases()).isEqualTo(1);
    }

    @Test void hugeNormsStayInLogSpace() {
        // rho = 1e30 and L = 14: rho^L = 1e420 overflows a double, q / rho^L = 1e-220 does not
        double logRhoL = 14 * Math.log(1e30);
        assertThat(Math.pow(1e30, 14)).isInfinite();
        assertThat(ParameterNorms.divideByExp(1e200, logRhoL)).isCloseTo(1e-220, org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(ParameterNorms.divideByExp(-1e200, logRhoL)).isCloseTo(-1e-220, org.assertj.core.data.Percentage.withPercentage(1e-9));
    }
}
