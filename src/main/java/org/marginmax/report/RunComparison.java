package org.marginmax.report;

import org.marginmax.io.Csv;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A table of chosen epochs × metrics for one or several runs: rows are run × epoch, columns the log10 training loss,
 * accuracies, normalized and smoothed margins, ρ, and the robust accuracy at each ε of each attack and split found in
 * robustness/*.csv (blank where that epoch was not attacked). Epochs are those with a metrics.csv row; "last" is the
 * last row.
 */
public final class RunComparison {
    public enum Format { TABLE, CSV, MARKDOWN }

    /** Metric columns, in table order, and how each is printed in the table and markdown formats. */
    private static final Map<String, String> METRICS = new LinkedHashMap<>();
    static {
        METRICS.put("log10_loss", "%.3f");
        METRICS.put("train_acc", "%.4f");
        METRICS.put("test_acc", "%.4f");
        METRICS.put("normalized_margin_product", "%.4e");
        METRICS.put("normalized_margin", "%.4e");
        METRICS.put("smoothed_margin", "%.4e");
        METRICS.put("rho", "%.4g");
    }
    private static final String ROBUST_FORMAT = "%.4f";

    /** One run at one epoch; values by column name (NaN where unknown). */
    public record Row(String run, String dir, int epoch, Map<String, Double> values) {}

    /** Mean, sample standard deviation (n - 1; NaN for n = 1) and n of one metric over a group's runs. */
    public record Stat(double mean, double std, int n) {
        static Stat of(List<Double> values) {
            List<Double> v = values.stream().filter(x -> !Double.isNaN(x)).toList();
            int n = v.size();
            if (n == 0) return new Stat(Double.NaN, Double.NaN, 0);
            double mean = v.stream().mapToDouble(Double::doubleValue).sum() / n;
            double ss = 0;
            for (double x : v) ss += (x - mean) * (x - mean);
            return new Stat(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, n);
        }
    }

    /** One group of runs (differing only in seed) at one epoch. */
    public record GroupRow(String group, int epoch, Map<String, Stat> stats) {}

    private final List<String> columns;
    private final List<Row> rows;
    private List<GroupRow> groupRows;

    private RunComparison(List<String> columns, List<Row> rows) {
        this.columns = List.copyOf(columns);
        this.rows = List.copyOf(rows);
    }

    /** The value columns (run, dir and epoch come first in every format). */
    public List<String> columns() { return columns; }

    public List<Row> rows() { return rows; }

