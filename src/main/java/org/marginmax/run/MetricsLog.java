package org.marginmax.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

/**
 * {@code metrics.csv} and {@code metrics.jsonl}: one row per epoch, appended and flushed as soon as it is known,
 * so a killed run keeps its history. The CSV header is fixed when the file is created.
 */
public final class MetricsLog implements Closeable {
    public static final String CSV = "metrics.csv";
    public static final String JSONL = "metrics.jsonl";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final List<String> columns;
    private final List<String> dropped; // newer columns a resumed older run does not have
    private final BufferedWriter csv;
    private final BufferedWriter jsonl;
    private final Path csvPath;
    private final Path jsonlPath;

    public MetricsLog(Path runDir, List<String> columns) {
        csvPath = runDir.resolve(CSV);
        jsonlPath = runDir.resolve(JSONL);
        List<String> kept = List.copyOf(columns);
        try {
            boolean fresh = !Files.exists(csvPath) || Files.size(csvPath) == 0;
            if (!fresh) {
                String header = Files.newBufferedReader(csvPath, StandardCharsets.UTF_8).readLine();
                List<String> old = header == null ? List.of() : List.of(header.split(",", -1));
                if (old.size() < columns.size() && columns.subList(0, old.size()).equals(old))
                    kept = old; // an older run: it keeps its own header, the newer columns are left out
                else if (!String.join(",", columns).equals(header))
                    throw new RunDirectoryException(csvPath + ": its columns differ from this run's (another model?); "
                            + "start a new run directory instead of appending");
            }
            this.columns = kept;
            this.dropped = columns.subList(kept.size(), columns.size());
            csv = Files.newBufferedWriter(csvPath, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            jsonl = Files.newBufferedWriter(runDir.resolve(JSONL), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                csv.write(String.join(",", columns));
                csv.newLine();
                csv.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics in " + runDir + ": " + e.getMessage(), e);
        }
    }

    public List<String> columns() { return columns; }

    /** Appends one row (keys must be among the columns; missing ones are left empty) and flushes both files. */
    public void append(Map<String, ?> row) {
        for (String k : row.keySet())
            if (!columns.contains(k) && !dropped.contains(k)) throw new IllegalArgumentException("metrics row has unknown column " + k);
        List<String> cells = new ArrayList<>(columns.size());
        ObjectNode json = JSON.createObjectNode();
        for (String c : columns) {
            Object v = row.get(c);
            cells.add(format(v));
            if (v == null || (v instanceof Double d0 && d0.isNaN())) json.putNull(c);
            else if (v instanceof Double d && !Double.isFinite(d)) json.put(c, d.toString());
            else json.set(c, JSON.valueToTree(v));
        }
        long csvSize = size(csvPath), jsonlSize = size(jsonlPath);
        try {
            csv.write(String.join(",", cells));
            csv.newLine();
            csv.flush();
            jsonl.write(JSON.writeValueAsString(json));
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
     * Drops the rows after {@code epoch} from both files (each rewritten atomically), so that a resumed run appends
     * to a history with no gaps and no duplicates.
     */
    public static void truncateAfter(Path runDir, int epoch) {
        Path csvPath = runDir.resolve(CSV);
        Path jsonlPath = runDir.resolve(JSONL);
        try {
            List<String> csvLines = Files.readAllLines(csvPath, StandardCharsets.UTF_8);
            List<String> keep = new ArrayList<>();
            if (!csvLines.isEmpty()) keep.add(csvLines.get(0));
            for (String line : csvLines.subList(Math.min(1, csvLines.size()), csvLines.size())) {
                if (line.isBlank()) continue;
                int comma = line.indexOf(',');
                String first = comma < 0 ? line : line.substring(0, comma);
                try {
                    if (Integer.parseInt(first) <= epoch) keep.add(line);
                } catch (NumberFormatException e) {
                    // a torn last line from a kill: dropped
                }
            }
            AtomicFiles.writeString(csvPath, String.join("\n", keep) + "\n");
            if (Files.exists(jsonlPath)) {
                List<String> jsonKeep = new ArrayList<>();
                for (String line : Files.readAllLines(jsonlPath, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    try {
                        if (JSON.readTree(line).path("epoch").asInt(Integer.MAX_VALUE) <= epoch) jsonKeep.add(line);
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
