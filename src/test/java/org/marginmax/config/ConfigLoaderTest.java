package org.marginmax.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.loss.LossKind;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final String VALID = """
            name: tiny
            seed: 7
            data:
              dataset: idx:somewhere
              train: {first: 500}
            model:
              arch: mlp
              hidden: [32, 16]
              bias: first-layer
            loss: cross-entropy
            train:
              epochs: 3
              batch_size: 50
              lr:
                schedule: loss-based
                lr: 0.1
            """;

    @TempDir Path dir;

    private Path write(String text) throws IOException {
        Path f = dir.resolve("exp.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test void readsEveryField() throws IOException {
        ExperimentConfig c = ConfigLoader.load(write(VALID), List.of());
        assertThat(c.name()).isEqualTo("tiny");
        assertThat(c.seed()).isEqualTo(7L);
        assertThat(c.data().train().first()).isEqualTo(500);
        assertThat(c.model().arch()).isEqualTo(ArchKind.MLP);
        assertThat(c.model().hidden()).containsExactly(32, 16);
        assertThat(c.model().bias()).isEqualTo(BiasMode.FIRST_LAYER);
        assertThat(c.loss()).isEqualTo(LossKind.CROSS_ENTROPY);
        assertThat(c.train().batchSize()).isEqualTo(50);
        assertThat(c.train().lr().lossBased()).isTrue();
        assertThat(c.train().lr().alpha1()).isCloseTo(Math.pow(2, 0.2), org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test void unknownKeyNamesFileLineAndKey() throws IOException {
        Path f = write(VALID.replace("  batch_size: 50", "  batch_sise: 50"));
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining(":13:")
                .hasMessageContaining("batch_sise")
                .hasMessageContaining("batch_size");
    }

    @Test void wrongTypeNamesFileLineAndKey() throws IOException {
        Path f = write(VALID.replace("epochs: 3", "epochs: three"));
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f + ":12:")
                .hasMessageContaining("train.epochs")
                .hasMessageContaining("whole number");
    }

    @Test void badEnumValueIsExplained() throws IOException {
        Path f = write(VALID.replace("bias: first-layer", "bias: sometimes"));
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f + ":9:")
                .hasMessageContaining("model.bias")
                .hasMessageContaining("none, first-layer or all");
    }

    @Test void missingFieldIsNamed() throws IOException {
        Path f = write(VALID.replace("  epochs: 3\n", ""));
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("train.epochs is required");
    }

    @Test void statisticsCanBeThinnedOnlyWhereTheScheduleNeedsNoFullLossEveryEpoch() throws IOException {
        Path f = write(VALID);
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("train.stats_every=5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.stats_every must be 1 with the loss-based schedule")
                .hasMessageContaining("predictive");
        assertThat(ConfigLoader.load(f, List.of("train.lr.schedule=predictive", "train.stats_every=5")).train()
                .statsEvery()).isEqualTo(5);
        assertThat(ConfigLoader.load(f, List.of("train.lr.schedule=constant", "train.stats_every=5")).train()
                .statsEvery()).isEqualTo(5);
    }

    @Test void settledShareIsBetweenZeroAndFloat32Resolution() throws IOException {
        Path f = write(VALID);
        String hash = ConfigLoader.hash(ConfigLoader.load(f, List.of()));
        assertThat(ConfigLoader.load(f, List.of("train.skip_settled=1e-12")).train().settledShare()).isEqualTo(1e-12);
        assertThat(ConfigLoader.load(f, List.of("train.skip_settled=0")).train().settledShare()).isZero();
        assertThat(ConfigLoader.hash(ConfigLoader.load(f, List.of("train.skip_settled=0"))))
                .as("the default keeps the config's hash").isEqualTo(hash);
        for (String bad : List.of("1e-3", "-1e-12", "NaN"))
            assertThatThrownBy(() -> ConfigLoader.load(f, List.of("train.skip_settled=" + bad)))
                    .as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("train.skip_settled must be between 0 (off) and 2^-24");
    }

    @Test void binaryLossNeedsBinaryTask() throws IOException {
        Path f = write(VALID.replace("loss: cross-entropy", "loss: logistic"));
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("data.binary");
    }

    @Test void overridesApplyAndAreValidated() throws IOException {
        Path f = write(VALID);
        ExperimentConfig c = ConfigLoader.load(f, List.of("train.epochs=50", "model.hidden=[8]", "train.lr.schedule=constant"));
        assertThat(c.train().epochs()).isEqualTo(50);
        assertThat(c.model().hidden()).containsExactly(8);
        assertThat(c.train().lr().lossBased()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("train.epoch=50")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--set").hasMessageContaining("epoch");
        assertThatThrownBy(() -> ConfigLoader.load(f, List.of("train.epochs")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("key.path=value");
    }

    @Test void hashIgnoresFormattingButNotValues() throws IOException {
        ExperimentConfig a = ConfigLoader.load(write(VALID), List.of());
        ExperimentConfig b = ConfigLoader.bind("x", VALID.replace("hidden: [32, 16]", "hidden:\n    - 32\n    - 16"));
        ExperimentConfig c = ConfigLoader.load(write(VALID), List.of("seed=8"));
        assertThat(ConfigLoader.hash(a)).isEqualTo(ConfigLoader.hash(b)).isNotEqualTo(ConfigLoader.hash(c));
    }

    @Test void resolvedYamlRoundTrips() throws IOException {
        ExperimentConfig a = ConfigLoader.load(write(VALID), List.of());
        ExperimentConfig back = ConfigLoader.bind("saved", ConfigLoader.toYaml(a));
        assertThat(back).isEqualTo(a);
    }

    @Test void everyShippedExperimentIsValid() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("experiments"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertThat(yamls).hasSizeGreaterThanOrEqualTo(10);
            for (Path y : yamls) {
                ExperimentConfig c = ConfigLoader.load(y, List.of());
                assertThat(y.getFileName().toString()).isEqualTo(c.name() + ".yaml");
            }
        }
    }
}
