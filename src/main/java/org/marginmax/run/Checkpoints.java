package org.marginmax.run;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.data.Sha256;
import org.marginmax.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The {@code checkpoints/} folder of a run: {@code epoch-000123.zip} (DL4J {@link ModelSerializer}) plus
 * {@code epoch-000123.json} ({@link CheckpointState}). Both are written to a temp file and renamed, the zip first:
 * a kill at any instant leaves complete checkpoints only (a zip without its sidecar is ignored and overwritten).
 */
public final class Checkpoints {
    public static final String DIR = "checkpoints";
    private static final JsonMapper JSON = Json.MAPPER;

    private Checkpoints() {}

    public static Path dir(Path runDir) { return runDir.resolve(DIR); }

    /** {@code epoch-000123}: the name of a checkpoint's files (and of what is computed on it, e.g. the probe cache). */
    public static String baseName(int epoch) { return String.format(Locale.ROOT, "epoch-%06d", epoch); }

    public static Path modelFile(Path runDir, int epoch) { return dir(runDir).resolve(baseName(epoch) + ".zip"); }

    public static Path stateFile(Path runDir, int epoch) { return dir(runDir).resolve(baseName(epoch) + ".json"); }

    /**
     * Writes the model zip (with {@code provenance} and the checkpoint's epoch inside it), then the sidecar, which
     * records the zip's SHA-256.
     */
    public static void save(Path runDir, MultiLayerNetwork net, CheckpointState state, ObjectNode provenance) {
        try {
            Files.createDirectories(dir(runDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir(runDir) + ": " + e.getMessage(), e);
        }
        Path zip = modelFile(runDir, state.epoch());
        ObjectNode inside = provenance.deepCopy();
        inside.putObject("checkpoint").put("epoch", state.epoch()).set("reasons", JSON.valueToTree(state.reasons()));
        ModelZip.write(zip, net, inside);
        CheckpointState withHash = state.withModel(zip.getFileName().toString(), Sha256.ofFile(zip));
        try {
            AtomicFiles.writeString(stateFile(runDir, state.epoch()), JSON.writeValueAsString(withHash));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A complete checkpoint on disk. */
    public record Entry(Path state, Path model, CheckpointState info) {
        public long sizeBytes() {
            try { return Files.size(model); } catch (IOException e) { return -1; }
        }
    }

    /** The complete checkpoints of a run, oldest first. Sidecars that do not parse are reported, then skipped. */
    public static List<Entry> list(Path runDir, List<String> problems) {
        Path d = dir(runDir);
        if (!Files.isDirectory(d)) return List.of();
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.filter(x -> x.getFileName().toString().matches("epoch-\\d+\\.json")).sorted().toList()) {
                try {
                    CheckpointState st = JSON.readValue(p.toFile(), CheckpointState.class);
                    Path model = d.resolve(st.model());
                    if (!Files.exists(model)) {
                        problems.add(p + ": its model file " + model.getFileName() + " is missing");
                        continue;
                    }
                    out.add(new Entry(p, model, st));
                } catch (IOException e) {
                    problems.add(p + ": not a readable checkpoint sidecar (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + d + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingInt(e -> e.info().epoch()));
        return out;
    }

    /** Deletes rolling-only checkpoints beyond the newest {@code keep}. */
    public static void prune(Path runDir, int keep) {
        List<Entry> rolling = list(runDir, new ArrayList<>()).stream().filter(e -> e.info().rollingOnly()).toList();
        for (int i = 0; i < rolling.size() - keep; i++) {
            Entry e = rolling.get(i);
            try {
                Files.deleteIfExists(e.state()); // sidecar first: a half-pruned checkpoint is simply incomplete
                Files.deleteIfExists(e.model());
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot prune " + e.model() + ": " + ex.getMessage(), ex);
            }
        }
    }
}
