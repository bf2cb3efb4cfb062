package org.marginmax.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the CIFAR-10 "binary version": data_batch_1.bin … data_batch_5.bin (training) and test_batch.bin, each a
 * sequence of 3073-byte records: 1 label byte (0–9), then 3072 pixel bytes, 1024 red, 1024 green, 1024 blue, each
 * channel 32×32 row-major (so CHW).
 */
public final class CifarReader {
    public static final int CHANNELS = 3, SIDE = 32, IMAGE_BYTES = CHANNELS * SIDE * SIDE, RECORD_BYTES = 1 + IMAGE_BYTES;
    public static final int CLASSES = 10;
    public static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    /** The directory the official tarball unpacks to. */
    public static final String TAR_DIR = "cifar-10-batches-bin";

    private CifarReader() {}

    public record Contents(RawImages train, RawImages test, Map<String, String> contentSha256) {}

    public static List<String> allFiles() {
        List<String> all = new ArrayList<>(TRAIN_FILES);
        all.add(TEST_FILE);
        return all;
    }

    /** Whether {@code dir} holds the six batch files directly. */
    public static boolean complete(Path dir) {
        for (String f : allFiles()) if (!Files.isRegularFile(dir.resolve(f))) return false;
        return true;
    }

    public static Contents read(Path dir, String missingHint) {
        for (String f : allFiles())
            if (!Files.isRegularFile(dir.resolve(f)))
                throw new DataException(dir.resolve(f) + ": missing file; " + missingHint);
        Map<String, String> sha = new LinkedHashMap<>();
        List<Path> train = TRAIN_FILES.stream().map(dir::resolve).toList();
        return new Contents(read(train, sha), read(List.of(dir.resolve(TEST_FILE)), sha), sha);
    }

    /** Reads and concatenates batch files; records each file's SHA-256 under its file name in {@code sha}. */
    public static RawImages read(List<Path> files, Map<String, String> sha) {
        List<byte[]> contents = new ArrayList<>();
        long records = 0;
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw IdxReader.unreadable(f, e);
            }
            if (bytes.length == 0) throw new DataException(f + ": empty file (expected 3073-byte CIFAR-10 records)");
            if (bytes.length % RECORD_BYTES != 0)
                throw new DataException(f + ": truncated: " + bytes.length + " bytes is not a whole number of "
                        + RECORD_BYTES + "-byte CIFAR-10 records (" + bytes.length / RECORD_BYTES + " whole records)");
            sha.put(f.getFileName().toString(), Sha256.of(bytes));
            contents.add(bytes);
            records += bytes.length / RECORD_BYTES;
        }
        if (records * IMAGE_BYTES > Integer.MAX_VALUE - 16) throw new DataException(files + ": too many records for one array");
        int n = (int) records;
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        int i = 0;
        for (int k = 0; k < files.size(); k++) {
            byte[] bytes = contents.get(k);
            for (int off = 0; off < bytes.length; off += RECORD_BYTES, i++) {
                int label = bytes[off] & 0xFF;
                if (label >= CLASSES)
                    throw new DataException(files.get(k) + ": record " + off / RECORD_BYTES + " has label " + label
                            + ", not a CIFAR-10 class (0-9): is this the binary version?");
                labels[i] = label;
                System.arraycopy(bytes, off + 1, pixels, i * IMAGE_BYTES, IMAGE_BYTES);
            }
            contents.set(k, null);
        }
        return new RawImages(pixels, labels, CHANNELS, SIDE, SIDE);
    }
}
