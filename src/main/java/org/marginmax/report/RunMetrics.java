package org.marginmax.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.marginmax.io.Json;
import org.marginmax.io.StrictYaml;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunDirectory;

import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the report needs from one run directory: its metrics.csv (one row per epoch), its config flattened to dotted
 * keys ({@code model.bias → first-layer}), its provenance, its checkpoints and its robustness files. Missing optional
 * parts are reported in {@link #notes()}, not errors.
 *
 * @param defaults the values the loaded config takes for keys its file leaves out (model.init_scale → 1), so that
 *                 legends name a run's effective setting rather than an absent key; empty if the file does not load
 */
public record RunMetrics(Path dir, String name, Map<String, String> config, Map<String, String> defaults,
                         RunProvenance provenance, CsvTable metrics, List<Robustness> robustness,
                         List<Checkpoints.Entry> checkpoints, List<String> notes) {
    /** What {@link #configValue} says for a key that neither the file nor the loaded config gives a value. */
    public static final String ABSENT = "(absent)";

    /**
     * Keys whose record keeps null at the default (so that configs without them keep their hashes): the loaded
     * config's tree lacks them, and their effective value comes from the record's own accessor.
     */
    private static final Map<String, Function<ExperimentConfig, Object>> NULL_DEFAULTS = Map.of(
            "model.init_scale", c -> c.model().weightScale(),
            "train.alignment_every", c -> c.train().alignmentPeriod());

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
        Map<String, String> defaults = defaults(dir.resolve(RunDirectory.CONFIG), config);
        RunProvenance prov = readProvenance(dir.resolve(RunDirectory.PROVENANCE), notes);
        String name = config.getOrDefault("name", dir.getFileName().toString());
        List<Checkpoints.Entry> cps = Checkpoints.list(dir, notes);
        List<Robustness> rob = Robustness.readAll(dir, notes);
        return new RunMetrics(dir, name, config, defaults, prov, metrics, rob, cps, notes);
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

    /**
     * The effective values of the keys {@code config} (the file, flattened) lacks: the config loaded as an experiment
     * (its records fill in their defaults) flattened the same way, and the keys kept null at their default.
     */
    private static Map<String, String> defaults(Path file, Map<String, String> config) {
        if (!Files.exists(file)) return Map.of();
        ExperimentConfig cfg;
        try {
            cfg = ConfigLoader.bind(file.toString(), Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return Map.of(); // an older or hand-written config: legends fall back to the file's own keys
        }
        Map<String, String> loaded = new LinkedHashMap<>();
        flatten("", ConfigLoader.toTree(cfg), loaded);
        NULL_DEFAULTS.forEach((k, f) -> loaded.putIfAbsent(k, plain(f.apply(cfg))));
        Map<String, String> out = new TreeMap<>();
        loaded.forEach((k, v) -> { if (!config.containsKey(k)) out.put(k, v); });
        return Map.copyOf(out);
    }

    /** 1.0 → "1", 0.1 → "0.1": as a config file would say it. */
    private static String plain(Object v) {
        if (v instanceof Double d && Double.isFinite(d)) return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return String.valueOf(v);
    }

    /** The run's value of a dotted config key: the file's, else the loaded config's default, else {@link #ABSENT}. */
    public String configValue(String key) {
        String v = config.get(key);
        return v != null ? v : defaults.getOrDefault(key, ABSENT);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node == null || node.isMissingNode()) return;
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isFloatingPointNumber()) {
            out.put(prefix, plain(node.doubleValue())); // init_scale: 1.0 in a run's config.yaml is the default 1
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

    /** One caption line: "name (directory): config sha256 0123abcd…, git 89ab…", the directory only if not the name. */
    public String captionLine() {
        return nameAndDirectory() + ": config sha256 " + provenance.shortSha() + ", git " + provenance.shortCommit();
    }

    /** "name (directory)", or the name alone when the directory is called so (repro-x, not "repro-x (repro-x)"). */
    public String nameAndDirectory() {
        String where = String.valueOf(dir.getFileName());
        return where.equals(name) ? name : name + " (" + where + ")";
    }
}
