package org.marginmax.backend;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.model.BiasMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DL4J 1.0.0-M2.1 attaches its oneDNN helpers only through {@link OneDnn#enable()} (see its Javadoc). These tests fail
 * if that stops working (e.g. after a dependency upgrade) or if the oneDNN path computes something else than the
 * stock im2col + GEMM path.
 */
class OneDnnTest {
    private static final int DIGITS = 32;
    private static INDArray x;
    private static INDArray y;

    @BeforeAll
    static void enableOneDnn() throws IOException {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        assumeTrue("CPU".equals(backend), "oneDNN helpers are CPU-only; this run uses the " + backend + " backend");
        assertThat(OneDnn.enable()).as("OneDnn.enable(): %s", OneDnn.check().reason()).isTrue();
        assertThat(OneDnn.enable()).as("enable() is idempotent").isTrue();
        x = PaperCnn.testDigits(DIGITS);
        y = PaperCnn.testLabels(DIGITS);
    }

    @Test
    void paperCnnHasOneDnnHelpersOnConvAndPoolingLayers() {
        MultiLayerNetwork net = PaperCnn.init(BiasMode.NONE);
        net.calculateGradients(x, y, null, null); // runs forward and backward: a failing helper would count a fallback

        assertThat(OneDnn.helpers(net)).extracting(OneDnn.HelperStatus::helper).containsExactly(
                "MKLDNNConvHelper", "MKLDNNSubsamplingHelper", "MKLDNNConvHelper", "MKLDNNSubsamplingHelper", null, null);
        assertThat(OneDnn.helpers(net)).extracting(OneDnn.HelperStatus::fallbacks).containsOnly(0);
        assertThat(OneDnn.attachedHelpers(net)).containsExactly(entry("conv", true), entry("pooling", true));
    }

    @Test
    void networkBuiltWithHelpersDisabledIsReportedWithout() {
        MultiLayerNetwork net = PaperCnn.initWithoutHelpers(BiasMode.NONE);
        assertThat(OneDnn.helpers(net)).extracting(OneDnn.HelperStatus::helper).containsOnlyNulls();
        assertThat(OneDnn.attachedHelpers(net)).containsExactly(entry("conv", false), entry("pooling", false));
    }

    @Test
    void probeNetworkGetsBothHelpers() {
        assertThat(OneDnn.probe()).allSatisfy(s -> assertThat(s.oneDnn()).as(s.toString()).isTrue())
                .extracting(OneDnn.HelperStatus::kind).containsExactly("conv", "pooling");
    }

    /**
     * Same parameters, same real digits: outputs, parameter gradients and the input gradient of the oneDNN network
     * agree with those of the stock network (built with DL4J's helpers switched off) to 1e-4 relative error
     * ||a - b||_2 / ||b||_2, array by array.
     */
    @ParameterizedTest
    @EnumSource(value = BiasMode.class, names = {"NONE", "FIRST_LAYER"})
    void oneDnnPathComputesWhatTheStockPathComputes(BiasMode bias) {
        MultiLayerNetwork fast = PaperCnn.init(bias);
        MultiLayerNetwork stock = PaperCnn.initWithoutHelpers(bias);
        assertThat(OneDnn.attachedHelpers(fast)).containsOnly(entry("conv", true), entry("pooling", true));
        assertThat(OneDnn.attachedHelpers(stock)).containsOnly(entry("conv", false), entry("pooling", false));
        stock.setParams(fast.params().dup());

        assertClose("output", fast.output(x), stock.output(x));

        Map<String, INDArray> a = gradients(fast);
        Map<String, INDArray> b = gradients(stock);
        assertThat(a.keySet()).isEqualTo(b.keySet());
        assertThat(a).containsKeys("0_W", "2_W", "4_W", "5_W", "input");
        assertThat(a.containsKey("0_b")).as("first-layer bias present").isEqualTo(bias == BiasMode.FIRST_LAYER);
        for (String k : a.keySet()) assertClose("gradient " + k, a.get(k), b.get(k));
    }

    /** Parameter gradients by key ("0_W", ...) plus the input gradient ("input"), copied out of the network. */
    private static Map<String, INDArray> gradients(MultiLayerNetwork net) {
        Pair<Gradient, INDArray> p = net.calculateGradients(x, y, null, null);
        Map<String, INDArray> out = new TreeMap<>();
        p.getFirst().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        out.put("input", p.getSecond().dup());
        return out;
    }

    private static void assertClose(String what, INDArray a, INDArray b) {
        assertThat(a.shape()).as(what + " shape").isEqualTo(b.shape());
        double norm = b.norm2Number().doubleValue();
        assertThat(norm).as(what + " is not all zeros").isGreaterThan(0);
        double rel = a.sub(b).norm2Number().doubleValue() / norm;
        assertThat(rel).as(what + " relative error").isLessThanOrEqualTo(1e-4);
    }
}
