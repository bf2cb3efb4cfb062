package org.marginmax.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.marginmax.TestPaths;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheRealMnist10k() {
        IdxLayout.Contents c = IdxLayout.read(TestPaths.mnist10k(), "hint");
        assertThat(c.train().count()).isEqualTo(8000);
        assertThat(c.test().count()).isEqualTo(2000);
        assertThat(new int[]{c.train().channels(), c.train().height(), c.train().width()}).containsExactly(1, 28, 28);
        assertThat(c.train().pixels()).hasSize(8000 * 784);
        for (RawImages split : new RawImages[]{c.train(), c.test()}) {
            int[] hist = new int[10];
            for (int y : split.labels()) hist[y]++;
            // every digit present, none far from a tenth (MNIST's classes hold 9–11% each)
            for (int k = 0; k < 10; k++)
                assertThat(hist[k]).as("digit %d in %s", k, Arrays.toString(hist))
                        .isBetween(split.count() * 7 / 100, split.count() * 13 / 100);
        }
        // real digits: dark background, some fully white strokes
        int max = 0, zeros = 0;
        for (byte b : c.train().pixels()) {
            max = Math.max(max, b & 0xFF);
            if (b == 0) zeros++;
        }
        assertThat(max).isEqualTo(255);
        assertThat(zeros).isGreaterThan(c.train().pixels().length / 2);
        assertThat(c.contentSha256()).containsOnlyKeys(IdxLayout.FILES);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsRawAndGzipAlike(boolean gzip) {
        Path dir = Fixtures.idxDir(tmp.resolve("d"), 4, 3, new int[]{1, 2, 0}, new int[]{2}, gzip);
        IdxLayout.Contents c = IdxLayout.read(dir, "hint");
        assertThat(c.train().labels()).containsExactly(1, 2, 0);
        assertThat(c.train().pixels()).isEqualTo(Fixtures.pixels(3, 12));
        assertThat(c.train().height()).isEqualTo(4);
        assertThat(c.train().width()).isEqualTo(3);
        assertThat(c.test().labels()).containsExactly(2);
        // the content hash does not depend on compression
        byte[] raw = Fixtures.idxImages(IdxReader.IMAGES_MAGIC, 3, 4, 3, Fixtures.pixels(3, 12));
        assertThat(c.contentSha256().get(IdxLayout.TRAIN_IMAGES)).isEqualTo(Sha256.of(raw));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void badMagicNumberIsNamed(boolean gzip) {
        byte[] labelsAsImages = Fixtures.idxLabels(IdxReader.LABELS_MAGIC, 2, new byte[]{1, 2});
        Path f = Fixtures.write(tmp.resolve("x-images" + (gzip ? ".gz" : "")), gzip ? Fixtures.gzip(labelsAsImages) : labelsAsImages);
        assertOneLine(() -> IdxReader.readImages(f), f, "bad magic number 0x00000801");
        byte[] garbage = Fixtures.idxImages(0x12345678, 1, 1, 1, new byte[]{0});
        Path g = Fixtures.write(tmp.resolve("y-labels"), gzip ? Fixtures.gzip(garbage) : garbage);
        assertOneLine(() -> IdxReader.readLabels(g), g, "bad magic number 0x12345678");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedBodyIsNamed(boolean gzip) {
        byte[] full = Fixtures.idxImages(IdxReader.IMAGES_MAGIC, 5, 28, 28, Fixtures.pixels(5, 784));
        byte[] cut = Arrays.copyOf(full, full.length - 100);
        Path f = Fixtures.write(tmp.resolve("t-images"), gzip ? Fixtures.gzip(cut) : cut);
        assertOneLine(() -> IdxReader.readImages(f), f, "truncated: the header promises 5 images of 28x28 (3936 bytes) but the file holds 3836");
    }

    @Test
    void truncatedHeaderIsNamed() {
        Path f = Fixtures.write(tmp.resolve("h-labels"), new byte[]{0, 0, 8, 1, 0, 0});
        assertOneLine(() -> IdxReader.readLabels(f), f, "truncated");
    }

    @Test
    void truncatedGzipStreamIsNamed() {
        byte[] gz = Fixtures.gzip(Fixtures.idxImages(IdxReader.IMAGES_MAGIC, 50, 28, 28, Fixtures.pixels(50, 784)));
        Path f = Fixtures.write(tmp.resolve("g-images.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertOneLine(() -> IdxReader.readImages(f), f, "truncated");
    }

    @Test
    void anEmptySplitIsRejected() {
        Path dir = Fixtures.idxDir(tmp.resolve("e"), 2, 2, new int[0], new int[]{1}, true);
        assertOneLine(() -> IdxLayout.read(dir, "hint"), dir.resolve(IdxLayout.TRAIN_IMAGES + ".gz"), "holds no images");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] lab = Fixtures.idxLabels(IdxReader.LABELS_MAGIC, 2, new byte[]{1, 2, 3});
        Path f = Fixtures.write(tmp.resolve("l-labels"), lab);
        assertOneLine(() -> IdxReader.readLabels(f), f, "unexpected bytes after the 2 labels");
    }

    @Test
    void imageLabelCountMismatchIsNamed() {
        Path dir = Fixtures.idxDir(tmp.resolve("m"), 2, 2, new int[]{0, 1, 0}, new int[]{1}, true);
        Fixtures.write(dir.resolve(IdxLayout.TRAIN_LABELS + ".gz"),
                Fixtures.gzip(Fixtures.idxLabels(IdxReader.LABELS_MAGIC, 2, new byte[]{0, 1})));
        assertOneLine(() -> IdxLayout.read(dir, "hint"), dir.resolve(IdxLayout.TRAIN_IMAGES + ".gz"),
                "holds 3 images but train-labels-idx1-ubyte.gz holds 2 labels");
    }

    @Test
    void missingFileIsNamedWithTheHint() {
        Path dir = Fixtures.idxDir(tmp.resolve("n"), 2, 2, new int[]{0, 1}, new int[]{1}, false);
        Path gone = dir.resolve(IdxLayout.TEST_LABELS);
        assertThat(gone.toFile().delete()).isTrue();
        assertOneLine(() -> IdxLayout.read(dir, "run `margin-max data fetch mnist`"), dir.resolve(IdxLayout.TEST_LABELS + "[.gz]"),
                "missing file; run `margin-max data fetch mnist`");
    }

    static void assertOneLine(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Path file, String text) {
        assertThatThrownBy(call).isInstanceOf(DataException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(text)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
