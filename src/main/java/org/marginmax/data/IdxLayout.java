package org.marginmax.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory in MNIST layout: the four files train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or with a .gz suffix (gzip'd).
 */
public final class IdxLayout {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private IdxLayout() {}

    /** The file holding {@code base} in {@code dir} (the .gz form first, then the raw one), or null. */
    public static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        Path raw = dir.resolve(base);
        return Files.isRegularFile(raw) ? raw : null;
    }

    /** The canonical names whose file is absent from {@code dir}. */
    public static List<String> missing(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String base : FILES) if (find(dir, base) == null) missing.add(base + "[.gz]");
        return missing;
    }

    public static boolean complete(Path dir) { return Files.isDirectory(dir) && missing(dir).isEmpty(); }

    /** Both splits of an IDX directory, read and checked; {@code contentSha256} maps canonical name to hash. */
    public record Contents(RawImages train, RawImages test, Map<String, String> contentSha256) {}

    /**
     * Reads the four files. {@code missingHint} ends the message when a file is missing, e.g. "run `margin-max
     * data fetch mnist` or pass --data-dir DIR".
     */
    public static Contents read(Path dir, String missingHint) {
        List<String> missing = missing(dir);
        if (!missing.isEmpty())
            throw new DataException(dir.resolve(missing.get(0)) + ": missing file" + (missing.size() > 1
                    ? " (and " + (missing.size() - 1) + " more of the four MNIST-named files)" : "") + "; " + missingHint);
        Map<String, String> sha = new LinkedHashMap<>();
        RawImages train = readPair(dir, TRAIN_IMAGES, TRAIN_LABELS, sha);
        RawImages test = readPair(dir, TEST_IMAGES, TEST_LABELS, sha);
        if (train.height() != test.height() || train.width() != test.width())
            throw new DataException(dir + ": training images are " + train.height() + "x" + train.width()
                    + " but test images are " + test.height() + "x" + test.width());
        return new Contents(train, test, sha);
    }

    private static RawImages readPair(Path dir, String imagesBase, String labelsBase, Map<String, String> sha) {
        IdxReader.Images images = IdxReader.readImages(find(dir, imagesBase));
        IdxReader.Labels labels = IdxReader.readLabels(find(dir, labelsBase));
        if (images.count() == 0) throw new DataException(images.file() + ": holds no images");
        if (images.count() != labels.labels().length)
            throw new DataException(images.file() + " holds " + images.count() + " images but " + labels.file().getFileName()
                    + " holds " + labels.labels().length + " labels: the files do not belong together");
        sha.put(imagesBase, images.contentSha256());
        sha.put(labelsBase, labels.contentSha256());
        return new RawImages(images.pixels(), labels.labels(), 1, images.rows(), images.cols());
    }
}
