package org.marginmax.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CifarReaderTest {
    @TempDir
    Path tmp;

    /** Six batch files of 3 (training) and 4 (test) records; image i overall has pattern Fixtures.pixel(i, ·). */
    static Path tinyCifar(Path dir) {
        for (int b = 0; b < 5; b++)
            Fixtures.write(dir.resolve(CifarReader.TRAIN_FILES.get(b)), Fixtures.cifarRecords(new int[]{b, b + 1, 9 - b}, 3 * b));
        Fixtures.write(dir.resolve(CifarReader.TEST_FILE), Fixtures.cifarRecords(new int[]{0, 3, 6, 9}, 100));
        return dir;
    }

    @Test
    void readsRecordsInChwOrderScaledToTheUnitInterval() {
        Path dir = tinyCifar(tmp.resolve("cache/cifar10/cifar-10-batches-bin"));
        DatasetLocator loc = new DatasetLocator(tmp.resolve("cache"), Map.of());
        DataSplit s = Datasets.loadFull("cifar10", null, loc);
        assertThat(loc.locate(DatasetId.parse("cifar10"), null)).isEqualTo(dir);
        assertThat(s.train().size()).isEqualTo(15);
        assertThat(s.test().size()).isEqualTo(4);
        assertThat(s.train().numClasses()).isEqualTo(10);
        assertThat(s.train().labels()).containsExactly(0, 1, 9, 1, 2, 8, 2, 3, 7, 3, 4, 6, 4, 5, 5);
        assertThat(s.test().labels()).containsExactly(0, 3, 6, 9);
        INDArray x = s.train().features(true);
        assertThat(x.shape()).containsExactly(15, 3, 32, 32);
        for (int i : new int[]{0, 7, 14})
            for (int c = 0; c < 3; c++)
                for (int h : new int[]{0, 5, 31})
                    for (int w : new int[]{0, 17, 31})
                        assertThat(x.getFloat(i, c, h, w)).isEqualTo((Fixtures.pixel(i, c * 1024 + h * 32 + w) & 0xFF) / 255f);
        assertThat(s.test().features().getFloat(2, 5)).isEqualTo((Fixtures.pixel(102, 5) & 0xFF) / 255f);
        assertThat(s.sha256()).hasSize(64);
    }

    @Test
    void truncatedBatchIsNamed() {
        Path dir = tinyCifar(tmp.resolve("c"));
        byte[] rec = Fixtures.cifarRecords(new int[]{1, 2}, 0);
        Path bad = Fixtures.write(dir.resolve("data_batch_3.bin"), Arrays.copyOf(rec, rec.length - 1));
        IdxReaderTest.assertOneLine(() -> CifarReader.read(dir, "hint"), bad, "truncated: 6145 bytes is not a whole number of 3073-byte");
    }

    @Test
    void labelOutsideTenClassesIsNamed() {
        Path dir = tinyCifar(tmp.resolve("c"));
        Path bad = Fixtures.write(dir.resolve(CifarReader.TEST_FILE), Fixtures.cifarRecords(new int[]{1, 42}, 0));
        IdxReaderTest.assertOneLine(() -> CifarReader.read(dir, "hint"), bad, "record 1 has label 42");
    }

    @Test
    void missingBatchIsNamed() {
        Path dir = tinyCifar(tmp.resolve("c"));
        assertThat(dir.resolve("data_batch_5.bin").toFile().delete()).isTrue();
        IdxReaderTest.assertOneLine(() -> CifarReader.read(dir, "run `margin-max data fetch cifar10`"), dir.resolve("data_batch_5.bin"),
                "missing file; run `margin-max data fetch cifar10`");
        assertThat(CifarReader.read(List.of(dir.resolve(CifarReader.TEST_FILE)), new java.util.HashMap<>()).count()).isEqualTo(4);
    }
}
