package org.marginmax.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.ChildJvms;
import org.marginmax.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Planning a sweep: ids, resolved configs, planning again a no-op, a changed spec refused unless --extend. */
class SweepPlanTest {
    @TempDir Path dir;

    private Path spec(String grid) throws Exception {
        ChildJvms.tinyConfig(dir, "base", 5, 100);
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "name: s\nbase: base.yaml\ngrid:\n" + grid);
        return f;
    }

    @Test void everyCombinationIsOneRunWithItsResolvedConfig() throws Exception {
        Path f = spec("  seed: [1, 2]\n  model.bias: [none, all]\n");
        SweepPlan p = SweepPlan.plan(SweepSpec.load(f), dir.resolve("out"), false).getKey();
        assertThat(p.runs()).extracting(SweepPlan.Run::id).containsExactly(
                "seed-1_model.bias-none", "seed-1_model.bias-all", "seed-2_model.bias-none", "seed-2_model.bias-all");
        SweepPlan.Run r = p.runs().get(3);
        assertThat(r.overrides()).containsExactly("seed=2", "model.bias=all");
        var cfg = ConfigLoader.bind("x", Files.readString(p.runDir(r).resolve("config.yaml")));
        assertThat(cfg.seed()).isEqualTo(2);
        assertThat(ConfigLoader.hash(cfg)).isEqualTo(r.configSha256());
        assertThat(ConfigLoader.hash(cfg)).isNotEqualTo(p.runs().get(0).configSha256());
    }

    @Test void planningAgainIsANoOpAndAChangedSpecNeedsExtend() throws Exception {
        Path f = spec("  seed: [1, 2]\n");
        Path out = dir.resolve("out");
        SweepPlan.plan(SweepSpec.load(f), out, false);
        String before = Files.readString(out.resolve("s/sweep.json"));
        assertThat(SweepPlan.plan(SweepSpec.load(f), out, false).getValue()).contains("nothing to do");
        assertThat(Files.readString(out.resolve("s/sweep.json"))).isEqualTo(before);

        Files.writeString(out.resolve("s/runs/seed-1/marker"), "kept");
        Files.writeString(f, Files.readString(f).replace("[1, 2]", "[1, 2, 3]"));
        assertThatThrownBy(() -> SweepPlan.plan(SweepSpec.load(f), out, false))
                .isInstanceOf(SweepException.class).hasMessageContaining("--extend");
        SweepPlan p = SweepPlan.plan(SweepSpec.load(f), out, true).getKey();
        assertThat(p.runs()).extracting(SweepPlan.Run::id).containsExactly("seed-1", "seed-2", "seed-3");
        assertThat(Files.readString(out.resolve("s/runs/seed-1/marker"))).isEqualTo("kept");

        Files.writeString(f, Files.readString(f).replace("[1, 2, 3]", "[1, 3]"));
        assertThatThrownBy(() -> SweepPlan.plan(SweepSpec.load(f), out, true)).hasMessageContaining("seed-2");
    }

    @Test void theSpecIsStrictlyValidated() throws Exception {
        Path f = spec("  seed: [1]\n");
        Files.writeString(f, Files.readString(f) + "seeds: 3\n");
        assertThatThrownBy(() -> SweepSpec.load(f)).isInstanceOf(SweepException.class)
                .hasMessageContaining("s.yaml:5: unknown key 'seeds'");
        Files.writeString(f, "name: s\nbase: base.yaml\ngrid:\n  seed: 1\n");
        assertThatThrownBy(() -> SweepSpec.load(f)).hasMessageContaining("must be a non-empty list");
        Files.writeString(f, "name: s\nbase: base.yaml\ngrid:\n  model.biass: [all]\n");
        assertThatThrownBy(() -> SweepPlan.plan(SweepSpec.load(f), dir.resolve("o"), false)).hasMessageContaining("biass");
        Files.writeString(f, "name: s\ngrid:\n  seed: [1]\n");
        assertThatThrownBy(() -> SweepSpec.load(f)).hasMessageContaining("missing key 'base'");
    }

    @Test void idsAreFileNameSafe() {
        assertThat(SweepSpec.idOf(List.of("train.lr.lr=0.1", "data.binary=\"0,1\""))).isEqualTo("train.lr.lr-0.1_data.binary-0-1");
    }

    @Test void theShippedSpecPlansTheSixRunsOfItsGrid() {
        SweepPlan p = SweepPlan.plan(SweepSpec.load(Path.of("experiments/sweeps/paper-mnist-seeds.yaml")), dir, false).getKey();
        assertThat(p.runs()).hasSize(6).extracting(SweepPlan.Run::id).contains("seed-2_model.bias-all");
    }
}
