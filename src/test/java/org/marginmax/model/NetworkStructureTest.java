package org.marginmax.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NetworkStructureTest {

    @Test
    void describeListsEveryLayerThenTotalsOrderAndHomogeneity() {
        MultiLayerNetwork net = Nets.build(Nets.spec("mnist-cnn", "first-layer", "float32"), 1);
        String text = NetworkStructure.of(net).describe();
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(1 + 6 + 2);
        assertThat(lines.get(0)).contains("layer", "name", "kind", "parameters", "count", "bias");
        assertThat(lines.get(1)).contains("conv1", "conv", "W[32,1,5,5] b[32]", "832", "yes");
        assertThat(lines.get(2)).contains("pool1", "maxpool");
        assertThat(lines.get(3)).contains("conv2", "W[64,32,3,3]", "18,432", "no");
        assertThat(lines.get(5)).contains("dense1", "W[3136,1024]", "3,211,264");
        assertThat(lines.get(6)).contains("output", "W[1024,10]", "10,240");
        assertThat(lines.get(7)).contains("total parameters: 3,240,768");
        assertThat(lines.get(8)).contains("L = 4", "homogeneous: yes", "first weight layer");

        String biased = NetworkStructure.of(Nets.build(Nets.spec("mlp", "all", "float32"), 1)).describe();
        assertThat(biased).contains("L = 3", "homogeneous: no", "dense2 has a bias", "output has a bias");
    }

    @Test
    void layerParamsAreLiveViewsWhoseNormsMakeUpRho() {
        MultiLayerNetwork net = Nets.build(Nets.spec("mlp", "first-layer", "float64"), 4);
        Nets.randomiseBiases(net, 5);
        NetworkStructure s = NetworkStructure.of(net);
        List<LayerParams> groups = s.layerParams(net);
        assertThat(groups).hasSize(3);
        assertThat(groups.get(0).arrays()).hasSize(2);
        assertThat(groups.get(1).bias()).isNull();
        // homogeneous: θ is every parameter, and ρ² = Σ ρ_i²
        double rho2 = Math.pow(net.params().norm2Number().doubleValue(), 2);
        assertThat(groups.stream().mapToDouble(LayerParams::squaredNorm).sum()).isCloseTo(rho2, within(1e-9 * rho2));
        assertThat(s.firstBiasOnlyLayerParams(net)).extracting(LayerParams::norm)
                .containsExactlyElementsOf(groups.stream().map(LayerParams::norm).toList());

        double before = groups.get(2).norm();
        groups.get(2).weights().muli(3.0);
        assertThat(s.layerParams(net).get(2).norm()).isCloseTo(3 * before, within(1e-9 * before));
        assertThat(Math.pow(net.params().norm2Number().doubleValue(), 2)).isGreaterThan(rho2);
    }

    @Test
    void withBiasesEverywhereTheTwoGroupingsDifferOnlyByTheLaterBiases() {
        MultiLayerNetwork net = Nets.build(Nets.spec("mlp", "all", "float32"), 4);
        Nets.randomiseBiases(net, 5);
        NetworkStructure s = NetworkStructure.of(net);
        List<LayerParams> all = s.layerParams(net);
        List<LayerParams> authors = s.firstBiasOnlyLayerParams(net);
        assertThat(all).allSatisfy(p -> assertThat(p.bias()).isNotNull());
        assertThat(authors.get(0).bias()).isNotNull();
        assertThat(authors.subList(1, 3)).allSatisfy(p -> assertThat(p.bias()).isNull());
        for (int i = 1; i < 3; i++) {
            double b = all.get(i).bias().castTo(DataType.DOUBLE).norm2Number().doubleValue();
            assertThat(all.get(i).squaredNorm() - authors.get(i).squaredNorm()).isCloseTo(b * b, within(1e-4 * b * b));
        }
    }
}