    /**
     * @param epochs e.g. ["10", "100", "last"]; an epoch a run has no row for is skipped with a note
     */
    public static RunComparison of(List<RunMetrics> runs, List<String> epochs, List<String> notes) {
        if (runs.isEmpty()) throw new org.marginmax.io.UserInputException("no run to compare: give at least one run directory");
        List<Integer> wanted = new ArrayList<>();
        boolean last = false;
        for (String e : epochs) {
            String t = e.trim();
            if (t.equalsIgnoreCase("last")) last = true;
            else {
                try {
                    int v = Integer.parseInt(t);
                    if (v < 0) throw new NumberFormatException();
                    wanted.add(v);
                } catch (NumberFormatException x) {
                    throw new org.marginmax.io.UserInputException("--epochs " + String.join(",", epochs)
                            + ": '" + t + "' is not an epoch; expected whole numbers or 'last', e.g. 10,100,last");
                }
            }
        }
        List<String> labels = RunLabels.of(runs);
        List<String> cols = new ArrayList<>();
        for (String m : METRICS.keySet()) if (runs.stream().anyMatch(r -> r.has(m))) cols.add(m);
        Map<String, Set<Double>> epsOf = new LinkedHashMap<>();
        for (RunMetrics r : runs)
            for (Robustness rb : r.robustness())
                for (Robustness.Checkpoint c : rb.checkpoints())
                    for (double eps : c.eps()) epsOf.computeIfAbsent(rb.key(), k -> new TreeSet<>()).add(eps);
        epsOf.forEach((key, set) -> set.forEach(eps -> cols.add(robustColumn(key, eps))));

        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunMetrics r = runs.get(i);
            Set<Integer> epochsHere = new LinkedHashSet<>();
            for (int e : wanted) {
                if (r.rowOf(e) >= 0) epochsHere.add(e);
                else notes.add(labels.get(i) + ": no metrics row for epoch " + e + " (last is " + r.lastEpoch() + "): skipped");
            }
            if (last && r.lastEpoch() >= 0) epochsHere.add(r.lastEpoch());
            for (int e : epochsHere) {
                int row = r.rowOf(e);
                Map<String, Double> v = new LinkedHashMap<>();
                for (String m : METRICS.keySet()) if (cols.contains(m)) v.put(m, r.metrics().number(row, m));
                for (Robustness rb : r.robustness()) {
                    Robustness.Checkpoint c = rb.at(e);
                    if (c == null) continue;
                    for (int k = 0; k < c.eps().length; k++) v.put(robustColumn(rb.key(), c.eps()[k]), c.robustAcc()[k]);
                }
                for (String c : cols) v.putIfAbsent(c, Double.NaN);
                rows.add(new Row(labels.get(i), r.dir().toString(), e, v));
            }
        }
        return new RunComparison(cols, rows);
    }

    /**
     * The comparison of {@link #of} with the runs that differ only in seed aggregated: one row per group and epoch, each
     * cell mean ± sample std and n (robust accuracy per checkpoint and ε alike, over the runs that have it).
     */
    public static RunComparison grouped(List<RunMetrics> runs, List<String> epochs, List<String> notes) {
        RunComparison plain = of(runs, epochs, notes);
        List<RunGroups.Group> groups = RunGroups.bySeed(runs);
        Map<String, String> groupOfDir = new LinkedHashMap<>();
        for (RunGroups.Group g : groups) for (RunMetrics r : g.runs()) groupOfDir.put(r.dir().toString(), g.label());
        Map<String, Map<Integer, List<Row>>> cells = new LinkedHashMap<>();
        for (RunGroups.Group g : groups) cells.put(g.label(), new java.util.TreeMap<>());
        for (Row r : plain.rows) cells.get(groupOfDir.get(r.dir())).computeIfAbsent(r.epoch(), e -> new ArrayList<>()).add(r);
        List<GroupRow> out = new ArrayList<>();
        cells.forEach((label, byEpoch) -> byEpoch.forEach((epoch, rs) -> {
            Map<String, Stat> st = new LinkedHashMap<>();
            for (String c : plain.columns) st.put(c, Stat.of(rs.stream().map(r -> r.values().get(c)).toList()));
            out.add(new GroupRow(label, epoch, st));
        }));
        RunComparison c = new RunComparison(plain.columns, plain.rows);
        c.groupRows = List.copyOf(out);
        return c;
    }

    /** The aggregated rows when made by {@link #grouped}, else null. */
    public List<GroupRow> groupRows() { return groupRows; }

    static String robustColumn(String key, double eps) {
        return "robust_acc[" + key + " eps=" + plain(eps) + "]";
    }

    /** 0.2 → "0.2", 1.0 → "1": as the value was written. */
    static String plain(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : String.valueOf(v);
    }

    public String format(Format f) {
        return switch (f) {
            case CSV -> csv();
            case MARKDOWN -> markdown();
            case TABLE -> table();
        };
    }

    private String csv() {
        if (groupRows != null) return groupCsv();
        List<List<String>> table = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("run", "run_dir", "epoch"));
        head.addAll(columns);
        table.add(head);
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.run(), r.dir(), String.valueOf(r.epoch())));
            for (String c : columns) {
                double v = r.values().get(c);
                cells.add(Double.isNaN(v) ? "" : Double.toString(v));
            }
            table.add(cells);
        }
        return Csv.text(table);
    }

    private String groupCsv() {
        List<List<String>> table = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("group", "epoch"));
        for (String c : columns) head.addAll(List.of(c + "_mean", c + "_std", c + "_n"));
        table.add(head);
        for (GroupRow g : groupRows) {
            List<String> cells = new ArrayList<>(List.of(g.group(), String.valueOf(g.epoch())));
            for (String c : columns) {
                Stat st = g.stats().get(c);
                cells.add(Double.isNaN(st.mean()) ? "" : Double.toString(st.mean()));
                cells.add(Double.isNaN(st.std()) ? "" : Double.toString(st.std()));
                cells.add(String.valueOf(st.n()));
            }
            table.add(cells);
        }
        return Csv.text(table);
    }

    /** "mean ± std (n=3)"; with one run "mean (n=1)"; none: blank. */
    private static String statCell(String column, Stat st) {
        if (st.n() == 0) return "";
        String f = METRICS.getOrDefault(column, ROBUST_FORMAT);
        String mean = String.format(Locale.ROOT, f, st.mean());
        return Double.isNaN(st.std()) ? mean + " (n=1)"
                : mean + " ± " + String.format(Locale.ROOT, f, st.std()) + " (n=" + st.n() + ")";
    }

    /** Header then rows of printed cells (run, epoch, values). */
    private List<List<String>> printed() {
        List<List<String>> out = new ArrayList<>();
        if (groupRows != null) {
            List<String> head = new ArrayList<>(List.of("group", "epoch"));
            head.addAll(columns);
            out.add(head);
            for (GroupRow g : groupRows) {
                List<String> cells = new ArrayList<>(List.of(g.group(), String.valueOf(g.epoch())));
                for (String c : columns) cells.add(statCell(c, g.stats().get(c)));
                out.add(cells);
            }
            return out;
        }
        List<String> head = new ArrayList<>(List.of("run", "epoch"));
        head.addAll(columns);
        out.add(head);
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.run(), String.valueOf(r.epoch())));
            for (String c : columns) {
                double v = r.values().get(c);
                cells.add(Double.isNaN(v) ? "" : String.format(Locale.ROOT, METRICS.getOrDefault(c, ROBUST_FORMAT), v));
            }
            out.add(cells);
        }
        return out;
    }

    private String markdown() {
        List<List<String>> p = printed();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < p.size(); i++) {
            sb.append("| ").append(String.join(" | ", p.get(i).stream().map(s -> s.replace("|", "\\|")).toList())).append(" |\n");
            if (i == 0) {
                sb.append("|");
                for (int c = 0; c < p.get(0).size(); c++) sb.append(c < 2 ? " --- |" : " ---: |");
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private String table() {
        List<List<String>> p = printed();
        int[] width = new int[p.get(0).size()];
        for (List<String> row : p) for (int c = 0; c < row.size(); c++) width[c] = Math.max(width[c], row.get(c).length());
        StringBuilder sb = new StringBuilder();
        for (List<String> row : p) {
            for (int c = 0; c < row.size(); c++) {
                if (c > 0) sb.append("  ");
                String cell = row.get(c);
                String pad = " ".repeat(width[c] - cell.length());
                sb.append(c == 0 ? cell + pad : pad + cell); // run left-aligned, numbers right-aligned
            }
            sb.append('\n');
        }
        return sb.toString().lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n");
    }
}
