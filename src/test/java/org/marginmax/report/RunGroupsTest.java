package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Runs differing only in seed are aggregated: mean, sample std (n - 1) and n, checked against closed forms. */
class RunGroupsTest {
    @TempDir Path dir;

    private RunMetrics run(String name, int seed, String bias, double decades, boolean pgd) throws Exception {
        Path d = SyntheticRuns.run(dir.resolve(name), "exp", bias, "constant", 10, decades);
        Files.writeString(d.resolve("config.yaml"), Files.readString(d.resolve("config.yaml")).replace("seed: 1", "seed: " + seed));
        if (pgd) SyntheticRuns.pgd(d);
        return RunMetrics.read(d);
    }

    @Test void seedsOfOneConfigFormAGroupWithMeanStdAndN() throws Exception {
        List<RunMetrics> runs = List.of(run("a", 1, "none", 0.1, true), run("b", 2, "none", 0.2, true),
                run("c", 3, "none", 0.3, false), run("d", 1, "all", 0.1, false));
        List<RunGroups.Group> groups = RunGroups.bySeed(runs);
        assertThat(groups).extracting(RunGroups.Group::label).containsExactly("model.bias=none", "model.bias=all");
        assertThat(groups.get(0).runs()).hasSize(3);

        RunComparison c = RunComparison.grouped(runs, List.of("10"), new ArrayList<>());
        RunComparison.GroupRow none = c.groupRows().get(0);
        assertThat(none.epoch()).isEqualTo(10);
        RunComparison.Stat loss = none.stats().get("log10_loss");
        // log10 loss at epoch 10: -1.3, -2.3, -3.3 -> mean -2.3, sample std 1 (population std would be 0.816)
        assertThat(loss.n()).isEqualTo(3);
        assertThat(loss.mean()).isCloseTo(-2.3, within(1e-12));
        assertThat(loss.std()).isCloseTo(1.0, within(1e-12));
        String robust = c.columns().stream().filter(k -> k.startsWith("robust_acc")).findFirst().orElseThrow();
        assertThat(none.stats().get(robust).n()).as("robust accuracy only where attacked").isEqualTo(2);
        RunComparison.Stat single = c.groupRows().get(1).stats().get("log10_loss");
        assertThat(single.n()).isEqualTo(1);
        assertThat(single.std()).isNaN();

        String table = c.format(RunComparison.Format.TABLE);
        assertThat(table).contains("model.bias=none").contains("-2.300 ± 1.000 (n=3)").contains("-1.300 (n=1)");
        String csv = c.format(RunComparison.Format.CSV);
        assertThat(csv.lines().findFirst().orElseThrow()).startsWith("group,epoch,log10_loss_mean,log10_loss_std,log10_loss_n");
    }

    @Test void figuresDrawOneMeanAndOneBandPerGroup() throws Exception {
        List<RunMetrics> runs = List.of(run("a", 1, "none", 0.1, false), run("b", 2, "none", 0.2, false),
                run("c", 3, "none", 0.3, false), run("d", 1, "all", 0.1, false));
        Figure loss = Figures.build(runs, Figures.Options.defaults().withGroups(Figures.Band.STD)).get("loss");
        assertThat(loss.seriesNames()).containsExactly("model.bias=none (mean of n=3)", "model.bias=none (±1 sample std)",
                "model.bias=all (mean of n=1)", "model.bias=all (±1 sample std)");
        var mean = loss.chart().getSeriesMap().get("model.bias=none (mean of n=3)");
        var band = loss.chart().getSeriesMap().get("model.bias=none (±1 sample std)");
        // epoch 10: mean -2.3, sample std 1: the band's polygon runs along mean + 1 and back along mean - 1
        assertThat(mean.getYData()[10]).isCloseTo(-2.3, within(1e-12));
        assertThat(band.getYData()[10]).isCloseTo(-1.3, within(1e-12));
        assertThat(band.getYData()[band.getYData().length - 1 - 10]).isCloseTo(-3.3, within(1e-12));
        assertThat(band.getFillColor().getRGB() & 0xffffff).isEqualTo(mean.getLineColor().getRGB() & 0xffffff);
        Figure minmax = Figures.build(runs, Figures.Options.defaults().withGroups(Figures.Band.MINMAX)).get("loss");
        var mm = minmax.chart().getSeriesMap().get("model.bias=none (min–max)");
        assertThat(mm.getYData()[10]).isCloseTo(-1.3, within(1e-12));
        assertThat(mm.getYData()[mm.getYData().length - 1 - 10]).isCloseTo(-3.3, within(1e-12));
    }
}
