package org.marginmax.robust;

import org.marginmax.io.Json;
import org.marginmax.run.AtomicFiles;
import org.marginmax.run.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code robustness/cache/epoch-NNNNNN-<attack>-<split>-<settings hash>.json}: one checkpoint's per-example answers
 * under one set of attack settings, so that probing another checkpoint (or printing another ε list for a minimal
 * attack) redoes nothing. An entry counts only for the model file it was computed on (its SHA-256).
 */
final class ProbeCache {
    static final String DIR = "cache";

    /** A cache file's content. Infinite entries of brokenAt are written as "Infinity". */
    record Entry(int epoch, String attack, String split, int n, String settingsHash, Map<String, Object> settings,
                 String modelSha256, String dataSha256, double[] brokenAt, double seconds, String created) {}

    private final Path dir;

    ProbeCache(Path robustnessDir) { this.dir = robustnessDir.resolve(DIR); }

    Path file(int epoch, String attack, String split, String hash) {
        return dir.resolve(Checkpoints.baseName(epoch) + "-" + attack + "-" + split + "-" + hash + ".json");
    }

    /** The entry for this checkpoint and settings, if present, readable and computed on this model file. */
    Optional<Entry> read(int epoch, String attack, String split, String hash, String modelSha256) {
        Path f = file(epoch, attack, split, hash);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            Entry e = Json.MAPPER.readValue(f.toFile(), Entry.class);
            if (e.brokenAt() == null || !modelSha256.equals(e.modelSha256())) return Optional.empty();
            return Optional.of(e);
        } catch (IOException ex) {
            return Optional.empty(); // unreadable: recomputed and overwritten
        }
    }

    void write(Entry e) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(file(e.epoch(), e.attack(), e.split(), e.settingsHash()), Json.MAPPER.writeValueAsString(e));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot write the robustness cache in " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /** Every readable entry with these settings, whatever the epoch. */
    List<Entry> all(String attack, String split, String hash) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        String suffix = "-" + attack + "-" + split + "-" + hash + ".json";
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList()) {
                try {
                    Entry e = Json.MAPPER.readValue(f.toFile(), Entry.class);
                    if (e.brokenAt() != null) out.add(e);
                } catch (IOException ignored) {
                    // unreadable entries are skipped
                }
            }
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot list " + dir + ": " + ex.getMessage(), ex);
        }
        return out;
    }
}
