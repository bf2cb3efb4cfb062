package org.marginmax.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * All 70,000 Fashion-MNIST images from Debian's dataset-fashion-mnist package. Outside CI the test is skipped if
 * the package is not installed; in CI (CI=true) the directory must exist.
 */
class FashionMnistFullTest {
    @TempDir
    Path tmp;

    @Test
    void readsAll70000ImagesAndMatchesThePublishedContent() {
        Path dir = DatasetLocator.DEBIAN_FASHION_MNIST;
        if (!"true".equals(System.getenv("CI")))
            assumeTrue(Files.isDirectory(dir), dir + " missing: apt-get install -y dataset-fashion-mnist");
        assertThat(dir).as("CI needs apt-get install -y dataset-fashion-mnist").isDirectory();

        DatasetLocator locator = new DatasetLocator(tmp.resolve("empty-cache"), Map.of(DatasetId.FASHION_MNIST, List.of(dir)));
        DataSplit s = Datasets.loadFull("fashion-mnist", null, locator);
        assertThat(s.train().size()).isEqualTo(60000);
        assertThat(s.test().size()).isEqualTo(10000);
        assertThat(s.train().features().shape()).containsExactly(60000, 784);
        assertThat(s.train().classCounts()).containsOnly(6000);
        assertThat(s.test().classCounts()).containsOnly(1000);
        for (ImageDataset ds : List.of(s.train(), s.test())) {
            assertThat(ds.features().minNumber().floatValue()).isEqualTo(0f);
            assertThat(ds.features().maxNumber().floatValue()).isEqualTo(1f);
        }
        DatasetVerifier.Report r = new DatasetVerifier(DatasetCatalog.OFFICIAL, locator).verify("fashion-mnist", null);
        assertThat(r.ok()).as(String.join("\n", r.lines())).isTrue();
        assertThat(r.checksummed()).isTrue();
    }
}
