package org.marginmax.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.marginmax.io.Json;
import org.marginmax.io.StrictYaml;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report needs from one run directory: its metrics.csv (one row per epoch), its config flattened to dotted
 * keys ({@code model.bias → first-layer}), its provenance, its checkpoints and its robustness files. Missing optional
 * parts are reported in {@link #notes()}, not errors.
 */
public record RunMetrics(Path dir, String name, Map<String, String> config, RunProvenance provenance,
                         CsvTable metrics, List<Robustness> robustness, List<Checkpoints.Entry> checkpoints,
                         List<String> notes) {

    /** Provenance fields shown in captions and reports ("unknown" when absent). */
    public record RunProvenance(String configSha256, String gitCommit, String gitDirty, String data, String created) {
        static final RunProvenance UNKNOWN = new RunProvenance("unknown", "unknown", "unknown", "unknown", "unknown");

        public String shortSha() { return prefix(configSha256, 12); }

        public String shortCommit() { return prefix(gitCommit, 10) + ("true".equals(gitDirty) ? "+dirty" : ""); }

        private static String prefix(String s, int n) { return s.length() > n ? s.substring(0, n) : s; }
    }

    public static RunMetrics read(Path dir) {
        Path csv = dir.resolve(MetricsLog.CSV);
        if (!Files.isRegularFile(csv))
            throw new org.marginmax.io.UserInputException(dir + ": no " + MetricsLog.CSV + " here: give a run directory written by "
                    + "`margin-max train` (e.g. outputs/<experiment>/<timestamp>)");
        List<String> notes = new ArrayList<>();
        CsvTable metrics = CsvTable.read(csv);
        if (!metrics.has("epoch")) throw new org.marginmax.io.UserInputException(csv + ": no 'epoch' column: not a metrics file of this project");
        Map<String, String> config = readConfig(dir.resolve(RunDirectory.CONFIG), notes);
        RunProvenance prov = readProvenance(dir.resolve(RunDirectory.PROVENANCE), notes);
        String name = config.getOrDefault("name", dir.getFileName().toString());
        List<Checkpoints.Entry> cps = Checkpoints.list(dir, notes);
        List<Robustness> rob = Robustness.readAll(dir, notes);
        return new RunMetrics(dir, name, config, prov, metrics, rob, cps, notes);
    }

    private static Map<String, String> readConfig(Path file, List<String> notes) {
        Map<String, String> flat = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            notes.add(file + " is missing: legends cannot name config fields");
            return flat;
        }
        try {
            flatten("", StrictYaml.MAPPER.readTree(file.toFile()), flat);
        } catch (IOException e) {
            notes.add(file + ": not readable YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node == null || node.isMissingNode()) return;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isValueNode()) {
            out.put(prefix, node.asText());
        } else {
            out.put(prefix, node.toString());
        }
    }

    private static RunProvenance readProvenance(Path file, List<String> notes) {
        if (!Files.exists(file)) {
            notes.add(file + " is missing: captions say 'unknown'");
            return RunProvenance.UNKNOWN;
        }
        try {
            JsonNode p = Json.MAPPER.readTree(file.toFile());
            return new RunProvenance(p.path("config_sha256").asText("unknown"),
                    p.path("code").path("git_commit").asText("unknown"), p.path("code").path("git_dirty").asText("unknown"),
                    p.path("data").path("name").asText("unknown"), p.path("created").asText("unknown"));
        } catch (IOException e) {
            notes.add(file + ": not readable JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return RunProvenance.UNKNOWN;
        }
    }

    public boolean has(String column) { return metrics.has(column); }

    public double[] column(String column) { return metrics.numbers(column); }

    public int[] epochs() {
        double[] e = metrics.numbers("epoch");
        int[] out = new int[e.length];
        for (int i = 0; i < e.length; i++) out[i] = (int) e[i];
        return out;
    }

    /** The row index of {@code epoch} (the last such row), or -1. */
    public int rowOf(int epoch) {
        int[] e = epochs();
        for (int i = e.length - 1; i >= 0; i--) if (e[i] == epoch) return i;
        return -1;
    }

    public int lastEpoch() {
        int[] e = epochs();
        return e.length == 0 ? -1 : e[e.length - 1];
    }

    /** rho_1, rho_2, ... in layer order. */
    public List<String> layerNormColumns() {
        return metrics.columns().stream().filter(c -> c.matches("rho_\\d+"))
                .sorted(Comparator.comparingInt(c -> Integer.parseInt(c.substring(4)))).toList();
    }

    /** One caption line: "name · config sha256 0123abcd… · git 89ab…". */
    public String captionLine() {
        return name + " (" + dir.getFileName() + "): config sha256 " + provenance.shortSha() + ", git "
                + provenance.shortCommit();
    }
}
