package org.marginmax.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.io.Json;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A model zip ({@code model.zip}, {@code checkpoints/epoch-NNNNNN.zip}): DL4J's {@link ModelSerializer} format plus a
 * {@code provenance.json} entry, so that a zip separated from its run still says what made it. The entry goes into
 * the temp file before the atomic rename (ModelSerializer.addObjectToFile would rewrite the final zip in place);
 * DL4J ignores entries it does not know.
 */
public final class ModelZip {
    public static final String PROVENANCE_ENTRY = "provenance.json";

    private ModelZip() {}

    /**
     * Writes {@code net} with {@code provenance} to {@code target}, atomically. DL4J's zip is made in memory and its
     * entries copied after the provenance entry into the temp file (the JDK's zip file system would print, not
     * throw, a full disk while it rewrites a zip).
     */
    public static void write(Path target, MultiLayerNetwork net, ObjectNode provenance) {
        AtomicFiles.write(target, tmp -> {
            ByteArrayOutputStream dl4j = new ByteArrayOutputStream();
            ModelSerializer.writeModel(net, dl4j, false);
            try (ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)));
                 ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(dl4j.toByteArray()))) {
                out.putNextEntry(new ZipEntry(PROVENANCE_ENTRY));
                out.write(Json.MAPPER.writeValueAsBytes(provenance));
                out.closeEntry();
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
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
