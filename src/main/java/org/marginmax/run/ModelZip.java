package org.marginmax.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;

/**
 * A model zip ({@code model.zip}, {@code checkpoints/epoch-NNNNNN.zip}): DL4J's {@link ModelSerializer} format plus a
 * {@code provenance.json} entry, so that a zip separated from its run still says what made it. The entry is added
 * to the temp file before the atomic rename (ModelSerializer.addObjectToFile would rewrite the final zip in
 * place); DL4J ignores entries it does not know.
 */
public final class ModelZip {
    public static final String PROVENANCE_ENTRY = "provenance.json";

    private ModelZip() {}

    /** Writes {@code net} with {@code provenance} to {@code target}, atomically. */
    public static void write(Path target, MultiLayerNetwork net, ObjectNode provenance) {
        AtomicFiles.write(target, tmp -> {
            ModelSerializer.writeModel(net, tmp.toFile(), false);
            URI uri = URI.create("jar:" + tmp.toUri());
            try (FileSystem zip = FileSystems.newFileSystem(uri, Map.of())) {
                Files.writeString(zip.getPath(PROVENANCE_ENTRY), Json.MAPPER.writeValueAsString(provenance));
            }
        });
    }

    /** The provenance recorded inside a zip; empty for zips written before it was recorded there. */
    public static Optional<JsonNode> provenance(Path zip) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            var entry = z.getEntry(PROVENANCE_ENTRY);
            if (entry == null) return Optional.empty();
            try (InputStream in = z.getInputStream(entry)) {
                return Optional.of(Json.MAPPER.readTree(in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + zip + ": " + e.getMessage(), e);
        }
    }
}
