package org.marginmax.data;

import java.nio.file.Path;
import java.util.Map;

/** Loads datasets by name ({@code mnist}, {@code fashion-mnist}, {@code cifar10}, {@code idx:DIR}). */
public final class Datasets {
    private Datasets() {}

    /** The dataset of {@code spec}, with its class subset / binary task and split subsets applied. */
    public static DataSplit load(DataSpec spec, Path dataDirOrNull, long seed) {
        return load(spec, dataDirOrNull, seed, DatasetLocator.standard());
    }

    public static DataSplit load(DataSpec spec, Path dataDirOrNull, long seed, DatasetLocator locator) {
        return Subsets.apply(loadFull(spec.dataset(), dataDirOrNull, locator), spec, seed);
    }

    /** Both full splits of a dataset, no subsets. */
    public static DataSplit loadFull(String dataset, Path dataDirOrNull) {
        return loadFull(dataset, dataDirOrNull, DatasetLocator.standard());
    }

    public static DataSplit loadFull(String dataset, Path dataDirOrNull, DatasetLocator locator) {
        DatasetId id = DatasetId.parse(dataset);
        Path dir = locator.locate(id, dataDirOrNull);
        String hint = DatasetLocator.missingHint(id);
        RawImages train, test;
        Map<String, String> sha;
        if (id.format() == DatasetId.Format.CIFAR) {
            CifarReader.Contents c = CifarReader.read(dir, hint);
            train = c.train();
            test = c.test();
            sha = c.contentSha256();
        } else {
            IdxLayout.Contents c = IdxLayout.read(dir, hint);
            train = c.train();
            test = c.test();
            sha = c.contentSha256();
        }
        int classes = id.named() ? id.knownClasses() : Math.max(train.maxLabel(), test.maxLabel()) + 1;
        if (id.named()) {
            checkLabels(train, classes, dir, "training");
            checkLabels(test, classes, dir, "test");
        }
        if (classes < 2) throw new DataException(dir + ": the labels name fewer than two classes");
        return new DataSplit(ImageDataset.fromRaw(train, classes), ImageDataset.fromRaw(test, classes), id.text(), Sha256.combine(sha));
    }

    /** The directory holding a dataset's files (see {@link DatasetLocator}). */
    public static Path locate(String dataset, Path dataDirOrNull) {
        return DatasetLocator.standard().locate(DatasetId.parse(dataset), dataDirOrNull);
    }

    private static void checkLabels(RawImages raw, int classes, Path dir, String split) {
        int max = raw.maxLabel();
        if (max >= classes)
            throw new DataException(dir + ": the " + split + " labels include " + max + " but the dataset has classes 0.." + (classes - 1));
    }
}
