package org.marginmax.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads an experiment YAML strictly: an unknown key, a wrong type or a missing field is a {@link ConfigException}
 * naming the file, the line and the key. {@code --set a.b=value} overrides are applied on top of the file.
 */
public final class ConfigLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder(
                    YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private ConfigLoader() {}

    /** Reads {@code file} and applies the overrides ({@code key.path=value}, value parsed as YAML). */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such config file (the shipped ones are in experiments/)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        // Bind the file alone first, so that its errors carry their line numbers.
        ExperimentConfig plain = bind(file.toString(), text);
        if (overrides == null || overrides.isEmpty()) return plain;
        ObjectNode tree;
        try {
            tree = (ObjectNode) YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": " + e.getOriginalMessage());
        }
        for (String o : overrides) applyOverride(tree, o);
        try {
            return YAML.treeToValue(tree, ExperimentConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + " with --set " + String.join(" --set ", overrides) + ": " + describe(e, false));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + " with --set: " + e.getMessage());
        }
    }

    /** Parses YAML text (e.g. a run directory's saved config). {@code origin} names it in errors. */
    public static ExperimentConfig bind(String origin, String text) {
        try {
            JsonNode root = YAML.readTree(text);
            if (root == null || !root.isObject())
                throw new ConfigException(origin + ": expected a YAML mapping of keys (name, seed, data, model, loss, train)");
            // unknown keys first: a typo is the likeliest cause of a "missing" field
            Unknown unknown = unknownKey(root, ExperimentConfig.class, new java.util.ArrayList<>());
            if (unknown != null) throw new ConfigException(origin + ":" + lineOfKeys(text, unknown.path()) + ": " + unknown.message());
            return YAML.readValue(text, ExperimentConfig.class);
        } catch (JsonProcessingException e) {
            String msg = describe(e, true);
            if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
                int line = lineOf(text, m.getPath());
                if (line > 0) msg = msg.replaceFirst("^\\d*: ?", line + ": ").replaceFirst("^ ", line + ": ");
            }
            throw new ConfigException(origin + ":" + msg);
        }
    }

    /**
     * The first key of {@code node} (recursively) that the record type does not have; null if all are known.
     */
    private record Unknown(List<String> path, String message) {}

    private static Unknown unknownKey(JsonNode node, Class<?> type, List<String> path) {
        if (!type.isRecord() || !node.isObject()) return null;
        java.util.Map<String, java.lang.reflect.RecordComponent> known = new java.util.LinkedHashMap<>();
        for (var rc : type.getRecordComponents())
            known.put(PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(rc.getName()), rc);
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            List<String> here = new java.util.ArrayList<>(path);
            here.add(e.getKey());
            var rc = known.get(e.getKey());
            if (rc == null) {
                return new Unknown(here, "unknown key '" + String.join(".", here) + "' (allowed here: "
                        + known.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
            Unknown deeper = unknownKey(e.getValue(), rc.getType(), here);
            if (deeper != null) return deeper;
        }
        return null;
    }

    /**
     * The line of the key at {@code path} in the YAML text (Jackson buffers record properties, so its own location
     * is the end of the enclosing section); 0 if not found.
     */
    static int lineOf(String text, List<JsonMappingException.Reference> path) {
        return lineOfKeys(text, path.stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]").toList());
    }

    static int lineOfKeys(String text, List<String> want) {
        // keys of the enclosing containers (root excluded) and, per container, the next array index (-1: object)
        List<String> keys = new java.util.ArrayList<>();
        List<int[]> index = new java.util.ArrayList<>();
        try (var p = YAML.getFactory().createParser(text)) {
            String field = null;
            int best = 0;
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentLocation().getLineNr();
                if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                    field = p.currentName();
                    List<String> here = with(keys, field);
                    if (here.equals(want)) return line;
                    if (here.size() <= want.size() && want.subList(0, here.size()).equals(here)) best = line;
                    continue;
                }
                String key = field != null ? field
                        : !index.isEmpty() && index.get(index.size() - 1)[0] >= 0 ? "[" + index.get(index.size() - 1)[0]++ + "]"
                        : null;
                field = null;
                if (t.isStructStart()) {
                    if (!index.isEmpty()) keys.add(key);
                    index.add(new int[]{t == com.fasterxml.jackson.core.JsonToken.START_ARRAY ? 0 : -1});
                } else if (t.isStructEnd()) {
                    index.remove(index.size() - 1);
                    if (!keys.isEmpty() && keys.size() >= index.size()) keys.remove(keys.size() - 1);
                } else if (key != null && with(keys, key).equals(want)) {
                    return line;
                }
            }
            return best;
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<String> with(List<String> keys, String last) {
        List<String> l = new java.util.ArrayList<>(keys);
        l.add(last);
        return l;
    }

    private static void applyOverride(ObjectNode tree, String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) throw new ConfigException("--set " + override + ": expected key.path=value, e.g. --set train.epochs=50");
        String[] path = override.substring(0, eq).trim().split("\\.");
        JsonNode value;
        try {
            value = YAML.readTree(override.substring(eq + 1));
        } catch (JsonProcessingException e) {
            throw new ConfigException("--set " + override + ": value is not valid YAML: " + e.getOriginalMessage());
        }
        ObjectNode node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (child == null || child.isNull()) child = node.putObject(path[i]);
            if (!child.isObject())
                throw new ConfigException("--set " + override + ": '" + path[i] + "' is not a section");
            node = (ObjectNode) child;
        }
        node.set(path[path.length - 1], value == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : value);
    }

    private static String describe(JsonProcessingException e, boolean withLine) {
        String where = "";
        JsonLocation loc = e.getLocation();
        if (withLine && loc != null && loc.getLineNr() > 0) where = loc.getLineNr() + ": ";
        else if (withLine) where = " ";
        String key = "";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            key = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String keyPart = key.isEmpty() ? "" : "key '" + key + "': ";
        if (e instanceof UnrecognizedPropertyException u) {
            return where + "unknown key '" + key + "' (allowed here: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable c = v.getCause() != null ? v.getCause() : v;
            return where + keyPart + c.getMessage();
        }
        if (e instanceof InvalidFormatException f) {
            String expected = f.getTargetType() == null ? "another type" : simpleType(f.getTargetType());
            return where + keyPart + "expected " + expected + ", got '" + f.getValue() + "'";
        }
        if (e instanceof MismatchedInputException mi) {
            String expected = mi.getTargetType() == null ? "another type" : simpleType(mi.getTargetType());
            return where + keyPart + "expected " + expected + " (" + firstLine(mi.getOriginalMessage()) + ")";
        }
        return where + keyPart + firstLine(e.getOriginalMessage());
    }

    private static String simpleType(Class<?> t) {
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "a whole number";
        if (t == Double.class || t == double.class) return "a number";
        if (t == String.class) return "a string";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (java.util.List.class.isAssignableFrom(t)) return "a list";
        if (t.isRecord()) return "a section of keys";
        return t.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid value";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The resolved config as YAML, as saved into a run directory. */
    public static String toYaml(ExperimentConfig cfg) {
        try {
            return YAML.writeValueAsString(cfg);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The resolved config as a JSON tree (for provenance records). */
    public static JsonNode toTree(ExperimentConfig cfg) {
        return CANONICAL.valueToTree(cfg);
    }

    /** SHA-256 of the canonical JSON of the resolved config: equal configs, equal hashes, whatever the formatting. */
    public static String hash(ExperimentConfig cfg) {
        try {
            byte[] json = CANONICAL.writeValueAsBytes(cfg);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
