package org.marginmax.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import org.marginmax.kkt.KktRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code margin-max kkt} end to end on a tiny real run: files, rows, the cache, unseparated rows, refusals. */
class KktCommandTest {
    @TempDir Path dir;

    private Path config(String bias, int epochs) throws Exception {
        Path f = dir.resolve("tiny-" + bias + ".yaml");
        Files.writeString(f, """
                name: tiny-kkt
                seed: 2
                data:
                  dataset: idx:%s
                  train: {first: 100}
                  test: {first: 100}
                model:
                  arch: mlp
                  hidden: [64]
                  bias: %s
                loss: cross-entropy
                train:
                  epochs: %d
                  batch_size: 10
                  alignment_every: 2
                  lr: {schedule: loss-based, lr: 0.1}
                checkpoints:
                  epochs: [0, %d]
                """.formatted(TestPaths.mnist10k(), bias, epochs, epochs));
        return f;
    }

    @Test
    void writesTheTableTheLambdasAndCaches() throws Exception {
        Path run = dir.resolve("run");
        assertThat(Main.run("train", config("none", 30).toString(), "--run-dir", run.toString())).isZero();
        assertThat(Main.run("kkt", run.toString(), "--checkpoints", "all")).isZero();
        List<String> csv = Files.readAllLines(run.resolve("kkt/kkt.csv"));
        assertThat(csv.get(0)).isEqualTo(String.join(",", KktRun.COLUMNS));
        int checkpoints = org.marginmax.run.Checkpoints.list(run, new java.util.ArrayList<>()).size();
        assertThat(csv).hasSize(checkpoints + 1);
        // epoch 0 (10 classes, random init) is not separated: its KKT cells are empty
        assertThat(csv.get(1)).startsWith("0,").contains(",false,");
        String[] last = csv.get(checkpoints).split(",", -1);
        assertThat(last[KktRun.COLUMNS.indexOf("separated")]).isEqualTo("true");
        double eps = Double.parseDouble(last[KktRun.COLUMNS.indexOf("kkt_eps")]);
        assertThat(eps).isBetween(0.0, 1.0);
        assertThat(last[KktRun.COLUMNS.indexOf("direction_cos_last")]).isEqualTo("1.0");
        assertThat(last[KktRun.COLUMNS.indexOf("cached")]).isEqualTo("false");
        Path lambdas = run.resolve("kkt/lambda-epoch-000030.csv");
        assertThat(Files.readAllLines(lambdas).get(0)).isEqualTo("example,class,q,lambda");
        assertThat(Files.readAllLines(lambdas)).hasSize(Integer.parseInt(last[KktRun.COLUMNS.indexOf("kkt_pairs")]) + 1);
        assertThat(run.resolve("kkt/kkt.json")).exists();
        // the listener's alignment column (every 2 epochs) is among the metrics columns
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        int alignment = List.of(metrics.get(0).split(",", -1)).indexOf("alignment");
        assertThat(alignment).isPositive();
        // ... and agrees with kkt's own, computed independently (float64 copy, its own loss weights)
        String[] lastMetrics = metrics.get(metrics.size() - 1).split(",", -1);
        double listener = Double.parseDouble(lastMetrics[alignment]);
        double kkt = Double.parseDouble(last[KktRun.COLUMNS.indexOf("alignment")]);
        assertThat(listener).isCloseTo(kkt, org.assertj.core.data.Offset.offset(1e-4 + 1e-3 * Math.abs(kkt)));

        assertThat(Main.run("kkt", run.toString(), "--checkpoints", "last")).isZero();
        String[] again = Files.readAllLines(run.resolve("kkt/kkt.csv")).get(1).split(",", -1);
        assertThat(again[KktRun.COLUMNS.indexOf("cached")]).isEqualTo("true");
        assertThat(again[KktRun.COLUMNS.indexOf("kkt_eps")]).isEqualTo(last[KktRun.COLUMNS.indexOf("kkt_eps")]);
        // another band is another cache key
        assertThat(Main.run("kkt", run.toString(), "--checkpoints", "last", "--band", "0.5")).isZero();
        String[] wider = Files.readAllLines(run.resolve("kkt/kkt.csv")).get(1).split(",", -1);
        assertThat(wider[KktRun.COLUMNS.indexOf("cached")]).isEqualTo("false");
        assertThat(Integer.parseInt(wider[KktRun.COLUMNS.indexOf("kkt_pairs")]))
                .isGreaterThanOrEqualTo(Integer.parseInt(last[KktRun.COLUMNS.indexOf("kkt_pairs")]));
        // a sweep directory stands for its runs
        assertThat(Main.run("kkt", dir.toString(), "--checkpoints", "last")).isZero();

        // two runs of the same experiment on one figure: each gets its own series (labels told apart)
        Path twin = dir.resolve("twin");
        Files.createDirectories(twin);
        for (Path p : Files.walk(run).toList()) {
            Path t = twin.resolve(run.relativize(p).toString());
            if (Files.isDirectory(p)) Files.createDirectories(t);
            else Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path figures = dir.resolve("figures");
        assertThat(Main.run("plot", run.toString(), twin.toString(), "--out", figures.toString())).isZero();
        assertThat(figures.resolve("kkt-residual.png")).exists();
    }

    @Test
    void refusesNonHomogeneousNetworks() throws Exception {
        Path run = dir.resolve("biased");
        assertThat(Main.run("train", config("all", 1).toString(), "--run-dir", run.toString())).isZero();
        assertThat(Main.run("kkt", run.toString())).isEqualTo(2);
        assertThat(run.resolve("kkt/kkt.csv")).doesNotExist();
    }
}
