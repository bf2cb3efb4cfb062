package org.marginmax.data;

import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fetcher against a tiny HTTP server on 127.0.0.1 serving files the test makes. */
class DatasetFetcherTest {
    @TempDir
    Path tmp;

    HttpServer server;
    final Map<String, byte[]> served = new ConcurrentHashMap<>();
    final List<String> requests = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            synchronized (requests) { requests.add(path); }
            byte[] body = served.get(path);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream os = ex.getResponseBody()) { os.write(body); }
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() { server.stop(0); }

    URI url(String path) { return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path); }

    DatasetLocator locator() { return new DatasetLocator(tmp.resolve("cache"), Map.of()); }

    /** A small MNIST-layout set served under /a/ and /b/ (b only if {@code onB}); returns its catalog entry. */
    List<RemoteFile> serveIdx(boolean onA, boolean onB) {
        Path src = Fixtures.idxDir(tmp.resolve("src"), 4, 4, Fixtures.cyclicLabels(30, 10), Fixtures.cyclicLabels(10, 10), true);
        List<RemoteFile> files = new ArrayList<>();
        for (String base : IdxLayout.FILES) {
            byte[] gz = read(src.resolve(base + ".gz"));
            if (onA) served.put("/a/" + base + ".gz", gz);
            if (onB) served.put("/b/" + base + ".gz", gz);
            files.add(new RemoteFile(base + ".gz", gz.length, Sha256.of(gz),
                    List.of(url("/a/" + base + ".gz"), url("/b/" + base + ".gz")), null));
        }
        return files;
    }

    DatasetFetcher fetcher(List<RemoteFile> files, String name) {
        return new DatasetFetcher(log::add, Map.of(name, files), locator());
    }

    @Test
    void fetchesVerifiesAndWritesSha256Sums() {
        List<RemoteFile> files = serveIdx(true, false);
        Path dataDir = tmp.resolve("data");
        Path dir = fetcher(files, "mnist").fetch("mnist", dataDir);
        assertThat(dir).isEqualTo(dataDir.resolve("mnist").toAbsolutePath());
        for (RemoteFile f : files) assertThat(Sha256.ofFile(dir.resolve(f.name()))).isEqualTo(f.sha256());
        assertThat(Sha256.readSums(dir.resolve(Sha256.SUMS_FILE))).hasSize(4);
        assertThat(leftovers(dir)).isEmpty();
        assertThat(Datasets.loadFull("mnist", dataDir, locator()).train().size()).isEqualTo(30);
        // a second fetch finds the verified copy and downloads nothing
        int before = requests.size();
        fetcher(files, "mnist").fetch("mnist", dataDir);
        assertThat(requests).hasSize(before);
        assertThat(log).anyMatch(l -> l.contains("already present and verified"));
    }

    @Test
    void fallsBackToTheNextMirror() {
        List<RemoteFile> files = serveIdx(false, true);
        Path dir = fetcher(files, "fashion-mnist").fetch("fashion-mnist", null);
        assertThat(dir).isEqualTo(tmp.resolve("cache/fashion-mnist"));
        assertThat(requests).contains("/a/train-images-idx3-ubyte.gz", "/b/train-images-idx3-ubyte.gz");
        assertThat(log).anyMatch(l -> l.contains("HTTP status 404"));
        assertThat(IdxLayout.complete(dir)).isTrue();
    }

    @Test
    void checksumMismatchLeavesNoFile() {
        List<RemoteFile> good = serveIdx(true, true);
        List<RemoteFile> files = new ArrayList<>(good);
        RemoteFile first = good.get(0);
        String wrong = Sha256.of("something else");
        files.set(0, new RemoteFile(first.name(), first.size(), wrong, first.urls(), null));
        Path dataDir = tmp.resolve("data");
        assertThatThrownBy(() -> fetcher(files, "mnist").fetch("mnist", dataDir))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(first.name())
                .hasMessageContaining("checksum mismatch")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Path dir = dataDir.resolve("mnist");
        assertThat(dir.resolve(first.name())).doesNotExist();
        assertThat(leftovers(dir)).isEmpty();
    }

    /** Without a network every mirror says what failed, and the message says what to do instead. */
    @Test
    void eachFailedMirrorSaysWhatFailedAndTheMessageSaysWhatToDo() throws IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        byte[] gz = "not served".getBytes();
        RemoteFile file = new RemoteFile("train-images-idx3-ubyte.gz", gz.length, Sha256.of(gz), List.of(
                url("/missing/train-images-idx3-ubyte.gz"),
                URI.create("http://127.0.0.1:" + closedPort + "/train-images-idx3-ubyte.gz"),
                URI.create("http://no-such-host.invalid/train-images-idx3-ubyte.gz")), null);
        Path dataDir = tmp.resolve("data");
        assertThatThrownBy(() -> fetcher(List.of(file), "mnist").fetch("mnist", dataDir))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("/missing/train-images-idx3-ubyte.gz: HTTP status 404")
                .hasMessageContaining(":" + closedPort + "/train-images-idx3-ubyte.gz: connection refused")
                .hasMessageContaining("invalid/train-images-idx3-ubyte.gz: unknown host no-such-host.invalid")
                .hasMessageContaining("copy train-images-idx3-ubyte.gz by hand")
                .hasMessageContaining("`margin-max data verify mnist --data-dir " + dataDir.toAbsolutePath() + "`")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("null").doesNotContain("\n"));
        assertThat(log).anyMatch(l -> l.contains("failed from") && l.contains("HTTP status 404"));
        assertThat(leftovers(dataDir.resolve("mnist"))).isEmpty();
    }

    @Test
    void readsFileUrls() {
        byte[] body = "hello".getBytes();
        Path src = Fixtures.write(tmp.resolve("src/hello.txt"), body);
        RemoteFile f = new RemoteFile("hello.txt", 5, Sha256.of(body), List.of(src.toUri()), null);
        new DatasetFetcher(log::add, Map.of(), locator()).fetchFiles(List.of(f), tmp.resolve("out"));
        assertThat(tmp.resolve("out/hello.txt")).hasBinaryContent(body);
    }

    @Test
    void fetchesAndUnpacksTheCifarTarball() {
        Path batches = CifarReaderTest.tinyCifar(tmp.resolve("src/cifar-10-batches-bin"));
        byte[] tgz = tarGz(batches, "cifar-10-batches-bin/");
        served.put("/cifar-10-binary.tar.gz", tgz);
        RemoteFile f = new RemoteFile("cifar-10-binary.tar.gz", tgz.length, Sha256.of(tgz), List.of(url("/cifar-10-binary.tar.gz")), null);
        Path dataDir = tmp.resolve("data");
        Path dir = fetcher(List.of(f), "cifar10").fetch("cifar10", dataDir);
        assertThat(dir).isEqualTo(dataDir.resolve("cifar10/cifar-10-batches-bin").toAbsolutePath());
        assertThat(dataDir.resolve("cifar10/cifar-10-binary.tar.gz")).doesNotExist();
        assertThat(Sha256.readSums(dir.resolve(Sha256.SUMS_FILE))).containsOnlyKeys(CifarReader.allFiles());
        assertThat(leftovers(dir)).isEmpty();
        assertThat(Datasets.loadFull("cifar10", dataDir, locator()).train().size()).isEqualTo(15);
        DatasetVerifier.Report r = new DatasetVerifier(Map.of("cifar10", List.of(f)), locator()).verify("cifar10", dataDir);
        assertThat(r.ok()).as(String.join("\n", r.lines())).isTrue();
        assertThat(r.checksummed()).isTrue();
        int before = requests.size();
        fetcher(List.of(f), "cifar10").fetch("cifar10", dataDir);
        assertThat(requests).hasSize(before);
    }

    @Test
    void tarEntriesMayNotEscapeTheTarget() {
        Path src = Fixtures.write(tmp.resolve("src/evil.bin"), new byte[]{1});
        byte[] tgz = tarGz(src.getParent(), "../");
        served.put("/x.tar.gz", tgz);
        RemoteFile f = new RemoteFile("x.tar.gz", tgz.length, Sha256.of(tgz), List.of(url("/x.tar.gz")), null);
        assertThatThrownBy(() -> new DatasetFetcher(log::add, Map.of(), locator()).fetchFiles(List.of(f), tmp.resolve("out")))
                .isInstanceOf(DataException.class).hasMessageContaining("outside");
        assertThat(tmp.resolve("evil.bin")).doesNotExist();
    }

    @Test
    void theOfficialCatalogIsWellFormed() {
        for (String name : List.of("mnist", "fashion-mnist", "cifar10")) {
            List<RemoteFile> files = DatasetCatalog.official(DatasetId.parse(name));
            assertThat(files).isNotEmpty();
            for (RemoteFile f : files) assertThat(f.urls()).allMatch(u -> u.getScheme().startsWith("http"));
        }
        assertThat(DatasetCatalog.official(DatasetId.parse("mnist"))).extracting(RemoteFile::contentName)
                .containsExactlyElementsOf(IdxLayout.FILES);
        assertThatThrownBy(() -> new DatasetFetcher(log::add).fetch("idx:" + tmp, null))
                .isInstanceOf(DataException.class).hasMessageContaining("local directory");
    }

    static List<Path> leftovers(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A .tar.gz of the regular files of {@code dir}, each entry named prefix + file name. */
    static byte[] tarGz(Path dir, String prefix) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(bos));
             Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                byte[] body = Files.readAllBytes(p);
                TarArchiveEntry e = new TarArchiveEntry(prefix + p.getFileName());
                e.setSize(body.length);
                tar.putArchiveEntry(e);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }
}
