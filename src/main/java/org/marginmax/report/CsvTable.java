package org.marginmax.report;

import org.marginmax.io.Csv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CSV file with a header row, columns found by name (metrics.csv, the robustness probe's files). Read with {@link Csv}
 * (RFC 4180 quoting). A row with fewer cells than the header (a line torn by a kill) is dropped.
 */
public final class CsvTable {
    private final Path file;
    private final Map<String, Integer> index;
    private final List<String[]> rows;

    private CsvTable(Path file, List<String> header, List<String[]> rows) {
        this.file = file;
        Map<String, Integer> idx = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) idx.putIfAbsent(header.get(i).trim(), i);
        this.index = Collections.unmodifiableMap(idx);
        this.rows = List.copyOf(rows);
    }

    public static CsvTable read(Path file) {
        List<List<String>> lines;
        try {
            lines = Csv.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (lines.isEmpty() || String.join("", lines.get(0)).isBlank())
            throw new org.marginmax.io.UserInputException(file + ": empty CSV, expected a header row");
        List<String> header = lines.get(0);
        List<String[]> rows = new ArrayList<>();
        for (List<String> cells : lines.subList(1, lines.size())) {
            if (cells.size() < header.size()) continue; // torn last line
            rows.add(cells.toArray(String[]::new));
        }
        return new CsvTable(file, header, rows);
    }

    public Path file() { return file; }

    public Set<String> columns() { return index.keySet(); }

    public boolean has(String column) { return index.containsKey(column); }

    public int size() { return rows.size(); }

    /** The raw cell, or "" when the column is absent. */
    public String text(int row, String column) {
        Integer c = index.get(column);
        return c == null ? "" : rows.get(row)[c].trim();
    }

    /** The cell as a number: NaN when empty, absent or not a number; "inf"/"-inf" and true/false understood. */
    public double number(int row, String column) { return parse(text(row, column)); }

    /** A whole column as numbers (see {@link #number}). */
    public double[] numbers(String column) {
        double[] v = new double[rows.size()];
        for (int r = 0; r < v.length; r++) v[r] = number(r, column);
        return v;
    }

    static double parse(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "" : return Double.NaN;
            case "true": return 1;
            case "false": return 0;
            case "inf", "+inf", "infinity", "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity": return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
        }
    }
}
