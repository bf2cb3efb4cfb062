package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FiguresTest {
    @TempDir Path tmp;

    private static double[] y(Figure f, String series) {
        return f.chart().getSeriesMap().get(series).getYData();
    }

    private static double[] x(Figure f, String series) {
        return f.chart().getSeriesMap().get(series).getXData();
    }

    @Test void oneRunHasEveryFigureWithItsSeries() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "mlp-run", "none", "loss-based", 60, 8);
        SyntheticRuns.pgd(run);
        SyntheticRuns.minimal(run, true);
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());

        assertThat(set.figures()).extracting(Figure::name).containsExactly("loss", "accuracy", "margin",
                "margin-product", "smoothed-margin", "norms", "support", "lr", "lr-real", "robust-l2-cw-test", "perturbation-l2-cw-test",
                "robust-linf-pgd-train");
        assertThat(set.get("loss").seriesNames()).containsExactly("mlp-run");
        assertThat(set.get("accuracy").seriesNames()).containsExactly("train", "test");
        assertThat(set.get("margin").seriesNames()).containsExactly("mlp-run", "before separation");
        assertThat(set.get("margin-product").seriesNames()).containsExactly("mlp-run", "before separation");
        assertThat(set.get("norms").seriesNames()).containsExactly("ρ", "ρ_1", "ρ_2", "ρ_3");
        assertThat(set.get("support").seriesNames()).containsExactly("k=1", "k=2", "k=3", "k=4", "k=5", "k=6", "k=7");
        assertThat(set.get("lr").seriesNames()).containsExactly("mlp-run");
        assertThat(set.get("lr-real").seriesNames()).containsExactly("mlp-run");
        assertThat(set.get("lr-real").chart().getYAxisTitle()).isEqualTo("log10 real learning rate");
        assertThat(set.get("robust-linf-pgd-train").seriesNames()).containsExactly("epoch 10", "epoch 40");
        assertThat(set.get("perturbation-l2-cw-test").seriesNames()).containsExactly("epoch 10", "epoch 40");
        assertThat(set.get("loss").chart().getYAxisTitle()).isEqualTo("log10 training loss");
        assertThat(set.get("loss").caption()).singleElement().asString()
                .contains("mlp-run", "0123456789ab", "fedcba9876");
        assertThat(set.notes()).contains("linf-pgd/train: no per-point norms nor norm statistics (mean, median, "
                + "quantiles): no perturbation figure");
    }

    @Test void lossIsPlottedAsLog10ValuesOnALinearAxisFarBelowDoubleRange() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "deep", "none", "loss-based", 60, 8);
        Figure loss = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults()).get("loss");
        assertThat(loss.chart().getStyler().isYAxisLogarithmic()).isFalse();
        double[] ys = y(loss, "deep");
        assertThat(ys).hasSize(61);
        for (int e = 0; e <= 60; e++) assertThat(ys[e]).isCloseTo(SyntheticRuns.log10Loss(e, 8), within(1e-12));
        assertThat(ys[60]).isLessThan(-400); // a loss of 1e-480: below float64's range, as the paper's runs go
    }

    @Test void emptyCellsAreLeftOutAndLrIsDrawnAsLog10() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 20, 1);
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());
        // test_acc is empty at epoch 1; smoothed margin is undefined before separation (epochs 0, 1)
        assertThat(x(set.get("accuracy"), "test")).doesNotContain(1.0).hasSize(20);
        assertThat(x(set.get("smoothed-margin"), "r")[0]).isEqualTo(2.0);
        assertThat(y(set.get("lr"), "r")[5]).isCloseTo(Math.log10(0.1 * Math.pow(1.1, 5)), within(1e-12));
    }

    @Test void eachNormalizedMarginIsScaledFromSeparationOn() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 40, 1);
        RunMetrics m = RunMetrics.read(run);
        Figures.FigureSet set = Figures.build(List.of(m), Figures.Options.defaults());
        for (String[] fc : new String[][]{{"margin", "normalized_margin"}, {"margin-product", "normalized_margin_product"}}) {
            double[] sep = m.column("separated"), v = m.column(fc[1]);
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, all = Double.POSITIVE_INFINITY;
            for (int k = 0; k < v.length; k++) {
                if (!Double.isFinite(v[k])) continue;
                all = Math.min(all, v[k]);
                if (sep[k] > 0) { lo = Math.min(lo, v[k]); hi = Math.max(hi, v[k]); }
            }
            assertThat(all).as("the synthetic run has a pre-separation dip").isLessThan(lo);
            Figure f = set.get(fc[0]);
            var styler = f.chart().getStyler();
            double c = f.yScale();
            assertThat(styler.getYAxisMin() / c).isCloseTo(lo - 0.05 * (hi - lo), within(1e-9 * Math.abs(hi - lo)));
            assertThat(styler.getYAxisMax() / c).isCloseTo(hi + 0.05 * (hi - lo), within(1e-9 * Math.abs(hi - lo)));
        }
    }

    @Test void smallValuesAreDrawnInPowersOfTenNamedOnTheAxisAndTheCsvKeepsTheMetricsUnits() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 40, 1);
        RunMetrics m = RunMetrics.read(run);
        Figure f = Figures.build(List.of(m), Figures.Options.defaults()).get("smoothed-margin");
        double[] v = m.column("smoothed_margin");
        double max = Arrays.stream(v).filter(Double::isFinite).map(Math::abs).max().orElseThrow();
        assertThat(max).as("the synthetic margins are small").isLessThan(0.01);
        int k = (int) Math.floor(Math.log10(max));
        assertThat(f.yScale()).isEqualTo(Math.pow(10, -k));
        assertThat(f.chart().getYAxisTitle()).endsWith("(×10⁻" + "⁰¹²³⁴⁵⁶⁷⁸⁹".charAt(-k) + ")");
        double[] drawn = y(f, "r");
        List<String> lines = FigureWriter.dataCsv(f).lines().skip(1).toList();
        assertThat(lines).hasSize(drawn.length);
        int row = 0;
        for (double value : v) {
            if (!Double.isFinite(value)) continue;
            assertThat(drawn[row] / f.yScale()).isCloseTo(value, within(1e-15 * Math.abs(value) + 1e-300));
            assertThat(Double.parseDouble(lines.get(row).split(",")[3])).isCloseTo(value, within(1e-15 * Math.abs(value) + 1e-300));
            row++;
        }
        assertThat(Figures.build(List.of(m), Figures.Options.defaults()).get("loss").yScale()).isEqualTo(1);
    }

    @Test void logEpochAxisDropsEpochZero() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 20, 1);
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults().withLogEpochs(true));
        XYChart margin = set.get("margin").chart();
        assertThat(margin.getStyler().isXAxisLogarithmic()).isTrue();
        assertThat(margin.getXAxisTitle()).isEqualTo("epoch (log scale)");
        for (XYSeries s : margin.getSeriesMap().values()) assertThat(Arrays.stream(s.getXData()).min().getAsDouble()).isGreaterThanOrEqualTo(1);
        assertThat(margin.getSeriesMap().get("before separation").getXData()).containsExactly(1, 2);
    }

    @Test void severalRunsShareFiguresWithLegendsFromTheirDifferingConfigFields() throws IOException {
        Path a = SyntheticRuns.run(tmp.resolve("a"), "cnn", "none", "loss-based", 30, 2);
        Path b = SyntheticRuns.run(tmp.resolve("b"), "cnn", "all", "constant", 30, 0.5);
        SyntheticRuns.pgd(a);
        SyntheticRuns.pgd(b);
        List<RunMetrics> runs = List.of(RunMetrics.read(a), RunMetrics.read(b));
        assertThat(RunLabels.differingFields(runs)).containsExactly("model.bias", "train.lr.schedule");
        String la = "cnn (model.bias=none, train.lr.schedule=loss-based)";
        String lb = "cnn (model.bias=all, train.lr.schedule=constant)";
        Figures.FigureSet set = Figures.build(runs, Figures.Options.defaults());
        assertThat(set.get("loss").seriesNames()).containsExactly(la, lb);
        assertThat(set.get("accuracy").seriesNames()).containsExactly(la + ": train", la + ": test", lb + ": train", lb + ": test");
        assertThat(set.get("robust-linf-pgd-train").seriesNames())
                .containsExactly(la + ", epoch 10", la + ", epoch 40", lb + ", epoch 10", lb + ", epoch 40");
        assertThat(y(set.get("loss"), lb)[30]).isCloseTo(SyntheticRuns.log10Loss(30, 0.5), within(1e-12));
        assertThat(set.get("loss").caption()).hasSize(2);
    }

    @Test void identicalConfigsAreToldApartByDirectory() throws IOException {
        Path a = SyntheticRuns.run(tmp.resolve("first"), "same", "none", "constant", 5, 1);
        Path b = SyntheticRuns.run(tmp.resolve("second"), "same", "none", "constant", 5, 1);
        assertThat(RunLabels.of(List.of(RunMetrics.read(a), RunMetrics.read(b))))
                .containsExactly("same [first]", "same [second]");
    }

    @Test void theCaptionNamesARunsDirectoryOnlyWhenItIsNotTheRunsName() throws IOException {
        RunMetrics same = RunMetrics.read(SyntheticRuns.run(tmp.resolve("repro-x"), "repro-x", "none", "constant", 5, 1));
        RunMetrics other = RunMetrics.read(SyntheticRuns.run(tmp.resolve("2026-01-01"), "repro-x", "none", "constant", 5, 1));
        assertThat(same.captionLine()).isEqualTo("repro-x: config sha256 0123456789ab, git fedcba9876");
        assertThat(other.captionLine()).isEqualTo("repro-x (2026-01-01): config sha256 0123456789ab, git fedcba9876");
        assertThat(Figures.build(List.of(same), Figures.Options.defaults()).get("loss").caption())
                .containsExactly("repro-x: config sha256 0123456789ab, git fedcba9876");
    }

    @Test void aKeyOneRunsConfigLeavesOutIsLabelledWithItsDefault() throws IOException {
        Path a = SyntheticRuns.run(tmp.resolve("a"), "q", "none", "constant", 5, 1);
        Path b = SyntheticRuns.run(tmp.resolve("b"), "q", "none", "constant", 5, 1);
        Path c = SyntheticRuns.run(tmp.resolve("c"), "q", "none", "constant", 5, 1);
        // b sets init_scale 0.1 and data.binary; c writes the default alignment period out, which a and b leave out
        String cfg = Files.readString(b.resolve("config.yaml"));
        Files.writeString(b.resolve("config.yaml"), cfg.replace("  bias: none\n", "  bias: none\n  init_scale: 0.1\n")
                .replace("data:\n", "data:\n  binary: \"0,1\"\n").replace("loss: cross-entropy", "loss: logistic"));
        Files.writeString(c.resolve("config.yaml"), Files.readString(c.resolve("config.yaml"))
                .replace("  batch_size: 100\n", "  batch_size: 100\n  alignment_every: 10\n"));
        List<RunMetrics> runs = List.of(RunMetrics.read(a), RunMetrics.read(b), RunMetrics.read(c));
        assertThat(runs.get(0).configValue("model.init_scale")).isEqualTo("1");
        // the trainer writes a run's config with doubles as 1.0: an explicit default is not a difference either
        Path e = SyntheticRuns.run(tmp.resolve("e"), "q", "none", "constant", 5, 1);
        Files.writeString(e.resolve("config.yaml"), Files.readString(e.resolve("config.yaml"))
                .replace("  bias: none\n", "  bias: none\n  init_scale: 1.0\n"));
        assertThat(RunLabels.differingFields(List.of(runs.get(0), RunMetrics.read(e)))).isEmpty();
        assertThat(runs.get(0).configValue("train.alignment_every")).isEqualTo("10");
        assertThat(runs.get(0).configValue("data.binary")).isEqualTo(RunMetrics.ABSENT); // no default: multi-class
        // alignment_every: 10 (c) is a's and b's default: not a difference
        assertThat(RunLabels.differingFields(runs)).containsExactly("loss", "data.binary", "model.init_scale");
        assertThat(RunLabels.of(runs)).containsExactly(
                "q (loss=cross-entropy, model.init_scale=1, +1 more) [a]",
                "q (loss=logistic, model.init_scale=0.1, +1 more)",
                "q (loss=cross-entropy, model.init_scale=1, +1 more) [c]");
    }

    @Test void robustAccuracyCurvesAreOnePerCheckpointAgainstEps() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 50, 1);
        SyntheticRuns.minimal(run, false);
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());
        Figure acc = set.get("robust-l2-cw-test");
        assertThat(x(acc, "epoch 40")).containsExactly(SyntheticRuns.EPS);
        for (int i = 0; i < SyntheticRuns.EPS.length; i++)
            assertThat(y(acc, "epoch 40")[i]).isEqualTo(SyntheticRuns.robustAcc(40, SyntheticRuns.EPS[i]));
        // no per-point file: the norm statistics per checkpoint instead
        Figure norms = set.get("perturbation-l2-cw-test");
        assertThat(norms.seriesNames()).containsExactly("mean", "median", "q10", "q90");
        assertThat(x(norms, "median")).containsExactly(10, 40);
        assertThat(y(norms, "median")).containsExactly(0.45 + 10 / 100.0, 0.45 + 40 / 100.0);
    }

    @Test void perPointNormsGiveTheFractionExceedingCountingUnbrokenPoints() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 50, 1);
        SyntheticRuns.minimal(run, true);
        Figure f = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults()).get("perturbation-l2-cw-test");
        double[] ys = y(f, "epoch 10");
        assertThat(ys).hasSize(20); // ε = 0, then 19 of 20 points broken (one inf)
        assertThat(ys[0]).isEqualTo(1);
        assertThat(ys[19]).isEqualTo(1 / 20.0); // only the unbroken point exceeds the largest norm
        assertThat(x(f, "epoch 10")[1]).isCloseTo(0.05 + 0.1, within(1e-12));
    }

    @Test void minimalAttacksDrawTheFractionOfPointsWhosePerturbationExceedsEps() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 50, 1);
        SyntheticRuns.minimal(run, false);
        // 7 points at epoch 10: two never broken (inf, empty cell), one already misclassified (0), a tie at 0.3
        SyntheticRuns.points(run, new java.util.LinkedHashMap<>(java.util.Map.of(
                10, List.of("0.3", "inf", "0.1", "0", "0.3", "", "0.7"), 40, List.of("0.5", "0.2"))));
        Figure f = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults()).get("perturbation-l2-cw-test");
        assertThat(f.seriesNames()).containsExactly("epoch 10", "epoch 40");
        // exceeding ε = 0: all but the 0; ε = 0.1: 0.3, 0.3, 0.7 and the two unbroken; past 0.7: the two unbroken
        assertThat(x(f, "epoch 10")).containsExactly(0, 0.1, 0.3, 0.3, 0.7);
        assertThat(y(f, "epoch 10")).containsExactly(6 / 7.0, 5 / 7.0, 4 / 7.0, 3 / 7.0, 2 / 7.0);
        assertThat(x(f, "epoch 40")).containsExactly(0, 0.2, 0.5);
        assertThat(y(f, "epoch 40")).containsExactly(1, 0.5, 0);
        assertThat(f.title()).isEqualTo("Minimal attack C&W L2, test set, each point");
        assertThat(f.chart().getXAxisTitle()).isEqualTo("ε (L2 perturbation norm)");
        assertThat(f.chart().getYAxisTitle()).isEqualTo("fraction with smallest perturbation > ε");
    }

    @Test void robustnessFiguresNameTheAttackAsAReaderWouldAndSayWhatAMinimalAttacksCurveIs() throws IOException {
        assertThat(Figures.attackName("pgd-linf")).isEqualTo("PGD L∞");
        assertThat(Figures.attackName("linf-pgd")).isEqualTo("PGD L∞");
        assertThat(Figures.attackName("pgd-l2")).isEqualTo("PGD L2");
        assertThat(Figures.attackName("deepfool")).isEqualTo("DeepFool L2");
        assertThat(Figures.attackName("cw-l2")).isEqualTo("C&W L2");
        assertThat(Figures.attackName("square")).isEqualTo("square");
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 50, 1);
        SyntheticRuns.pgd(run);
        SyntheticRuns.minimal(run, false);
        // the probe's own ids: PGD (fixed budget) and DeepFool (minimal by its kind, even without norm statistics)
        Files.copy(run.resolve("robustness/linf-pgd-train.csv"), run.resolve("robustness/pgd-linf-test.csv"));
        Files.copy(run.resolve("robustness/linf-pgd-train.csv"), run.resolve("robustness/deepfool-train.csv"));
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());
        Figure pgd = set.get("robust-pgd-linf-test");
        assertThat(pgd.title()).isEqualTo("Robust accuracy under PGD L∞, test set");
        assertThat(pgd.chart().getYAxisTitle()).isEqualTo("robust accuracy");
        Figure deepfool = set.get("robust-deepfool-train");
        assertThat(deepfool.title()).isEqualTo("Minimal attack DeepFool L2, train set");
        assertThat(deepfool.chart().getXAxisTitle()).isEqualTo("ε (L2 perturbation norm)");
        assertThat(deepfool.chart().getYAxisTitle()).isEqualTo("fraction with smallest perturbation > ε");
        // an id the probe does not have, with norm statistics: minimal all the same
        assertThat(set.get("robust-l2-cw-test").chart().getYAxisTitle()).isEqualTo("fraction with smallest perturbation > ε");
    }

    @Test void theMarginsBeforeSeparationAreDrawnGreyAndShareTheFirstSeparatedEpoch() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 40, 1); // separated from epoch 2
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());
        for (String name : List.of("margin", "margin-product")) {
            Figure f = set.get(name);
            double factor = name.equals("margin") ? 1 : 2; // the synthetic q_min/∏ρ_i is twice q_min/ρ^L
            assertThat(f.seriesNames()).containsExactly("r", "before separation");
            assertThat(x(f, "before separation")).containsExactly(0, 1, 2);
            double[] ys = y(f, "before separation"), expected = {-0.01 * factor, -0.01 * factor, 3e-5 * factor};
            assertThat(ys).hasSize(3);
            for (int i = 0; i < 3; i++) assertThat(ys[i] / f.yScale()).isCloseTo(expected[i], within(1e-15));
            assertThat(x(f, "r")).hasSize(39).startsWith(2, 3);
            XYSeries grey = f.chart().getSeriesMap().get("before separation"), own = f.chart().getSeriesMap().get("r");
            assertThat(grey.getLineColor()).isEqualTo(new java.awt.Color(160, 160, 160));
            assertThat(((java.awt.BasicStroke) grey.getLineStyle()).getLineWidth()).isEqualTo(1.0f);
            assertThat(((java.awt.BasicStroke) grey.getLineStyle()).getDashArray()).isNull();
            assertThat(grey.isShowInLegend()).isTrue();
            assertThat(own.getLineColor()).isNotEqualTo(grey.getLineColor());
            assertThat(FigureWriter.dataCsv(f)).contains(name + ",before separation,1.0," + (-0.01 * factor) + "\n");
        }
        // the smoothed margin is undefined before separation: only the boundary point would be grey, so none is
        assertThat(set.get("smoothed-margin").seriesNames()).containsExactly("r");
    }

    @Test void aRunThatHasNotSeparatedYetDrawnAloneKeepsItsMarginFigures() throws IOException {
        RunMetrics d = RunMetrics.read(SyntheticRuns.run(tmp.resolve("d"), "d", "none", "constant", 30, 1, Integer.MAX_VALUE));
        Figures.FigureSet set = Figures.build(List.of(d), Figures.Options.defaults());
        assertThat(set.get("margin").seriesNames()).isNotEmpty();
        assertThat(set.get("margin-product").seriesNames()).isNotEmpty();
        assertThat(set.notes()).noneMatch(n -> n.contains("never separated"));
    }

    @Test void onlyRunsSeparatedAfterTheirFirstRowGetAGreySegmentNamedOnceInTheLegend() throws IOException {
        List<RunMetrics> runs = List.of(
                RunMetrics.read(SyntheticRuns.run(tmp.resolve("a"), "a", "none", "constant", 30, 1, 2)),
                RunMetrics.read(SyntheticRuns.run(tmp.resolve("b"), "b", "none", "constant", 30, 1, 5)),
                RunMetrics.read(SyntheticRuns.run(tmp.resolve("c"), "c", "none", "constant", 30, 1, 0)),
                RunMetrics.read(SyntheticRuns.run(tmp.resolve("d"), "d", "none", "constant", 30, 1, Integer.MAX_VALUE)));
        List<String> l = RunLabels.of(runs);
        Figures.FigureSet set = Figures.build(runs, Figures.Options.defaults());
        Figure f = set.get("margin");
        // d never separated: its margin is negative throughout, below the range, so it is left out (and said so)
        assertThat(f.seriesNames()).containsExactly(l.get(0), "before separation", l.get(1),
                "before separation (" + l.get(1) + ")", l.get(2));
        for (String name : List.of("margin-product", "smoothed-margin"))
            assertThat(set.get(name).seriesNames()).as(name).noneMatch(n -> n.contains(l.get(3)));
        assertThat(set.get("loss").seriesNames()).contains(l.get(3));
        assertThat(set.get("loss").caption()).hasSize(4);
        assertThat(f.caption()).hasSize(3).noneMatch(c -> c.startsWith("d"));
        assertThat(set.notes()).contains(l.get(3) + ": never separated the training set (no epoch with separated > 0): "
                + "left out of figures margin, margin-product, smoothed-margin")
                .noneMatch(n -> n.contains("has no finite values"));
        assertThat(x(f, "before separation (" + l.get(1) + ")")).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(f.chart().getSeriesMap().get("before separation").isShowInLegend()).isTrue();
        assertThat(f.chart().getSeriesMap().get("before separation (" + l.get(1) + ")").isShowInLegend()).isFalse();
        // y range from the separated parts only: 1e-5·(1+e), smallest for c at epoch 0, largest at epoch 30
        double lo = 1e-5, hi = 31e-5, c = f.yScale();
        assertThat(f.chart().getStyler().getYAxisMin() / c).isCloseTo(lo - 0.05 * (hi - lo), within(1e-12));
        assertThat(f.chart().getStyler().getYAxisMax() / c).isCloseTo(hi + 0.05 * (hi - lo), within(1e-12));
        // seed groups: no split
        Figure g = Figures.build(runs, Figures.Options.defaults().withGroups(Figures.Band.STD)).get("margin");
        assertThat(g.seriesNames()).noneMatch(n -> n.startsWith("before separation"));
    }

    @Test void smoothedMarginDecreasesAreMarkedAtTheEpochsTheCounterRose() throws IOException {
        // counted at epochs 0 (no previous row: no mark), 5, 12 (twice: one mark) and 20
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 30, 1, 2, 0, 5, 12, 12, 20);
        Figure f = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults()).get("smoothed-margin");
        assertThat(f.seriesNames()).containsExactly("r", "smoothed margin decreased");
        assertThat(f.yScale()).isEqualTo(1e4); // the synthetic smoothed margin 0.9e-5·(1+e) tops out at 2.79e-4
        assertThat(x(f, "smoothed margin decreased")).containsExactly(5, 12, 20);
        double[] marks = y(f, "smoothed margin decreased"), expected = {0.9e-5 * 6, 0.9e-5 * 13, 0.9e-5 * 21};
        for (int i = 0; i < 3; i++) assertThat(marks[i] / 1e4).isCloseTo(expected[i], within(1e-15));
        XYSeries s = f.chart().getSeriesMap().get("smoothed margin decreased");
        assertThat(s.getXYSeriesRenderStyle()).isEqualTo(XYSeries.XYSeriesRenderStyle.Scatter);
        assertThat(s.getMarker()).isEqualTo(org.knowm.xchart.style.markers.SeriesMarkers.CROSS);
        assertThat(s.getMarkerColor()).isEqualTo(new java.awt.Color(0xD55E00));
        List<String> rows = FigureWriter.dataCsv(f).lines().filter(r -> r.contains(",smoothed margin decreased,")).toList();
        assertThat(rows).hasSize(3);
        assertThat(Double.parseDouble(rows.get(1).split(",")[3])).isCloseTo(expected[1], within(1e-15));
        assertThat(FigureWriter.image(f, FigurePainter.layout(f, PrintSize.SINGLE), 72).getHeight()).isGreaterThan(0); // XChart paints the marker-only series
    }

    @Test void eachRunWithDecreasesHasItsOwnMarksAndARunWithoutNone() throws IOException {
        List<RunMetrics> runs = List.of(
                RunMetrics.read(SyntheticRuns.run(tmp.resolve("a"), "a", "none", "constant", 20, 1, 2, 3)),
                RunMetrics.read(SyntheticRuns.run(tmp.resolve("b"), "b", "none", "constant", 20, 1, 2)),
                RunMetrics.read(SyntheticRuns.run(tmp.resolve("c"), "c", "none", "constant", 20, 1, 2, 7, 9)));
        List<String> l = RunLabels.of(runs);
        Figure f = Figures.build(runs, Figures.Options.defaults()).get("smoothed-margin");
        assertThat(f.seriesNames()).containsExactly(l.get(0), "smoothed margin decreased", l.get(1), l.get(2),
                "smoothed margin decreased (" + l.get(2) + ")");
        assertThat(x(f, "smoothed margin decreased")).containsExactly(3);
        assertThat(x(f, "smoothed margin decreased (" + l.get(2) + ")")).containsExactly(7, 9);
        var map = f.chart().getSeriesMap();
        assertThat(map.get("smoothed margin decreased").getMarkerColor()).isEqualTo(map.get(l.get(0)).getLineColor());
        assertThat(map.get("smoothed margin decreased (" + l.get(2) + ")").getMarkerColor()).isEqualTo(map.get(l.get(2)).getLineColor());
        // the legend: the runs, then the marks named once, as a neutral × (not the colour of one of the runs)
        List<Figure.LegendEntry> legend = f.legendEntries();
        assertThat(legend).extracting(Figure.LegendEntry::label).containsExactly(l.get(0), l.get(1), l.get(2),
                "smoothed margin decreased");
        Figure.LegendEntry marks = legend.get(3);
        assertThat(marks.marker()).isEqualTo(org.knowm.xchart.style.markers.SeriesMarkers.CROSS);
        assertThat(marks.stroke()).isNull();
        for (String run : l) assertThat(marks.colour()).isNotEqualTo(map.get(run).getLineColor());
    }

    @Test void missingPartsAreSkippedWithNotes() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 10, 1);
        // an older metrics file without test accuracy or support counts; a robustness file without eps
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        StringBuilder kept = new StringBuilder();
        for (String line : lines) {
            String[] cells = line.split(",", -1);
            StringBuilder row = new StringBuilder();
            for (int c = 0; c < header.size(); c++) {
                if (header.get(c).equals("test_acc") || header.get(c).startsWith("support_")) continue;
                if (row.length() > 0) row.append(',');
                row.append(cells[c]);
            }
            kept.append(row).append('\n');
        }
        Files.writeString(run.resolve("metrics.csv"), kept + "7,-3.1,"); // and a torn last line
        Files.createDirectories(run.resolve("robustness"));
        Files.writeString(run.resolve("robustness/odd-test.csv"), "epoch,radius,robust_acc\n10,0.1,0.5\n");
        RunMetrics m = RunMetrics.read(run);
        assertThat(m.epochs()).hasSize(11);
        Figures.FigureSet set = Figures.build(List.of(m), Figures.Options.defaults());
        assertThat(set.figures()).extracting(Figure::name).doesNotContain("support").contains("accuracy", "loss");
        assertThat(set.get("accuracy").seriesNames()).containsExactly("train");
        assertThat(m.notes()).anySatisfy(n -> assertThat(n).contains("odd-test.csv", "no column eps"));
        assertThat(set.notes()).anySatisfy(n -> assertThat(n).contains("test_acc", "accuracy"))
                .contains("figure support: nothing to draw");
    }

    @Test void notARunDirectoryIsAOneLineError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunMetrics.read(tmp))
                .isInstanceOf(org.marginmax.io.UserInputException.class).hasMessageContaining("no metrics.csv");
    }

    /** The files as the robustness probe (robust/ProbeTables) writes them: norm statistics prefixed norm_, eps 0 = clean. */
    @Test void readsTheProbesOwnCsvLayout() throws IOException {
        Path run = SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 50, 1);
        Files.createDirectories(run.resolve("robustness"));
        Files.writeString(run.resolve("robustness/cw-l2-test.csv"), """
                epoch,attack,split,n,eps,robust_acc,clean_acc,attacked,not_found,norm_mean,norm_median,norm_q10,norm_q25,norm_q75,norm_q90,seconds
                10,cw-l2,test,100,0,0.97,0.97,97,0,1.2,1.1,0.5,0.8,1.5,1.9,3.5
                10,cw-l2,test,100,0.5,0.9,0.97,97,0,1.2,1.1,0.5,0.8,1.5,1.9,3.5
                40,cw-l2,test,100,0,0.98,0.98,98,1,1.6,1.5,0.7,1.1,2,inf,3.1
                40,cw-l2,test,100,0.5,0.95,0.98,98,1,1.6,1.5,0.7,1.1,2,inf,3.1
                """);
        Files.writeString(run.resolve("robustness/cw-l2-test.json"), "{}"); // the probe's JSON twin: not read
        Files.writeString(run.resolve("robustness/pgd-linf-train.csv"), """
                epoch,attack,split,n,eps,robust_acc,clean_acc,seconds
                40,pgd-linf,train,100,0,1,1,2
                40,pgd-linf,train,100,0.1,0.75,1,2
                """);
        RunMetrics m = RunMetrics.read(run);
        assertThat(m.robustness()).extracting(Robustness::key).containsExactly("cw-l2/test", "pgd-linf/train");
        Figures.FigureSet set = Figures.build(List.of(m), Figures.Options.defaults());
        Figure norms = set.get("perturbation-cw-l2-test");
        assertThat(norms.seriesNames()).containsExactly("mean", "median", "q10", "q25", "q75", "q90");
        assertThat(x(norms, "q90")).containsExactly(10); // inf left out
        assertThat(norms.chart().getYAxisTitle()).isEqualTo("L2 perturbation norm");
        Figure acc = set.get("robust-pgd-linf-train");
        assertThat(acc.chart().getXAxisTitle()).isEqualTo("ε (L∞ perturbation bound)");
        assertThat(y(acc, "epoch 40")).containsExactly(1, 0.75);
        RunComparison c = RunComparison.of(List.of(m), List.of("40"), new java.util.ArrayList<>());
        assertThat(c.rows().get(0).values()).containsEntry("robust_acc[cw-l2/test eps=0.5]", 0.95)
                .containsEntry("robust_acc[pgd-linf/train eps=0.1]", 0.75);
    }
}
