package org.marginmax.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetVerifierTest {
    @TempDir
    Path tmp;

    DatasetVerifier verifier(Map<String, List<RemoteFile>> catalog) {
        return new DatasetVerifier(catalog, new DatasetLocator(tmp.resolve("cache"), Map.of()));
    }

    static Path copyOf(Path src, Path dst) throws IOException {
        Files.createDirectories(dst);
        try (var files = Files.list(src)) {
            for (Path p : files.toList()) Files.copy(p, dst.resolve(p.getFileName()));
        }
        return dst;
    }

    @Test
    void mnist10kMatchesItsSha256Sums() {
        DatasetVerifier.Report r = verifier(Map.of()).verify("idx:" + TestPaths.mnist10k(), null);
        assertThat(r.ok()).as(String.join("\n", r.lines())).isTrue();
        assertThat(r.checksummed()).isTrue();
        assertThat(r.checks()).hasSize(5);
        assertThat(r.lines()).anyMatch(l -> l.contains("8000 training and 2000 test images of 28x28"));
    }

    @Test
    void aChangedByteIsACheckSumMismatch() throws IOException {
        Path dir = copyOf(TestPaths.mnist10k(), tmp.resolve("copy"));
        Path f = dir.resolve("t10k-labels-idx1-ubyte.gz");
        f.toFile().setWritable(true);
        byte[] b = Files.readAllBytes(f);
        b[b.length - 8] ^= 1; // one bit of the gzip trailer's CRC-32
        Files.write(f, b);
        DatasetVerifier.Report r = verifier(Map.of()).verify("idx:" + dir, null);
        assertThat(r.ok()).isFalse();
        assertThat(r.checks()).filteredOn(c -> !c.ok()).extracting(DatasetVerifier.Check::file).contains("t10k-labels-idx1-ubyte.gz");
        assertThat(r.lines()).anyMatch(l -> l.startsWith("FAIL t10k-labels-idx1-ubyte.gz: checksum mismatch"));
        // the reader notices too: the CRC no longer matches the data
        assertThat(r.lines()).anyMatch(l -> l.startsWith("FAIL structure: " + f + ": truncated or corrupt gzip stream"));
    }

    @Test
    void withoutSha256SumsOnlyTheStructureIsChecked() {
        Path dir = Fixtures.idxDir(tmp.resolve("plain"), 2, 2, new int[]{0, 1}, new int[]{1}, false);
        DatasetVerifier.Report r = verifier(Map.of()).verify("idx:" + dir, null);
        assertThat(r.ok()).isTrue();
        assertThat(r.checksummed()).isFalse();
        assertThat(r.lines()).singleElement().asString().contains("no checksums to compare with");
    }

    @Test
    void namedSetsAcceptThePublishedArchiveOrItsContent() throws IOException {
        Path published = Fixtures.idxDir(tmp.resolve("published"), 3, 3, Fixtures.cyclicLabels(20, 10), Fixtures.cyclicLabels(10, 10), true);
        List<RemoteFile> catalog = new ArrayList<>();
        for (String base : IdxLayout.FILES) {
            Path gz = published.resolve(base + ".gz");
            byte[] content;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) { content = in.readAllBytes(); }
            catalog.add(new RemoteFile(base + ".gz", Files.size(gz), Sha256.ofFile(gz), List.of(URI.create("http://127.0.0.1/" + base)),
                    Sha256.of(content)));
        }
        DatasetVerifier v = verifier(Map.of("mnist", catalog));
        DatasetVerifier.Report exact = v.verify("mnist", published);
        assertThat(exact.ok()).as(String.join("\n", exact.lines())).isTrue();
        assertThat(exact.lines()).filteredOn(l -> l.contains("matches the published file")).hasSize(4);

        // the same data decompressed: accepted through the content hash
        Path raw = Fixtures.idxDir(tmp.resolve("raw"), 3, 3, Fixtures.cyclicLabels(20, 10), Fixtures.cyclicLabels(10, 10), false);
        DatasetVerifier.Report byContent = v.verify("mnist", raw);
        assertThat(byContent.ok()).as(String.join("\n", byContent.lines())).isTrue();
        assertThat(byContent.lines()).filteredOn(l -> l.contains("decompressed content matches")).hasSize(4);

        // other data: rejected
        Path other = Fixtures.idxDir(tmp.resolve("other"), 3, 3, Fixtures.cyclicLabels(20, 9), Fixtures.cyclicLabels(10, 10), true);
        DatasetVerifier.Report wrong = v.verify("mnist", other);
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.lines()).anyMatch(l -> l.startsWith("FAIL train-labels-idx1-ubyte.gz: checksum mismatch"));
    }
}
