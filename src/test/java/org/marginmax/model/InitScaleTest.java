package org.marginmax.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLosses;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** model.init_scale multiplies the initial weights; train.alignment_every; old configs keep their hashes. */
class InitScaleTest {
    private static final String YAML = """
            name: t
            data: {dataset: mnist}
            model: {arch: mlp, hidden: [8]%s}
            loss: cross-entropy
            train: {epochs: 1, lr: {schedule: constant, lr: 0.1}%s}
            """;

    @Test
    void initialWeightsAreScaled() {
        ModelSpec plain = new ModelSpec(ArchKind.MLP, List.of(6, 5), BiasMode.FIRST_LAYER, "float64");
        ModelSpec small = new ModelSpec(ArchKind.MLP, List.of(6, 5), BiasMode.FIRST_LAYER, "float64", 0.01);
        MultiLayerNetwork a = ModelFactory.build(plain, 1, 1, 4, 3, MarginLosses.create(LossKind.CROSS_ENTROPY), 0.1, 9);
        MultiLayerNetwork b = ModelFactory.build(small, 1, 1, 4, 3, MarginLosses.create(LossKind.CROSS_ENTROPY), 0.1, 9);
        for (int i = 0; i < a.getLayers().length; i++)
            assertThat(b.getLayer(i).getParam("W").equalsWithEps(a.getLayer(i).getParam("W").mul(0.01), 1e-15))
                    .as("layer %d", i).isTrue();
        assertThat(a.getLayer(0).getParam("W").sumNumber().doubleValue()).isNotZero();
    }

    @Test
    void defaultsKeepTheOldHashes() {
        String old = ConfigLoader.hash(ConfigLoader.bind("t", YAML.formatted("", "")));
        assertThat(ConfigLoader.hash(ConfigLoader.bind("t", YAML.formatted(", init_scale: 1", "")))).isEqualTo(old);
        assertThat(ConfigLoader.hash(ConfigLoader.bind("t", YAML.formatted("", ", alignment_every: 10")))).isEqualTo(old);
        ExperimentConfig small = ConfigLoader.bind("t", YAML.formatted(", init_scale: 0.1", ", alignment_every: 0"));
        assertThat(ConfigLoader.hash(small)).isNotEqualTo(old);
        assertThat(small.model().weightScale()).isEqualTo(0.1);
        assertThat(small.train().alignmentPeriod()).isZero();
        assertThat(ConfigLoader.bind("t", YAML.formatted("", "")).train().alignmentPeriod()).isEqualTo(10);
        // the saved YAML of a default config does not mention the new keys
        assertThat(ConfigLoader.toYaml(ConfigLoader.bind("t", YAML.formatted(", init_scale: 1", ""))))
                .doesNotContain("init_scale").doesNotContain("alignment_every");
        assertThatThrownBy(() -> ConfigLoader.bind("t", YAML.formatted(", init_scale: -1", "")))
                .hasMessageContaining("init_scale");
    }
}
