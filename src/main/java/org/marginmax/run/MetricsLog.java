package org.marginmax.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.marginmax.io.Csv;
import org.marginmax.io.Json;
import org.marginmax.io.UserInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code metrics.csv} and {@code metrics.jsonl}: one row per epoch, appended and flushed as soon as it is known,
 * so a killed run keeps its history. The CSV header is fixed when the file is created: a resumed run keeps its own
 * header (columns this code has added since are left out of its rows, both files), so older run directories resume.
 */
public final class MetricsLog implements Closeable {
    public static final String CSV = "metrics.csv";
    public static final String JSONL = "metrics.jsonl";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);

    private final Path csvPath;
    private final Path jsonlPath;
    private final List<String> columns;
    private final Set<String> known;
    private final BufferedWriter csv;
    private final BufferedWriter jsonl;
    private boolean dropLogged;

    /**
     * Opens the run's metrics: a new file gets {@code columns} as its header; an existing one keeps its header, and
     * rows are written in its column order.
     */
    public MetricsLog(Path runDir, List<String> columns) {
        this.csvPath = runDir.resolve(CSV);
        this.jsonlPath = runDir.resolve(JSONL);
        this.known = Set.copyOf(columns);
        try {
            boolean fresh = !Files.exists(csvPath) || Files.size(csvPath) == 0;
            List<String> header = fresh ? List.of() : existingHeader(csvPath);
            if (!fresh && !header.contains("epoch"))
                throw new UserInputException(csvPath + ": its header has no 'epoch' column (" + String.join(",", header)
                        + "): not a metrics file of this project; start a new run directory");
            List<String> foreign = header.stream().filter(c -> !known.contains(c)).toList();
            if (!foreign.isEmpty())
                throw new RunDirectoryException(csvPath + ": its columns differ from this run's (" + String.join(",", foreign)
                        + " are not among them: another model?); start a new run directory instead of appending");
            this.columns = fresh ? List.copyOf(columns) : header;
            csv = Files.newBufferedWriter(csvPath, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            jsonl = Files.newBufferedWriter(jsonlPath, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                csv.write(Csv.line(this.columns));
                csv.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics in " + runDir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> existingHeader(Path csvPath) throws IOException {
        try (var r = Files.newBufferedReader(csvPath, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            return first == null ? List.of() : Csv.cells(first).stream().map(String::trim).toList();
        }
    }

    /** The columns of the file's header, in its order. */
    public List<String> columns() { return columns; }

    /**
     * Appends one row and flushes both files. Keys must be among this code's columns; those the file's header lacks
     * (an older run resumed) are left out, columns the row lacks are left empty.
     */
    public void append(Map<String, ?> row) {
        for (String k : row.keySet())
            if (!known.contains(k) && !columns.contains(k))
                throw new IllegalArgumentException("metrics row has unknown column " + k);
        if (!dropLogged && !columns.containsAll(row.keySet())) {
            Set<String> dropped = new TreeSet<>(row.keySet());
            dropped.removeAll(columns);
            LOG.debug("{} has no column {} (written by older code): left out of the rows of this run", csvPath, dropped);
            dropLogged = true;
        }
        List<String> cells = new ArrayList<>(columns.size());
        ObjectNode json = Json.MAPPER.createObjectNode();
        for (String c : columns) {
            Object v = row.get(c);
            cells.add(format(v));
            if (v == null || (v instanceof Double d0 && d0.isNaN())) json.putNull(c);
            else if (v instanceof Double d && !Double.isFinite(d)) json.put(c, d.toString());
            else json.set(c, Json.MAPPER.valueToTree(v));
        }
        long csvSize = size(csvPath), jsonlSize = size(jsonlPath);
        try {
            csv.write(Csv.line(cells));
            csv.flush();
            jsonl.write(Json.LINE.writeValueAsString(json));
            jsonl.newLine();
            jsonl.flush();
        } catch (IOException e) {
            if (!DiskFullException.isNoSpace(e)) throw new UncheckedIOException("cannot append metrics: " + e.getMessage(), e);
            cutBack(csvSize, jsonlSize);
            throw new DiskFullException(csvPath, e);
        }
    }

    /** After a full disk: close both writers (dropping what they still buffer), then cut off the torn row. */
    private void cutBack(long csvSize, long jsonlSize) {
        for (Closeable c : List.of(csv, jsonl)) try { c.close(); } catch (IOException ignored) { }
        for (var f : Map.of(csvPath, csvSize, jsonlPath, jsonlSize).entrySet()) {
            try (var ch = java.nio.channels.FileChannel.open(f.getKey(), StandardOpenOption.WRITE)) {
                ch.truncate(f.getValue());
            } catch (IOException ignored) { } // truncating frees space, so it does not fail for lack of it
        }
    }

    private static long size(Path p) {
        try { return Files.size(p); } catch (IOException e) { return 0; }
    }

    /**
     * Drops the rows after {@code epoch} from both files (each rewritten atomically), and a row torn by a kill, so
     * that a resumed run appends to a history with no gaps and no duplicates.
     */
    public static void truncateAfter(Path runDir, int epoch) {
        Path csvPath = runDir.resolve(CSV);
        Path jsonlPath = runDir.resolve(JSONL);
        try {
            List<List<String>> rows = Csv.read(csvPath);
            List<List<String>> keep = new ArrayList<>();
            if (!rows.isEmpty()) keep.add(rows.get(0));
            for (List<String> row : rows.subList(Math.min(1, rows.size()), rows.size())) {
                try {
                    if (row.size() == rows.get(0).size() && Integer.parseInt(row.get(0).trim()) <= epoch) keep.add(row);
                } catch (NumberFormatException e) {
                    // a torn last line from a kill: dropped
                }
            }
            AtomicFiles.writeString(csvPath, Csv.text(keep));
            if (Files.exists(jsonlPath)) {
                List<String> jsonKeep = new ArrayList<>();
                for (String line : Files.readAllLines(jsonlPath, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    try {
                        if (Json.MAPPER.readTree(line).path("epoch").asInt(Integer.MAX_VALUE) <= epoch) jsonKeep.add(line);
                    } catch (IOException e) {
                        // torn line: dropped
                    }
                }
                AtomicFiles.writeString(jsonlPath, jsonKeep.isEmpty() ? "" : String.join("\n", jsonKeep) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite metrics in " + runDir + ": " + e.getMessage(), e);
        }
    }

    static String format(Object v) {
        if (v == null) return "";
        if (v instanceof Double d && Double.isNaN(d)) return "";
        return v.toString();
    }

    @Override public void close() throws IOException {
        csv.close();
        jsonl.close();
    }
}
