package org.marginmax.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.marginmax.data.Sha256;
import org.marginmax.io.Json;
import org.marginmax.io.StrictYaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep spec ({@code experiments/sweeps/x.yaml}): a name, a base experiment file (relative to the spec) and a grid
 * of {@code --set} overrides; every combination is one run. Strictly validated: an unknown or missing key, a grid
 * entry that is not a non-empty list of scalars, is an error naming the file and line.
 */
public record SweepSpec(Path file, String text, String name, Path base, LinkedHashMap<String, List<JsonNode>> grid) {
    private static final StrictYaml.Rules RULES = new StrictYaml.Rules(true, SweepException::new);

    /** The file as written: every key required, nothing else allowed. */
    private record Written(String name, String base, LinkedHashMap<String, JsonNode> grid) {}

    /** One grid point: its overrides in grid order, and its id. */
    public record Point(String id, List<String> overrides) {}

    public static SweepSpec load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SweepException(file + ": no such sweep spec (examples in experiments/sweeps/)");
        } catch (IOException e) {
            throw new SweepException(file + ": cannot read: " + e.getMessage());
        }
        Written w = StrictYaml.bind(file.toString(), text, Written.class, RULES);
        String name = scalarText(file, text, w.name(), "name");
        if (!name.matches("[A-Za-z0-9._-]+"))
            throw new SweepException(where(file, text, "name") + "name '" + name + "' must use only letters, digits, '.', '_', '-'");
        Path base = (file.toAbsolutePath().getParent()).resolve(scalarText(file, text, w.base(), "base")).normalize();
        Map<String, JsonNode> g = w.grid();
        if (g == null || g.isEmpty())
            throw new SweepException(where(file, text, "grid") + "grid must map config keys to lists, e.g. seed: [1, 2, 3]");
        LinkedHashMap<String, List<JsonNode>> grid = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : g.entrySet()) {
            JsonNode v = e.getValue();
            if (!e.getKey().matches("[a-z0-9_]+(\\.[a-z0-9_]+)*"))
                throw new SweepException(where(file, text, e.getKey()) + "grid key '" + e.getKey() + "' is not a config key path like model.bias");
            if (!v.isArray() || v.isEmpty())
                throw new SweepException(where(file, text, e.getKey()) + "grid." + e.getKey() + " must be a non-empty list, e.g. [1, 2, 3]");
            List<JsonNode> values = new ArrayList<>();
            for (JsonNode x : v) {
                if (!x.isValueNode() || x.isNull())
                    throw new SweepException(where(file, text, e.getKey()) + "grid." + e.getKey() + ": every value must be a number, string or boolean");
                if (values.contains(x))
                    throw new SweepException(where(file, text, e.getKey()) + "grid." + e.getKey() + ": value " + x + " is listed twice");
                values.add(x);
            }
            grid.put(e.getKey(), values);
        }
        return new SweepSpec(file, text, name, base, grid);
    }

    private static String scalarText(Path file, String text, String value, String key) {
        if (value == null || value.isBlank())
            throw new SweepException(where(file, text, key) + "key '" + key + "': expected a string");
        return value;
    }

    /** "FILE:LINE: " for the key {@code key} (top level, or in grid). */
    private static String where(Path file, String text, String key) {
        int line = StrictYaml.lineOfKeys(text, List.of(key));
        if (line <= 0) line = StrictYaml.lineOfKeys(text, List.of("grid", key));
        return file + ":" + (line > 0 ? line + ": " : " ");
    }

    /** Every combination of the grid, the first key varying slowest. */
    public List<Point> points() {
        List<List<String>> combos = new ArrayList<>();
        combos.add(List.of());
        for (Map.Entry<String, List<JsonNode>> e : grid.entrySet()) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> c : combos)
                for (JsonNode v : e.getValue()) {
                    List<String> o = new ArrayList<>(c);
                    o.add(e.getKey() + "=" + yamlValue(v));
                    next.add(o);
                }
            combos = next;
        }
        List<Point> points = new ArrayList<>();
        for (List<String> o : combos) points.add(new Point(idOf(o), List.copyOf(o)));
        return points;
    }

    /** {@code seed=2, model.bias=all} -> {@code seed-2_model.bias-all}: file-name safe. */
    public static String idOf(List<String> overrides) {
        List<String> parts = new ArrayList<>();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            String v = o.substring(eq + 1).replaceAll("[^A-Za-z0-9.+-]+", "-").replaceAll("^-+|-+$", "");
            parts.add(o.substring(0, eq) + "-" + (v.isEmpty() ? "x" : v));
        }
        return String.join("_", parts);
    }

    private static String yamlValue(JsonNode v) {
        if (v.isTextual() && v.asText().matches("[A-Za-z][A-Za-z0-9._/-]*")) return v.asText();
        try {
            return Json.MAPPER.writeValueAsString(v); // JSON is YAML flow syntax
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sha256() { return Sha256.of(text.getBytes(StandardCharsets.UTF_8)); }
}
