package org.marginmax.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Run directories written directly (no training): config.yaml, provenance.json and a metrics.csv with the columns
 * MarginTracker writes for an L = 3 network, whose loss falls far below 1e-300; optionally robustness files as the
 * probe writes them.
 */
final class SyntheticRuns {
    private SyntheticRuns() {}

    static final List<String> COLUMNS = List.of("epoch", "log10_loss", "log10_loss_sum", "train_acc", "test_acc",
            "test_log10_loss", "q_min", "q_max", "rho", "rho_1", "rho_2", "rho_3", "norm_product", "log10_norm_product",
            "log_rho_L", "normalized_margin", "normalized_margin_product", "smoothed_margin", "support_1", "support_2",
            "support_3", "support_4", "support_5", "support_6", "support_7", "separated", "epochs_since_separation",
            "smoothed_margin_decreases", "rollbacks", "lr", "log10_real_lr", "log_frame", "train_seconds",
            "stats_seconds", "wall_seconds");

    /** log10 loss at epoch e: falls by {@code decadesPerEpoch} each epoch from -0.3. */
    static double log10Loss(int epoch, double decadesPerEpoch) { return -0.3 - decadesPerEpoch * epoch; }

    static Path run(Path dir, String name, String bias, String schedule, int epochs, double decadesPerEpoch) throws IOException {
        return run(dir, name, bias, schedule, epochs, decadesPerEpoch, 2);
    }

    /**
     * Separated from epoch {@code separatedFrom} on (Integer.MAX_VALUE: never); the smoothed margin counted as
     * decreased once at each of {@code decreases} (an epoch given twice: counted twice).
     */
    static Path run(Path dir, String name, String bias, String schedule, int epochs, double decadesPerEpoch,
                    int separatedFrom, int... decreases) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.yaml"), """
                name: %s
                seed: 1
                data:
                  dataset: idx:../shared/data/mnist-10k
                model:
                  arch: mlp
                  hidden: [64, 64]
                  bias: %s
                loss: cross-entropy
                train:
                  epochs: %d
                  batch_size: 100
                  lr:
                    schedule: %s
                    lr: 0.1
                """.formatted(name, bias, epochs, schedule));
        Files.writeString(dir.resolve("provenance.json"), """
                {"experiment": "%s", "config_sha256": "0123456789abcdef0123456789abcdef", "seed": 1,
                 "data": {"name": "mnist-10k", "sha256": "feed"},
                 "code": {"git_commit": "fedcba9876543210", "git_dirty": "false"}, "created": "2026-01-01T00:00:00Z"}
                """.formatted(name));
        List<String> lines = new ArrayList<>();
        lines.add(String.join(",", COLUMNS));
        for (int e = 0; e <= epochs; e++) {
            double sep = e >= separatedFrom ? 1 : 0;
            final int epoch = e;
            long decreased = java.util.Arrays.stream(decreases).filter(d -> d <= epoch).count();
            double margin = sep > 0 ? 1e-5 * (1 + e) : -0.01; // negative before separation
            double smoothed = sep > 0 ? 0.9 * margin : Double.NaN; // undefined before separation: empty cell
            double rho = 10 + e;
            List<Object> v = new ArrayList<>(List.of(e, log10Loss(e, decadesPerEpoch), log10Loss(e, decadesPerEpoch) + 3,
                    0.9 + 0.1 * sep, e == 1 ? "" : 0.95, -1.0, margin * 1000, 5.0, rho, rho / 2, rho / 3, rho / 4,
                    rho * rho * rho / 24, Math.log10(rho * rho * rho / 24), 3 * Math.log(rho), margin, margin * 2, smoothed));
            for (int k = 1; k <= 7; k++) v.add(Math.min(1000, 3 * k + e));
            v.addAll(List.of(sep > 0, sep > 0 ? e - separatedFrom : "", decreased, 0, 0.1 * Math.pow(1.1, e), -1 - 0.5 * e, -e, 1.0, 0.1, 1.1 * e));
            lines.add(String.join(",", v.stream().map(SyntheticRuns::cell).toList()));
        }
        Files.writeString(dir.resolve("metrics.csv"), String.join("\n", lines) + "\n");
        return dir;
    }

    private static String cell(Object o) {
        if (o instanceof Double d) return d.isNaN() ? "" : Double.toString(d);
        return String.valueOf(o);
    }

    static final double[] EPS = {0.1, 0.2, 0.3};
    static final int[] ROBUST_EPOCHS = {10, 40};

    /** robust accuracy of the synthetic probe: falls with eps, rises with epoch. */
    static double robustAcc(int epoch, double eps) { return Math.max(0, 1 - eps * 3 + epoch / 100.0); }

    /** A PGD-style file (robust accuracy only), attack and split from its name. */
    static void pgd(Path run) throws IOException {
        Files.createDirectories(run.resolve("robustness"));
        StringBuilder sb = new StringBuilder("epoch,eps,robust_acc,n\n");
        for (int e : ROBUST_EPOCHS)
            for (double eps : EPS) sb.append(String.format(Locale.ROOT, "%d,%s,%s,100%n", e, eps, robustAcc(e, eps)));
        Files.writeString(run.resolve("robustness/linf-pgd-train.csv"), sb.toString());
    }

    /** Replaces the per-point norms of {@link #minimal}'s attack by these, each epoch's as written ("inf", "" or a number). */
    static void points(Path run, java.util.Map<Integer, List<String>> norms) throws IOException {
        StringBuilder p = new StringBuilder("epoch,index,norm\n");
        norms.forEach((e, l) -> {
            for (int i = 0; i < l.size(); i++) p.append(e).append(',').append(i).append(',').append(l.get(i)).append('\n');
        });
        Files.writeString(run.resolve("robustness/l2-cw-test-points.csv"), p.toString());
    }

    /** A minimal-perturbation attack with norm statistics, attack and split in columns, and per-point norms. */
    static void minimal(Path run, boolean withPoints) throws IOException {
        Files.createDirectories(run.resolve("robustness"));
        StringBuilder sb = new StringBuilder("attack,split,epoch,eps,robust_acc,mean,median,q10,q90\n");
        for (int e : ROBUST_EPOCHS)
            for (double eps : EPS)
                sb.append(String.format(Locale.ROOT, "\"l2-cw\",test,%d,%s,%s,%s,%s,%s,%s%n", e, eps, robustAcc(e, eps),
                        0.5 + e / 100.0, 0.45 + e / 100.0, 0.2, 0.9 + e / 100.0));
        Files.writeString(run.resolve("robustness/l2-cw-test.csv"), sb.toString());
        if (withPoints) {
            StringBuilder p = new StringBuilder("epoch,index,norm\n");
            for (int e : ROBUST_EPOCHS)
                for (int i = 0; i < 20; i++) p.append(e).append(',').append(i).append(',')
                        .append(i == 19 ? "inf" : String.valueOf(0.05 * (i + 1) + e / 100.0)).append('\n');
            Files.writeString(run.resolve("robustness/l2-cw-test-points.csv"), p.toString());
        }
    }
}
