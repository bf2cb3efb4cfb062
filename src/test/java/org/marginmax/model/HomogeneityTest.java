package org.marginmax.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;

/** Protocol A: f(cθ; x) = c^L f(θ; x) for bias-free and first-layer-bias ReLU networks, and not with biases everywhere. */
class HomogeneityTest {

    private static final double C = 2.5;
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0}, bias {1}")
    @CsvSource({"mlp,none", "mlp,first-layer", "mnist-cnn,none", "mnist-cnn,first-layer", "vgg16,none", "vgg16,first-layer"})
    void scalingTheParametersByCScalesTheLogitsByCToTheL(String arch, String bias) {
        ModelSpec spec = Nets.spec(arch, bias, "float64");
        MultiLayerNetwork net = Nets.build(spec, 11);
        NetworkStructure structure = NetworkStructure.of(net);
        Nets.randomiseBiases(net, 12);
        if (spec.bias() == BiasMode.FIRST_LAYER) {
            WeightLayer first = structure.weightLayers().get(0);
            assertThat(first.bias(net).norm2Number().doubleValue()).isGreaterThan(0.1);
        }

        assertThat(structure.homogeneous()).isTrue();
        assertThat(relativeError(net, spec, structure.order())).isLessThan(TOLERANCE);
    }

    @ParameterizedTest(name = "{0}, bias all")
    @ValueSource(strings = {"mlp", "mnist-cnn", "vgg16"})
    void biasesBeyondTheFirstLayerBreakHomogeneity(String arch) {
        ModelSpec spec = Nets.spec(arch, "all", "float64");
        MultiLayerNetwork net = Nets.build(spec, 11);
        NetworkStructure structure = NetworkStructure.of(net);
        Nets.randomiseBiases(net, 12);

        assertThat(structure.homogeneous()).isFalse();
        assertThat(relativeError(net, spec, structure.order())).isGreaterThan(1000 * TOLERANCE);
    }

    /** max |f(cθ) − c^L f(θ)| / max |c^L f(θ)| on two random inputs. */
    private static double relativeError(MultiLayerNetwork net, ModelSpec spec, int order) {
        INDArray x = Nets.inputs(spec, 2, 13);
        INDArray expected = net.output(x).dup().muli(Math.pow(C, order));
        assertThat(expected.amaxNumber().doubleValue()).as("logits must not vanish").isGreaterThan(1e-3);
        net.setParams(net.params().mul(C));
        INDArray actual = net.output(x);
        return actual.sub(expected).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
    }
}
