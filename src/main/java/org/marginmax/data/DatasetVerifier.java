package org.marginmax.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code margin-max data verify}: checks the files of a dataset at hand. Named IDX sets are checked against the
 * catalog's published checksums (the .gz as published, or else its decompressed content, which accepts a
 * re-compressed copy such as Debian's); a directory with a SHA256SUMS file (mnist-10k, anything {@code data
 * fetch} wrote, the unpacked CIFAR-10 batches) against that file; CIFAR-10's tarball, if still there, against the
 * catalog. Every set is also read through its parser (magic numbers, sizes, counts, labels).
 */
public final class DatasetVerifier {
    /** One finding: the file (or "structure"), whether it passed, and what was compared. */
    public record Check(String file, boolean ok, String detail) {
        @Override
        public String toString() { return (ok ? "ok   " : "FAIL ") + file + ": " + detail; }
    }

    /** All findings for one dataset directory. */
    public record Report(String dataset, Path dir, List<Check> checks) {
        public boolean ok() { return !checks.isEmpty() && checks.stream().allMatch(Check::ok); }

        /** Whether at least one file was compared with a checksum (not only parsed). */
        public boolean checksummed() { return checks.stream().anyMatch(c -> !c.file().equals(STRUCTURE)); }

        public List<String> lines() { return checks.stream().map(Check::toString).toList(); }
    }

    static final String STRUCTURE = "structure";

    private final Map<String, List<RemoteFile>> catalog;
    private final DatasetLocator locator;

    public DatasetVerifier(Map<String, List<RemoteFile>> catalog, DatasetLocator locator) {
        this.catalog = Map.copyOf(catalog);
        this.locator = locator;
    }

    public static DatasetVerifier standard() { return new DatasetVerifier(DatasetCatalog.OFFICIAL, DatasetLocator.standard()); }

    /** Locates the dataset (as training would) and verifies the directory found. */
    public Report verify(String dataset, Path dataDirOrNull) {
        DatasetId id = DatasetId.parse(dataset);
        return verifyDir(id, locator.locate(id, dataDirOrNull));
    }

    public Report verifyDir(DatasetId id, Path dir) {
        List<Check> checks = new ArrayList<>();
        Path sums = dir.resolve(Sha256.SUMS_FILE);
        List<RemoteFile> published = id.named() ? catalog.getOrDefault(id.text(), List.of()) : List.of();
        if (id.format() == DatasetId.Format.IDX && !published.isEmpty()) {
            for (RemoteFile f : published) checks.add(checkPublished(dir, f));
        } else if (Files.isRegularFile(sums)) {
            for (Map.Entry<String, String> e : Sha256.readSums(sums).entrySet()) checks.add(checkListed(dir, e.getKey(), e.getValue()));
        }
        if (id.format() == DatasetId.Format.CIFAR) {
            for (RemoteFile f : published) {
                for (Path d : new Path[]{dir, dir.getParent()}) {
                    if (d != null && Files.isRegularFile(d.resolve(f.name()))) checks.add(checkListed(d, f.name(), f.sha256()));
                }
            }
        }
        checks.add(checkStructure(id, dir, !checks.isEmpty()));
        return new Report(id.text(), dir, checks);
    }

    private static Check checkListed(Path dir, String name, String expected) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) return new Check(name, false, "missing file " + file);
        String sha = Sha256.ofFile(file);
        return sha.equals(expected) ? new Check(name, true, "SHA-256 matches")
                : new Check(name, false, "checksum mismatch: SHA-256 " + sha + ", expected " + expected);
    }

    private static Check checkPublished(Path dir, RemoteFile f) {
        Path file = IdxLayout.find(dir, f.contentName());
        if (file == null) return new Check(f.contentName() + "[.gz]", false, "missing file in " + dir);
        String name = file.getFileName().toString();
        String sha = Sha256.ofFile(file);
        if (sha.equals(f.sha256())) return new Check(name, true, "SHA-256 matches the published file");
        if (f.contentSha256() == null)
            return new Check(name, false, "checksum mismatch: SHA-256 " + sha + ", published " + f.sha256());
        String content = contentSha(file);
        if (content.equals(f.contentSha256()))
            return new Check(name, true, "decompressed content matches the published SHA-256"
                    + (IdxReader.isGzip(file) ? " (the .gz itself differs from the published one: re-compressed)" : ""));
        return new Check(name, false, "checksum mismatch: SHA-256 " + sha + " (content " + content + "), published "
                + f.sha256() + " (content " + f.contentSha256() + ")");
    }

    private static String contentSha(Path file) {
        MessageDigest md = Sha256.digest();
        try (InputStream in = IdxReader.openContent(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (IOException e) {
            throw IdxReader.unreadable(file, e);
        }
        return Sha256.hex(md.digest());
    }

    private static Check checkStructure(DatasetId id, Path dir, boolean checksummed) {
        String hint = DatasetLocator.missingHint(id);
        try {
            String what;
            if (id.format() == DatasetId.Format.CIFAR) {
                CifarReader.Contents c = CifarReader.read(dir, hint);
                what = c.train().count() + " training and " + c.test().count() + " test images of 3x32x32";
            } else {
                IdxLayout.Contents c = IdxLayout.read(dir, hint);
                what = c.train().count() + " training and " + c.test().count() + " test images of "
                        + c.train().height() + "x" + c.train().width();
            }
            return new Check(STRUCTURE, true, what + (checksummed ? "" : "; no checksums to compare with (no SHA256SUMS here)"));
        } catch (DataException e) {
            return new Check(STRUCTURE, false, e.getMessage());
        }
    }
}
