package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.cli.CompareCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunComparisonTest {
    @TempDir Path tmp;
    /** The labels: the two runs differ in bias and in length. */
    static final String A = "cnn (model.bias=none, train.epochs=50)", B = "cnn (model.bias=all, train.epochs=30)";

    private List<RunMetrics> twoRuns() throws IOException {
        Path a = SyntheticRuns.run(tmp.resolve("a"), "cnn", "none", "loss-based", 50, 2);
        Path b = SyntheticRuns.run(tmp.resolve("b"), "cnn", "all", "loss-based", 30, 1);
        SyntheticRuns.pgd(a);
        SyntheticRuns.minimal(a, false);
        return List.of(RunMetrics.read(a), RunMetrics.read(b));
    }

    @Test void rowsAreRunTimesEpochWithLastAsTheLastRow() throws IOException {
        List<RunMetrics> runs = twoRuns();
        List<String> notes = new ArrayList<>();
        RunComparison c = RunComparison.of(runs, List.of("10", "40", "last"), notes);
        assertThat(c.rows()).extracting(RunComparison.Row::run, RunComparison.Row::epoch).containsExactly(
                org.assertj.core.groups.Tuple.tuple(A, 10),
                org.assertj.core.groups.Tuple.tuple(A, 40),
                org.assertj.core.groups.Tuple.tuple(A, 50),
                org.assertj.core.groups.Tuple.tuple(B, 10),
                org.assertj.core.groups.Tuple.tuple(B, 30));
        assertThat(notes).singleElement().asString().contains(B, "epoch 40", "last is 30");
        RunComparison.Row a40 = c.rows().get(1);
        assertThat(a40.values().get("log10_loss")).isEqualTo(SyntheticRuns.log10Loss(40, 2));
        assertThat(a40.values().get("rho")).isEqualTo(50.0);
        assertThat(a40.values().get("robust_acc[linf-pgd/train eps=0.2]")).isEqualTo(SyntheticRuns.robustAcc(40, 0.2));
        assertThat(a40.values().get("robust_acc[l2-cw/test eps=0.3]")).isEqualTo(SyntheticRuns.robustAcc(40, 0.3));
        assertThat(c.rows().get(2).values().get("robust_acc[linf-pgd/train eps=0.2]")).isNaN(); // epoch 50 not attacked
        assertThat(c.rows().get(4).values().get("robust_acc[linf-pgd/train eps=0.2]")).isNaN(); // run b: no robustness
        assertThat(c.columns()).startsWith("log10_loss", "train_acc", "test_acc", "normalized_margin_product",
                "normalized_margin", "smoothed_margin", "rho").hasSize(7 + 2 * SyntheticRuns.EPS.length);
    }

    @Test void lastAlsoAskedByNumberIsOneRow() throws IOException {
        RunComparison c = RunComparison.of(twoRuns().subList(0, 1), List.of("50", "last"), new ArrayList<>());
        assertThat(c.rows()).extracting(RunComparison.Row::epoch).containsExactly(50);
    }

    @Test void csvReadsBackWithTheSameRowsAndValues() throws IOException {
        RunComparison c = RunComparison.of(twoRuns(), List.of("10", "last"), new ArrayList<>());
        Path f = tmp.resolve("c.csv");
        Files.writeString(f, c.format(RunComparison.Format.CSV));
        CsvTable t = CsvTable.read(f);
        assertThat(t.size()).isEqualTo(4);
        assertThat(t.text(0, "run")).isEqualTo(A);
        assertThat(t.number(1, "epoch")).isEqualTo(50);
        assertThat(t.number(3, "log10_loss")).isEqualTo(SyntheticRuns.log10Loss(30, 1));
        assertThat(t.number(0, "robust_acc[linf-pgd/train eps=0.1]")).isEqualTo(SyntheticRuns.robustAcc(10, 0.1));
        assertThat(t.text(2, "robust_acc[linf-pgd/train eps=0.1]")).isEmpty();
    }

    @Test void markdownAndTableHaveAHeaderAndOneLinePerRow() throws IOException {
        RunComparison c = RunComparison.of(twoRuns(), List.of("10", "last"), new ArrayList<>());
        List<String> md = c.format(RunComparison.Format.MARKDOWN).lines().toList();
        assertThat(md).hasSize(2 + 4);
        assertThat(md.get(0)).startsWith("| run | epoch | log10_loss |");
        assertThat(md.get(1)).startsWith("| --- | --- | ---: |");
        assertThat(md.get(2)).startsWith("| " + A + " | 10 | -20.300 |");
        List<String> table = c.format(RunComparison.Format.TABLE).lines().toList();
        assertThat(table).hasSize(1 + 4);
        assertThat(table.get(0).indexOf("log10_loss") + "log10_loss".length())
                .as("numbers right-aligned under their header").isEqualTo(table.get(1).indexOf("-20.300") + "-20.300".length());
    }

    @Test void badEpochsAreAOneLineError() throws IOException {
        List<RunMetrics> runs = twoRuns();
        assertThatThrownBy(() -> RunComparison.of(runs, List.of("10", "final"), new ArrayList<>()))
                .isInstanceOf(org.marginmax.io.UserInputException.class).hasMessageContaining("'final' is not an epoch");
    }

    @Test void compareCommandWritesTheChosenFormat() throws IOException {
        twoRuns();
        Path out = tmp.resolve("out/table.md");
        Cli.Result r = Cli.run(new CompareCommand(), tmp.resolve("a").toString(), tmp.resolve("b").toString(),
                "--epochs", "10,last", "--format", "markdown", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(Files.readAllLines(out)).hasSize(6);
        Cli.Result bad = Cli.run(new CompareCommand(), tmp.resolve("a").toString(), "--format", "xlsx");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--format xlsx: use table, csv or markdown");
        Cli.Result notRun = Cli.run(new CompareCommand(), tmp.toString());
        assertThat(notRun.code()).isEqualTo(2);
        assertThat(notRun.err().strip()).contains("no metrics.csv").doesNotContain("\n");
    }
}
