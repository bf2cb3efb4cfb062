package org.marginmax.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one strict YAML binder of the project (experiment files, CUDA profiles, sweep specs): YAML text to a record,
 * with snake_case keys. An unknown key (reported first: a typo is the likeliest cause of a "missing" one), a
 * duplicate key, a wrong type or a value its record rejects is one line {@code FILE:LINE: key 'a.b': ...}, thrown
 * as the caller's own {@link UserInputException} subclass.
 */
public final class StrictYaml {
    public static final YAMLMapper MAPPER = YAMLMapper.builder(
                    YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // 2.5 for a whole number is an error, not 2
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** A value a record's constructor rejects, naming its key (snake_case, dotted for nested keys). */
    public static class BadValue extends IllegalArgumentException {
        private final String key;

        public BadValue(String key, String message) {
            super(message);
            this.key = key;
        }

        public String key() { return key; }
    }

    /**
     * How strict: {@code everyKeyRequired} makes each record component a required key (a profile must say every
     * setting; an experiment file may leave keys to their defaults). {@code error} builds the caller's exception.
     */
    public record Rules(boolean everyKeyRequired, Function<String, ? extends UserInputException> error) {}

    private StrictYaml() {}

    /** Binds YAML text; {@code origin} names it in errors (a file path). */
    public static <T> T bind(String origin, String text, Class<T> type, Rules rules) {
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || !root.isObject())
                throw rules.error().apply(origin + ": expected a YAML mapping of keys (" + String.join(", ", keys(type)) + ")");
            List<String> bad = unknownKey(root, type, new ArrayList<>());
            if (bad != null)
                throw rules.error().apply(origin + ":" + lineOfKeys(text, bad) + ": unknown key '" + String.join(".", bad)
                        + "' (allowed here: " + allowedAt(type, bad) + ")");
            if (rules.everyKeyRequired()) {
                List<String> missing = missingKey(root, type, new ArrayList<>());
                if (missing != null)
                    throw rules.error().apply(origin + ": missing key '" + String.join(".", missing) + "' (every key is "
                            + "required here: " + String.join(", ", keysAt(type, missing)) + ")");
            }
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw rules.error().apply(origin + ":" + describe(e, text));
        }
    }

    /**
     * Binds YAML text with {@code --set key.path=value} overrides (values parsed as YAML) applied on top. The text
     * alone is bound first, so that its own errors carry their line numbers.
     */
    public static <T> T bind(String origin, String text, List<String> overrides, Class<T> type, Rules rules) {
        T plain = bind(origin, text, type, rules);
        if (overrides == null || overrides.isEmpty()) return plain;
        ObjectNode tree;
        try {
            tree = (ObjectNode) MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw rules.error().apply(origin + ": " + e.getOriginalMessage());
        }
        for (String o : overrides) applyOverride(tree, o, rules);
        String withSet = origin + " with --set " + String.join(" --set ", overrides);
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw rules.error().apply(withSet + ": " + describe(e, null).replaceFirst("^(\\d+:)?\\s*", ""));
        } catch (IllegalArgumentException e) {
            throw rules.error().apply(withSet + ": " + e.getMessage());
        }
    }

    /** A record as YAML (null components left out), as saved into run directories. */
    public static String toYaml(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The snake_case keys of a record type. */
    public static List<String> keys(Class<?> type) {
        if (!type.isRecord()) return List.of();
        List<String> k = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) k.add(snake(rc.getName()));
        return k;
    }

    private static String snake(String name) { return PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(name); }

    private static Map<String, RecordComponent> components(Class<?> type) {
        Map<String, RecordComponent> known = new LinkedHashMap<>();
        if (type.isRecord()) for (RecordComponent rc : type.getRecordComponents()) known.put(snake(rc.getName()), rc);
        return known;
    }

    /** The path of the first key of {@code node} (recursively) that its record type does not have; null if none. */
    private static List<String> unknownKey(JsonNode node, Class<?> type, List<String> path) {
        if (!type.isRecord() || !node.isObject()) return null;
        Map<String, RecordComponent> known = components(type);
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            List<String> here = with(path, e.getKey());
            RecordComponent rc = known.get(e.getKey());
            if (rc == null) return here;
            List<String> deeper = unknownKey(e.getValue(), rc.getType(), here);
            if (deeper != null) return deeper;
        }
        return null;
    }

    /** The path of the first record component (recursively) that {@code node} lacks; null if none. */
    private static List<String> missingKey(JsonNode node, Class<?> type, List<String> path) {
        if (!type.isRecord() || !node.isObject()) return null;
        for (var e : components(type).entrySet()) {
            List<String> here = with(path, e.getKey());
            JsonNode child = node.get(e.getKey());
            if (child == null) return here;
            List<String> deeper = missingKey(child, e.getValue().getType(), here);
            if (deeper != null) return deeper;
        }
        return null;
    }

    private static String allowedAt(Class<?> type, List<String> path) {
        return keysAt(type, path).stream().sorted().collect(Collectors.joining(", "));
    }

    /** The keys of the record that holds the last key of {@code path}. */
    private static List<String> keysAt(Class<?> type, List<String> path) {
        Class<?> t = type;
        for (String k : path.subList(0, path.size() - 1)) t = components(t).get(k).getType();
        return keys(t);
    }

    /** "LINE: key 'a.b': what is wrong" for Jackson's error (LINE of the key where it can be found). */
    private static String describe(JsonProcessingException e, String text) {
        List<String> path = new ArrayList<>();
        if (e instanceof JsonMappingException m)
            for (JsonMappingException.Reference r : m.getPath())
                path.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]");
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof IllegalArgumentException) && cause.getCause() != null && cause.getCause() != cause)
            cause = cause.getCause();
        if (cause instanceof BadValue b) path = with(path, b.key());
        String key = String.join(".", path).replace(".[", "[");
        String keyPart = key.isEmpty() ? "" : "key '" + key + "': ";
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            return at(text, path, e) + "unknown key '" + key + "' (allowed here: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
        } else if (cause instanceof IllegalArgumentException iae) {
            what = iae.getMessage();
        } else if (e instanceof ValueInstantiationException v) {
            what = (v.getCause() != null ? v.getCause() : v).getMessage();
        } else if (e instanceof InvalidFormatException f) {
            what = "expected " + (f.getTargetType() == null ? "another type" : simpleType(f.getTargetType()))
                    + ", got '" + f.getValue() + "'";
        } else if (e instanceof MismatchedInputException mi) {
            what = "expected " + (mi.getTargetType() == null ? "another type" : simpleType(mi.getTargetType()))
                    + " (" + firstLine(mi.getOriginalMessage()) + ")";
        } else {
            what = firstLine(e.getOriginalMessage());
        }
        return at(text, path, e) + keyPart + what;
    }

    private static String at(String text, List<String> path, JsonProcessingException e) {
        int line = text == null || path.isEmpty() ? 0 : lineOfKeys(text, path);
        if (line <= 0) {
            JsonLocation loc = e.getLocation();
            line = loc == null ? 0 : loc.getLineNr();
        }
        return line > 0 ? line + ": " : " ";
    }

    /**
     * The line of the key at {@code want} (e.g. [train, lr, alpha1] or [hidden, [1]]) in the YAML text: Jackson
     * buffers record properties, so its own location is the end of the enclosing section. 0 if not found.
     */
    public static int lineOfKeys(String text, List<String> want) {
        // keys of the enclosing containers (root excluded) and, per container, the next array index (-1: object)
        List<String> keys = new ArrayList<>();
        List<int[]> index = new ArrayList<>();
        try (var p = MAPPER.getFactory().createParser(text)) {
            String field = null;
            int best = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
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
                    index.add(new int[]{t == JsonToken.START_ARRAY ? 0 : -1});
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
        List<String> l = new ArrayList<>(keys);
        l.add(last);
        return l;
    }

    private static void applyOverride(ObjectNode tree, String override, Rules rules) {
        int eq = override.indexOf('=');
        if (eq <= 0)
            throw rules.error().apply("--set " + override + ": expected key.path=value, e.g. --set train.epochs=50");
        String[] path = override.substring(0, eq).trim().split("\\.");
        JsonNode value;
        try {
            value = MAPPER.readTree(override.substring(eq + 1));
        } catch (JsonProcessingException e) {
            throw rules.error().apply("--set " + override + ": value is not valid YAML: " + e.getOriginalMessage());
        }
        ObjectNode node = tree;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = node.get(path[i]);
            if (child == null || child.isNull()) child = node.putObject(path[i]);
            if (!child.isObject()) throw rules.error().apply("--set " + override + ": '" + path[i] + "' is not a section");
            node = (ObjectNode) child;
        }
        node.set(path[path.length - 1], value == null ? NullNode.getInstance() : value);
    }

    private static String simpleType(Class<?> t) {
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) return "a whole number";
        if (t == Double.class || t == double.class) return "a number";
        if (t == String.class) return "a string";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (List.class.isAssignableFrom(t)) return "a list";
        if (t.isRecord()) return "a section of keys";
        return t.getSimpleName();
    }

    private static String firstLine(String s) {
        if (s == null) return "invalid value";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
