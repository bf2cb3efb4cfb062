package org.marginmax.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** TF 1.13 he_normal: truncated at 2σ of the underlying normal, stddev after truncation √(2 / fan_in). */
class TfHeNormalInitTest {

    @Test
    void correctionConstantIsTheStddevOfAStandardNormalTruncatedToPlusMinusTwo() {
        // Var of N(0,1) truncated to [-a, a]: 1 - 2a φ(a) / (2Φ(a) - 1)
        double a = 2, phi = Math.exp(-a * a / 2) / Math.sqrt(2 * Math.PI);
        double mass = 0.9544997361036416; // 2Φ(2) - 1
        assertThat(Math.sqrt(1 - 2 * a * phi / mass)).isCloseTo(TfHeNormalInit.TRUNCATED_STD, within(1e-12));
    }

    @Test
    void sameSeedGivesIdenticalParametersAndAnotherSeedDifferentOnes() {
        ModelSpec spec = Nets.spec("mnist-cnn", "first-layer", "float32");
        INDArray a = Nets.build(spec, 42).params();
        INDArray b = Nets.build(spec, 42).params();
        INDArray c = Nets.build(spec, 43).params();
        assertThat(Nets.identical(a, b)).isTrue();
        assertThat(a.sub(c).amaxNumber().doubleValue()).isGreaterThan(0.01);
    }

    @Test
    void denseAndConvWeightsOfTheCnnHaveHeStddevAndStayInsideTheTruncation() {
        MultiLayerNetwork net = Nets.build(Nets.spec("mnist-cnn", "all", "float32"), 7);
        NetworkStructure s = NetworkStructure.of(net);
        // conv2: fan_in = 3*3*32 (18,432 weights); dense: fan_in = 7*7*64 (3,211,264 weights)
        checkHeNormal(s.weightLayers().get(1).weights(net), 3 * 3 * 32, 0.03);
        checkHeNormal(s.weightLayers().get(2).weights(net), 7 * 7 * 64, 0.01);
        for (WeightLayer l : s.weightLayers())
            assertThat(l.bias(net).amaxNumber().doubleValue()).as("bias of " + l.name()).isZero();
    }

    @Test
    void initOnAFlatViewDrawsTheTruncatedDistributionInDoubleToo() {
        INDArray view = Nd4j.zeros(DataType.DOUBLE, 1_000_000);
        Nd4j.getRandom().setSeed(5);
        INDArray w = new TfHeNormalInit().init(200, 100, new long[]{200, 5000}, 'c', view);
        assertThat(w.shape()).containsExactly(200, 5000);
        checkHeNormal(view, 200, 0.01);
    }

    private static void checkHeNormal(INDArray weights, double fanIn, double relTol) {
        INDArray w = weights.castTo(DataType.DOUBLE);
        double target = Math.sqrt(2.0 / fanIn);
        double bound = 2 * TfHeNormalInit.underlyingStd(fanIn);
        double std = w.stdNumber().doubleValue();
        double max = w.amaxNumber().doubleValue();
        assertThat(std).as("stddev, fan_in " + fanIn).isCloseTo(target, within(relTol * target));
        assertThat(w.meanNumber().doubleValue()).isCloseTo(0.0, within(5 * target / Math.sqrt(w.length())));
        assertThat(max).as("no weight beyond 2 stddevs of the underlying normal").isLessThanOrEqualTo(bound * (1 + 1e-6));
        // Truncated, not merely narrow: the largest draws come close to the bound (P(|z| in [1.9, 2]) is about 1.3%).
        assertThat(max).isGreaterThan(0.95 * bound);
    }
}
