package org.marginmax.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One attack on one split of a run, as the robustness probe wrote it in {@code robustness/<attack>-<split>.csv}:
 * one row per checkpoint and ε (columns found by name: {@code epoch}, {@code eps}, {@code robust_acc}; optional
 * {@code attack}, {@code split}), and for minimal-perturbation attacks per-checkpoint statistics of the norm of the
 * smallest perturbation found ({@code mean}, {@code median}, quantiles such as {@code q10}, {@code p90}, each
 * possibly prefixed {@code norm_}). Per-point
 * norms, when the probe writes them, come from {@code robustness/<attack>-<split>-points.csv} (epoch, index, norm).
 *
 * @param checkpoints by epoch, ascending
 * @param pointNorms  epoch → the minimal perturbation norm of every attacked point (+∞ where none was found);
 *                    empty without a points file
 */
public record Robustness(String attack, String split, Path file, List<Checkpoint> checkpoints,
                         Map<Integer, double[]> pointNorms) {
    public static final String DIR = "robustness";
    static final String POINTS_SUFFIX = "-points";
    private static final List<String> REQUIRED = List.of("epoch", "eps", "robust_acc");
    /** Norm statistics, with or without a "norm_" prefix (the probe writes norm_mean, norm_median, norm_q10, ...). */
    private static final Pattern NORM_STAT = Pattern.compile("(norm_)?(mean|median|min|max|std|(q|p|quantile_?|pct_?)\\d+(\\.\\d+)?)");

    /**
     * @param eps       ascending
     * @param robustAcc fraction of points still classified correctly under every perturbation of norm ≤ eps[i]
     * @param normStats name (without "norm_") → value, in the file's column order (empty unless a minimal attack)
     */
    public record Checkpoint(int epoch, double[] eps, double[] robustAcc, Map<String, Double> normStats) {}

    public String key() { return attack + "/" + split; }

    /** Every robustness CSV of a run, in file-name order; files that cannot be used are reported in {@code notes}. */
    public static List<Robustness> readAll(Path runDir, List<String> notes) {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        List<Robustness> out = new ArrayList<>();
        for (Path f : files) {
            if (stem(f).endsWith(POINTS_SUFFIX)) continue;
            CsvTable t;
            try {
                t = CsvTable.read(f);
            } catch (org.marginmax.io.UserInputException e) {
                notes.add(e.getMessage() + ": skipped");
                continue;
            }
            List<String> missing = REQUIRED.stream().filter(c -> !t.has(c)).toList();
            if (!missing.isEmpty()) {
                notes.add(f + ": no column " + String.join(", ", missing) + " (has " + t.columns() + "): skipped");
                continue;
            }
            out.addAll(groups(f, t, notes));
        }
        return out;
    }

    /** The rows of one file grouped by (attack, split): from those columns when present, else from the file name. */
    private static List<Robustness> groups(Path f, CsvTable t, List<String> notes) {
        String[] fromName = attackAndSplit(stem(f));
        Map<List<String>, List<Integer>> rowsOf = new LinkedHashMap<>();
        for (int r = 0; r < t.size(); r++) {
            String attack = t.has("attack") && !t.text(r, "attack").isEmpty() ? t.text(r, "attack") : fromName[0];
            String split = t.has("split") && !t.text(r, "split").isEmpty() ? t.text(r, "split") : fromName[1];
            rowsOf.computeIfAbsent(List.of(attack, split), k -> new ArrayList<>()).add(r);
        }
        List<String> statColumns = t.columns().stream().filter(c -> NORM_STAT.matcher(c).matches()).toList();
        List<Robustness> out = new ArrayList<>();
        for (var g : rowsOf.entrySet()) {
            TreeMap<Integer, List<Integer>> byEpoch = new TreeMap<>();
            for (int r : g.getValue()) {
                double e = t.number(r, "epoch");
                if (Double.isNaN(e)) continue;
                byEpoch.computeIfAbsent((int) e, k -> new ArrayList<>()).add(r);
            }
            List<Checkpoint> cps = new ArrayList<>();
            for (var e : byEpoch.entrySet()) {
                List<Integer> rows = new ArrayList<>(e.getValue());
                rows.removeIf(r -> Double.isNaN(t.number(r, "eps")));
                rows.sort((a, b) -> Double.compare(t.number(a, "eps"), t.number(b, "eps")));
                double[] eps = rows.stream().mapToDouble(r -> t.number(r, "eps")).toArray();
                double[] acc = rows.stream().mapToDouble(r -> t.number(r, "robust_acc")).toArray();
                Map<String, Double> stats = new LinkedHashMap<>();
                int first = e.getValue().get(0);
                for (String c : statColumns) {
                    double v = t.number(first, c);
                    if (!Double.isNaN(v)) stats.put(c.replaceFirst("^norm_", ""), v);
                }
                cps.add(new Checkpoint(e.getKey(), eps, acc, stats));
            }
            String attack = g.getKey().get(0), split = g.getKey().get(1);
            out.add(new Robustness(attack, split, f, List.copyOf(cps), readPoints(f, notes)));
        }
        return out;
    }

    /** {@code <stem>-points.csv} beside {@code f}: epoch → norms; empty when absent or unusable. */
    private static Map<Integer, double[]> readPoints(Path f, List<String> notes) {
        Path p = f.resolveSibling(stem(f) + POINTS_SUFFIX + ".csv");
        if (!Files.exists(p)) return Map.of();
        CsvTable t;
        try {
            t = CsvTable.read(p);
        } catch (org.marginmax.io.UserInputException e) {
            notes.add(e.getMessage() + ": skipped");
            return Map.of();
        }
        if (!t.has("epoch") || !t.has("norm")) {
            notes.add(p + ": no column epoch or norm (has " + t.columns() + "): per-point norms skipped");
            return Map.of();
        }
        TreeMap<Integer, List<Double>> by = new TreeMap<>();
        for (int r = 0; r < t.size(); r++) {
            double e = t.number(r, "epoch");
            if (Double.isNaN(e)) continue;
            double n = t.number(r, "norm");
            // a point no perturbation was found for: an empty cell or inf; it stays unbroken at every ε
            by.computeIfAbsent((int) e, k -> new ArrayList<>()).add(Double.isNaN(n) ? Double.POSITIVE_INFINITY : n);
        }
        Map<Integer, double[]> out = new LinkedHashMap<>();
        by.forEach((e, l) -> {
            double[] v = l.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(v);
            out.put(e, v);
        });
        return out;
    }

    /** "linf-pgd-train" → [linf-pgd, train]; a name that does not end in -train or -test is all attack. */
    static String[] attackAndSplit(String stem) {
        for (String split : List.of("train", "test")) {
            if (stem.endsWith("-" + split)) return new String[]{stem.substring(0, stem.length() - split.length() - 1), split};
        }
        return new String[]{stem, "?"};
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".csv") ? n.substring(0, n.length() - 4) : n;
    }

    /** The checkpoint at {@code epoch}, or null. */
    public Checkpoint at(int epoch) {
        return checkpoints.stream().filter(c -> c.epoch() == epoch).findFirst().orElse(null);
    }
}
