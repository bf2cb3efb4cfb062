package org.marginmax.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.marginmax.io.Json;
import org.marginmax.io.StrictYaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads an experiment YAML strictly ({@link StrictYaml}): an unknown key, a wrong type or a missing field is a
 * {@link ConfigException} naming the file, the line and the key. {@code --set a.b=value} overrides are applied on
 * top of the file. Also the config's canonical hash, which run directories record.
 */
public final class ConfigLoader {
    static final StrictYaml.Rules RULES = new StrictYaml.Rules(false, ConfigException::new);

    private ConfigLoader() {}

    /** Reads {@code file} and applies the overrides ({@code key.path=value}, value parsed as YAML). */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        return StrictYaml.bind(file.toString(), read(file), overrides, ExperimentConfig.class, RULES);
    }

    /** Parses YAML text (e.g. a run directory's saved config). {@code origin} names it in errors. */
    public static ExperimentConfig bind(String origin, String text) {
        return StrictYaml.bind(origin, text, ExperimentConfig.class, RULES);
    }

    /** A config file's text, or a one-line error. */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such config file (the shipped ones are in experiments/)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** The resolved config as YAML, as saved into a run directory. */
    public static String toYaml(ExperimentConfig cfg) { return StrictYaml.toYaml(cfg); }

    /** The resolved config as a JSON tree (for provenance records). */
    public static JsonNode toTree(ExperimentConfig cfg) {
        return Json.CANONICAL.valueToTree(cfg);
    }

    /** SHA-256 of the canonical JSON of the resolved config: equal configs, equal hashes, whatever the formatting. */
    public static String hash(ExperimentConfig cfg) {
        try {
            byte[] json = Json.CANONICAL.writeValueAsBytes(cfg);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
