package org.marginmax.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatasetsTest {
    @TempDir
    Path tmp;

    DatasetLocator locator() {
        return new DatasetLocator(tmp.resolve("cache"), Map.of(DatasetId.FASHION_MNIST, List.of(tmp.resolve("system/fashion"))));
    }

    @Test
    void loadsMnist10kWithOneHashOverTheDecompressedFiles() throws IOException {
        Path dir = TestPaths.mnist10k();
        DataSplit s = Datasets.loadFull("idx:" + dir, null, locator());
        assertThat(s.train().size()).isEqualTo(8000);
        assertThat(s.test().size()).isEqualTo(2000);
        assertThat(s.train().numClasses()).isEqualTo(10);
        assertThat(s.name()).isEqualTo("idx:" + dir);
        // independent recomputation: sorted "name:sha256(gunzip(file))" lines
        Map<String, String> sha = new TreeMap<>();
        for (String base : IdxLayout.FILES)
            try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(base + ".gz")))) {
                sha.put(base, Sha256.of(in.readAllBytes()));
            }
        StringBuilder lines = new StringBuilder();
        sha.forEach((k, v) -> lines.append(lines.length() == 0 ? "" : "\n").append(k).append(':').append(v));
        assertThat(s.sha256()).isEqualTo(Sha256.of(lines.toString()));
    }

    @Test
    void loadAppliesTheSpecDeterministically() {
        DataSpec spec = new DataSpec("idx:" + TestPaths.mnist10k(), new SubsetSpec(null, 1000), new SubsetSpec(300, null), null, "even-vs-odd");
        DataSplit a = Datasets.load(spec, null, 17L, locator());
        DataSplit b = Datasets.load(spec, null, 17L, locator());
        DataSplit c = Datasets.load(spec, null, 18L, locator());
        assertThat(a.train().size()).isEqualTo(1000);
        assertThat(a.train().classCounts()).containsExactly(500, 500);
        assertThat(a.test().size()).isEqualTo(300);
        assertThat(a.train().binary()).isTrue();
        assertThat(a.train().features()).isEqualTo(b.train().features());
        assertThat(a.train().features()).isNotEqualTo(c.train().features());
        assertThat(a.test().features()).isEqualTo(c.test().features());
        assertThat(a.sha256()).isEqualTo(c.sha256());
    }

    @Test
    void relativeIdxDirectoriesResolveAgainstTheWorkingDirectory() {
        assertThat(DatasetId.parse("idx:some/dir").idxDir()).isEqualTo(Path.of("some/dir").toAbsolutePath().normalize());
        assertThatThrownBy(() -> DatasetId.parse("imagenet")).isInstanceOf(DataException.class).hasMessageContaining("unknown dataset 'imagenet'");
        assertThatThrownBy(() -> Datasets.loadFull("idx:" + tmp.resolve("nowhere"), null, locator()))
                .isInstanceOf(DataException.class).hasMessageContaining("nowhere: no such directory");
    }

    @Test
    void namedSetsAreFoundInDataDirThenDataDirSlashNameThenCacheThenSystem() {
        DatasetLocator loc = locator();
        DatasetId fashion = DatasetId.parse("fashion-mnist");
        Path system = Fixtures.idxDir(tmp.resolve("system/fashion"), 2, 2, new int[]{0, 1}, new int[]{1}, true);
        assertThat(loc.locate(fashion, null)).isEqualTo(system);
        Path cached = Fixtures.idxDir(tmp.resolve("cache/fashion-mnist"), 2, 2, new int[]{0, 1}, new int[]{1}, true);
        assertThat(loc.locate(fashion, null)).isEqualTo(cached);
        Path data = tmp.resolve("data");
        Path nested = Fixtures.idxDir(data.resolve("fashion-mnist"), 2, 2, new int[]{0, 1}, new int[]{1}, false);
        assertThat(loc.locate(fashion, data)).isEqualTo(nested);
        Fixtures.idxDir(data, 2, 2, new int[]{0, 1}, new int[]{1}, false);
        assertThat(loc.locate(fashion, data)).isEqualTo(data.toAbsolutePath());
        // the system directory is Fashion-MNIST's only
        assertThatThrownBy(() -> loc.locate(DatasetId.parse("mnist"), null)).isInstanceOf(DataException.class);
        assertThat(loc.fetchTarget(DatasetId.parse("mnist"), null)).isEqualTo(tmp.resolve("cache/mnist"));
        assertThat(loc.fetchTarget(DatasetId.parse("mnist"), data)).isEqualTo(data.resolve("mnist"));
    }

    @Test
    void aMissingNamedSetSaysWhereItLookedAndWhatToRun() {
        assertThatThrownBy(() -> Datasets.loadFull("mnist", tmp.resolve("d"), locator()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dataset mnist not found")
                .hasMessageContaining(tmp.resolve("d/mnist").toString())
                .hasMessageContaining(tmp.resolve("cache/mnist").toString())
                .hasMessageContaining("run `margin-max data fetch mnist`")
                .hasMessageContaining("--data-dir")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void idxDirectoryCountsItsClasses() {
        Path dir = Fixtures.idxDir(tmp.resolve("three"), 3, 3, new int[]{0, 2, 1, 2}, new int[]{1, 0}, true);
        DataSplit s = Datasets.loadFull("idx:" + dir, null, locator());
        assertThat(s.train().numClasses()).isEqualTo(3);
        assertThat(s.test().classCounts()).containsExactly(1, 1, 0);
        assertThat(s.train().features(true).shape()).containsExactly(4, 1, 3, 3);
    }

    @Test
    void namedSetsRejectLabelsOutsideTenClasses() {
        Fixtures.idxDir(tmp.resolve("cache/mnist"), 2, 2, new int[]{0, 11}, new int[]{1}, true);
        assertThatThrownBy(() -> Datasets.loadFull("mnist", null, locator()))
                .isInstanceOf(DataException.class).hasMessageContaining("labels include 11");
    }
}
