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

    private final List<String> columns;
    private final List<Row> rows;

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
        if (runs.isEmpty()) throw new IllegalArgumentException("no run to compare: give at least one run directory");
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
                    throw new IllegalArgumentException("--epochs " + String.join(",", epochs)
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

    /** Header then rows of printed cells (run, epoch, values). */
    private List<List<String>> printed() {
        List<List<String>> out = new ArrayList<>();
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
