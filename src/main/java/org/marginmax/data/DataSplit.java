package org.marginmax.data;

/**
 * A training and a test set, ready for training.
 *
 * @param train  the training set (subsets applied)
 * @param test   the test set (subsets applied)
 * @param name   the {@code data.dataset} value it was loaded from
 * @param sha256 one SHA-256 over the source files: the hash of the sorted lines "NAME:SHA" (newline-joined), where
 *               NAME is each file's canonical name (e.g. train-images-idx3-ubyte, data_batch_1.bin) and SHA the
 *               hash of its content (decompressed if gzip'd, so a re-compressed copy of the same data hashes the same)
 */
public record DataSplit(ImageDataset train, ImageDataset test, String name, String sha256) {
    public DataSplit {
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()
                || train.numClasses() != test.numClasses() || train.binary() != test.binary())
            throw new IllegalArgumentException("train " + train + " and test " + test + " do not match");
    }
}
