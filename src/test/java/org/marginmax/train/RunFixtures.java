package org.marginmax.train;
import org.marginmax.run.MetricsLog;

import org.marginmax.TestPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A small real experiment on mnist-10k digits, written as a YAML file, for the run/resume tests. */
final class RunFixtures {
    private RunFixtures() {}

    static Path writeConfig(Path dir, int epochs, int trainN) throws IOException {
        String yaml = """
                name: tiny-mnist
                seed: 5
                data:
                  dataset: idx:%s
                  train: {first: %d}
                  test: {first: 300}
                model:
                  arch: mlp
                  hidden: [64]
                  bias: none
                loss: cross-entropy
                train:
                  epochs: %d
                  batch_size: 100
                  lr:
                    schedule: loss-based
                    lr: 0.1
                checkpoints:
                  epochs: [3]
                  keep_last: 2
                  rolling_epochs: 1
                """.formatted(TestPaths.mnist10k(), trainN, epochs);
        Path f = dir.resolve("tiny-mnist.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** A copy of a finished run in {@code target}, as if it had stopped after its checkpoint of {@code epoch}. */
    static Path stoppedAfter(Path whole, Path target, int epoch) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(whole)) {
            for (Path p : s.toList()) {
                Path t = target.resolve(whole.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        Files.delete(target.resolve(org.marginmax.run.RunDirectory.MODEL));
        for (org.marginmax.run.Checkpoints.Entry c : org.marginmax.run.Checkpoints.list(target, new ArrayList<>()))
            if (c.info().epoch() > epoch) {
                Files.delete(c.state());
                Files.delete(c.model());
            }
        return target;
    }

    /** metrics.csv rows by column name. */
    static List<java.util.Map<String, String>> rows(Path run) throws IOException {
        List<List<String>> csv = csv(run);
        List<java.util.Map<String, String>> out = new ArrayList<>();
        for (List<String> row : csv.subList(1, csv.size())) {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            for (int c = 0; c < row.size(); c++) m.put(csv.get(0).get(c), row.get(c));
            out.add(m);
        }
        return out;
    }

    /** metrics.csv rows as lists of cells, header first. */
    static List<List<String>> csv(Path runDir) throws IOException { return csvOf(runDir.resolve(MetricsLog.CSV)); }

    /** A CSV file of this project (no quoted cells) as lists of cells, header first. */
    static List<List<String>> csvOf(Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) rows.add(List.of(line.split(",", -1)));
        return rows;
    }

    /** Asserts equal metrics except wall-clock columns, numbers to 9 significant digits. */
    static void assertSameMetrics(Path a, Path b) throws IOException { assertCloseMetrics(a, b, 1e-9); }

    /**
     * As {@link #assertSameMetrics}, every number within {@code relTol} of the other (relative to the larger): for a
     * run recorded on another machine, whose BLAS kernel rounds float32 sums in another order.
     */
    static void assertCloseMetrics(Path a, Path b, double relTol) throws IOException {
        List<List<String>> x = csv(a), y = csv(b);
        org.assertj.core.api.Assertions.assertThat(y).hasSameSizeAs(x);
        List<String> header = x.get(0);
        org.assertj.core.api.Assertions.assertThat(y.get(0)).isEqualTo(header);
        for (int r = 1; r < x.size(); r++) {
            for (int c = 0; c < header.size(); c++) {
                String col = header.get(c);
                if (col.endsWith("_seconds")) continue;
                String u = x.get(r).get(c), v = y.get(r).get(c);
                String where = "row " + r + " column " + col;
                if (u.isEmpty() || v.isEmpty() || !isNumber(u)) {
                    org.assertj.core.api.Assertions.assertThat(v).as(where).isEqualTo(u);
                } else {
                    double p = Double.parseDouble(u), q = Double.parseDouble(v);
                    org.assertj.core.api.Assertions.assertThat(Math.abs(p - q))
                            .as(where + ": " + u + " vs " + v).isLessThanOrEqualTo(relTol * Math.max(Math.abs(p), Math.abs(q)));
                }
            }
        }
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
