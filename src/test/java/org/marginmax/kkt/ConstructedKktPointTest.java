package org.marginmax.kkt;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.marginmax.loss.LossKind;
import org.marginmax.model.BiasMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A two-layer ReLU net at a KKT point by construction: unit x₁, x₂ with x₁·x₂ &lt; 0, labels +1, −1, hidden weights
 * w₁ = x₁, w₂ = x₂, output weights (1, −1). Then q = 1 at both points and θ = ∇q₁ + ∇q₂, so λ = (1, 1). A third
 * hidden unit u with u·x_n &lt; 0 and output weight 0 has zero gradient for both margins, so the residual is u:
 * kkt_eps = ‖u‖ / √(‖θ‖² + ‖u‖²).
 */
class ConstructedKktPointTest {
    static final double[] X1 = {1, 0}, X2 = {-0.6, 0.8}, U = {-0.3, -0.5};

    @Test
    void twoUnitsAtTheirKktPoint() {
        KktAnalysis.Result r = analyse(false);
        assertThat(r.kktPairs()).isEqualTo(2);
        assertThat(r.pairs()).extracting(KktAnalysis.Pair::lambda)
                .allSatisfy(l -> assertThat(l).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9)));
        assertThat(r.kktEps()).isLessThan(1e-7);
        assertThat(r.kktDelta()).isLessThan(1e-9);
    }

    @Test
    void anIdleUnitIsTheWholeResidual() {
        KktAnalysis.Result r = analyse(true);
        double theta = 4; // ‖x₁‖² + ‖x₂‖² + 1 + 1
        double u = U[0] * U[0] + U[1] * U[1];
        assertThat(r.kktEps()).isCloseTo(Math.sqrt(u / (theta + u)), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.pairs()).extracting(KktAnalysis.Pair::lambda)
                .allSatisfy(l -> assertThat(l).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9)));
    }

    private static KktAnalysis.Result analyse(boolean idleUnit) {
        int hidden = idleUnit ? 3 : 2;
        MultiLayerNetwork net = KktNets.mlp(2, List.of(hidden), BiasMode.NONE, 1, 1);
        double[] w = new double[2 * hidden]; // W [nIn = 2, nOut = hidden], row-major: w[i * hidden + k]
        double[][] units = idleUnit ? new double[][]{X1, X2, U} : new double[][]{X1, X2};
        for (int k = 0; k < hidden; k++) for (int i = 0; i < 2; i++) w[i * hidden + k] = units[k][i];
        net.getLayer(0).getParam("W").assign(Nd4j.create(w, new long[]{2, hidden}, DataType.DOUBLE));
        double[] v = idleUnit ? new double[]{1, -1, 0} : new double[]{1, -1};
        net.getLayer(1).getParam("W").assign(Nd4j.create(v, new long[]{hidden, 1}, DataType.DOUBLE));
        return new KktAnalysis(new KktAnalysis.Settings(0.25, 100)).analyse(KktNetwork.of(net), LossKind.LOGISTIC,
                Nd4j.create(new double[][]{X1, X2}), new int[]{1, -1}, null, null, s -> {});
    }
}
