package org.marginmax.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small IDX and CIFAR files written by the tests. */
final class Fixtures {
    private Fixtures() {}

    /** IDX image bytes: header (magic, count, rows, cols) then {@code pixels}. */
    static byte[] idxImages(int magic, int count, int rows, int cols, byte[] pixels) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeInt(magic);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static byte[] idxLabels(int magic, int count, byte[] labels) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeInt(magic);
            out.writeInt(count);
            out.write(labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pixel value of image i at position j of a synthetic set: a pattern that identifies the image. */
    static byte pixel(int i, int j) { return (byte) ((i * 31 + j * 7) & 0xFF); }

    static byte[] pixels(int count, int size) {
        byte[] px = new byte[count * size];
        for (int i = 0; i < count; i++) for (int j = 0; j < size; j++) px[i * size + j] = pixel(i, j);
        return px;
    }

    /**
     * Writes an MNIST-layout directory of 28×28 (or rows×cols) images with labels {@code trainLabels} and
     * {@code testLabels}, gzip'd or raw.
     */
    static Path idxDir(Path dir, int rows, int cols, int[] trainLabels, int[] testLabels, boolean gzip) {
        writeSplit(dir, IdxLayout.TRAIN_IMAGES, IdxLayout.TRAIN_LABELS, rows, cols, trainLabels, gzip);
        writeSplit(dir, IdxLayout.TEST_IMAGES, IdxLayout.TEST_LABELS, rows, cols, testLabels, gzip);
        return dir;
    }

    private static void writeSplit(Path dir, String images, String labels, int rows, int cols, int[] y, boolean gzip) {
        byte[] img = idxImages(IdxReader.IMAGES_MAGIC, y.length, rows, cols, pixels(y.length, rows * cols));
        byte[] lab = new byte[y.length];
        for (int i = 0; i < y.length; i++) lab[i] = (byte) y[i];
        byte[] lbl = idxLabels(IdxReader.LABELS_MAGIC, y.length, lab);
        String suffix = gzip ? ".gz" : "";
        write(dir.resolve(images + suffix), gzip ? gzip(img) : img);
        write(dir.resolve(labels + suffix), gzip ? gzip(lbl) : lbl);
    }

    /** CIFAR-10 binary records: label byte then 3072 pixel bytes each. */
    static byte[] cifarRecords(int[] labels, int firstImage) {
        int rec = CifarReader.RECORD_BYTES;
        byte[] out = new byte[labels.length * rec];
        for (int i = 0; i < labels.length; i++) {
            out[i * rec] = (byte) labels[i];
            for (int j = 0; j < CifarReader.IMAGE_BYTES; j++) out[i * rec + 1 + j] = pixel(firstImage + i, j);
        }
        return out;
    }

    /** Labels 0, 1, …, k−1, 0, 1, … of length n. */
    static int[] cyclicLabels(int n, int k) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = i % k;
        return y;
    }
}
