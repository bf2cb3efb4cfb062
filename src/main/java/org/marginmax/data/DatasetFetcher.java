package org.marginmax.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * {@code margin-max data fetch}: downloads the official files of a named dataset, tries the mirrors in order,
 * checks each download's SHA-256 against the catalog, and only then renames it from a temporary file in the
 * target directory to its final name (a failed or mismatching download leaves no file behind). A .tar.gz is
 * unpacked (its entries again through temporary files) and removed; each directory of fetched files gets a
 * SHA256SUMS so {@code data verify} can check it later.
 */
public final class DatasetFetcher {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);

    private final Consumer<String> log;
    private final Map<String, List<RemoteFile>> catalog;
    private final DatasetLocator locator;
    private final HttpClient http;

    /** Official catalog, this machine's cache. */
    public DatasetFetcher(Consumer<String> log) { this(log, DatasetCatalog.OFFICIAL, DatasetLocator.standard()); }

    /** @param catalog dataset name → files (tests inject local URLs and their own checksums) */
    public DatasetFetcher(Consumer<String> log, Map<String, List<RemoteFile>> catalog, DatasetLocator locator) {
        this.log = log;
        this.catalog = Map.copyOf(catalog);
        this.locator = locator;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(CONNECT_TIMEOUT).build();
    }

    /**
     * Fetches a named dataset into {@code dataDirOrNull}/NAME, or the cache if null, unless a verified copy is
     * already there. Returns the directory the dataset now loads from.
     */
    public Path fetch(String name, Path dataDirOrNull) {
        DatasetId id = DatasetId.parse(name);
        Path target = locator.fetchTarget(id, dataDirOrNull);
        List<RemoteFile> files = catalog.get(id.text());
        if (files == null) throw new DataException("no download known for '" + id.text() + "'");
        Path present = DatasetLocator.holding(id, target);
        if (present != null && new DatasetVerifier(catalog, locator).verifyDir(id, present).ok()) {
            log.accept(id.text() + ": already present and verified in " + present);
            return present;
        }
        fetchFiles(files, target);
        Path ready = DatasetLocator.holding(id, target);
        if (ready == null) throw new DataException(target + ": the fetched files do not form a complete " + id.text() + " dataset");
        log.accept(id.text() + ": ready in " + ready);
        return ready;
    }

    /** Downloads {@code files} into {@code dir} (keeping ones already there whose SHA-256 matches), unpacks tarballs. */
    public void fetchFiles(List<RemoteFile> files, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(dir + ": cannot create the directory (" + e.getMessage() + ")", e);
        }
        Map<String, String> sums = new TreeMap<>();
        for (RemoteFile f : files) {
            Path file = dir.resolve(f.name());
            if (Files.isRegularFile(file) && Sha256.ofFile(file).equals(f.sha256())) {
                log.accept(f.name() + ": already present, SHA-256 verified");
            } else {
                download(f, file);
            }
            if (f.tarball()) {
                unpack(file, dir);
                delete(file);
            } else {
                sums.put(f.name(), f.sha256());
            }
        }
        if (!sums.isEmpty()) Sha256.writeSums(dir.resolve(Sha256.SUMS_FILE), sums);
    }

    private void download(RemoteFile f, Path target) {
        List<String> failures = new ArrayList<>();
        for (URI url : f.urls()) {
            log.accept(f.name() + ": downloading " + url);
            Path tmp = tempFile(target);
            try {
                String sha = copy(url, tmp);
                if (!sha.equals(f.sha256())) {
                    failures.add(url + ": checksum mismatch (SHA-256 " + sha + ", expected " + f.sha256() + ")");
                    log.accept(f.name() + ": checksum mismatch from " + url + ", discarded");
                    continue;
                }
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                log.accept(f.name() + ": " + Files.size(target) + " bytes, SHA-256 verified");
                return;
            } catch (IOException e) {
                String why = whatFailed(url, e);
                failures.add(url + ": " + why);
                log.accept(f.name() + ": failed from " + url + " (" + why + ")");
            } finally {
                delete(tmp);
            }
        }
        throw new DataException(target + ": could not fetch a verified copy; " + String.join("; ", failures)
                + ". " + byHand(f, target.getParent()));
    }

    /** What to do without a network: the files go into {@code dir} = DIR/NAME, which verify and train find. */
    private static String byHand(RemoteFile f, Path dir) {
        Path abs = dir.toAbsolutePath();
        Path parent = abs.getParent() == null ? abs : abs.getParent();
        return "Without a network: copy " + f.name() + " by hand (from any of these URLs) into " + dir
                + ", then check it with `margin-max data verify " + abs.getFileName() + " --data-dir " + parent
                + "` and train with --data-dir " + parent;
    }

    /** Why a download failed, in words (the JDK's HTTP client often gives no message at all). */
    static String whatFailed(URI url, IOException e) {
        if (cause(e, HttpStatusException.class) instanceof HttpStatusException h)
            return "HTTP status " + h.status + " (the mirror has no such file)";
        if (cause(e, UnknownHostException.class) != null || cause(e, UnresolvedAddressException.class) != null)
            return "unknown host " + url.getHost() + " (no network or no DNS?)";
        if (cause(e, HttpTimeoutException.class) != null || cause(e, SocketTimeoutException.class) != null)
            return "timed out";
        if (cause(e, ConnectException.class) != null) // the host resolved, but nothing answered on the port
            return "connection refused by " + url.getHost() + ":" + port(url);
        if (cause(e, NoSuchFileException.class) != null) return "no such file";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
            if (t.getMessage() != null) return t.getClass().getSimpleName() + ": " + t.getMessage();
        return e.getClass().getSimpleName();
    }

    private static Throwable cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
            if (type.isInstance(t)) return t;
        return null;
    }

    private static int port(URI url) {
        return url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /** A server answered, with a status other than 200. */
    private static final class HttpStatusException extends IOException {
        final int status;

        HttpStatusException(int status) {
            super("HTTP status " + status);
            this.status = status;
        }
    }

    /** Streams a URL into {@code out}, returning the SHA-256 of the bytes written. */
    private String copy(URI url, Path out) throws IOException {
        MessageDigest md = Sha256.digest();
        try (InputStream in = open(url); OutputStream os = Files.newOutputStream(out)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                os.write(buf, 0, n);
            }
        }
        return Sha256.hex(md.digest());
    }

    private InputStream open(URI url) throws IOException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (scheme.equals("file")) return Files.newInputStream(Path.of(url));
        if (!scheme.equals("http") && !scheme.equals("https")) throw new IOException("unsupported URL scheme '" + scheme + "'");
        HttpRequest req = HttpRequest.newBuilder(url).timeout(RESPONSE_TIMEOUT).header("User-Agent", "margin-max").GET().build();
        try {
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() != 200) {
                resp.body().close();
                throw new HttpStatusException(resp.statusCode());
            }
            return resp.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Unpacks the regular files of a .tar.gz under {@code dir}; writes a SHA256SUMS in each directory it fills. */
    private void unpack(Path tarball, Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        Map<Path, Map<String, String>> sumsByDir = new TreeMap<>();
        log.accept(tarball.getFileName() + ": unpacking into " + root);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16), 1 << 16))) {
            for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null; ) {
                if (!e.isFile()) continue;
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root) || out.equals(root))
                    throw new DataException(tarball + ": entry '" + e.getName() + "' would unpack outside " + root);
                Files.createDirectories(out.getParent());
                Path tmp = tempFile(out);
                try {
                    MessageDigest md = Sha256.digest();
                    try (OutputStream os = Files.newOutputStream(tmp)) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = tar.read(buf)) > 0; ) {
                            md.update(buf, 0, n);
                            os.write(buf, 0, n);
                        }
                    }
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    sumsByDir.computeIfAbsent(out.getParent(), k -> new TreeMap<>()).put(out.getFileName().toString(), Sha256.hex(md.digest()));
                } finally {
                    delete(tmp);
                }
            }
        } catch (IOException e) {
            throw new DataException(tarball + ": cannot unpack (" + e.getMessage() + ")", e);
        }
        sumsByDir.forEach((d, sums) -> Sha256.writeSums(d.resolve(Sha256.SUMS_FILE), sums));
    }

    private static Path tempFile(Path target) {
        try {
            return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new DataException(target.getParent() + ": cannot write a temporary file (" + e.getMessage() + ")", e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover .part file is harmless; the final name is only ever written by a verified rename
        }
    }
}
