package org.marginmax.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the files of a dataset are. A named set is looked up, in order, in the {@code --data-dir} directory
 * itself and in DIR/NAME, then in the cache (DIR/NAME under $MARGIN_MAX_CACHE, default ~/.cache/margin-max),
 * then, for fashion-mnist, in /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist package). For
 * CIFAR-10 each of these may hold the .bin files directly or in cifar-10-batches-bin/. An {@code idx:DIR} set is
 * just DIR.
 */
public final class DatasetLocator {
    public static final String CACHE_ENV = "MARGIN_MAX_CACHE";
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private final Path cacheRoot;
    private final Map<String, List<Path>> systemDirs;

    /**
     * @param cacheRoot  root of the download cache (a named set lives in cacheRoot/NAME)
     * @param systemDirs extra read-only places per dataset name, searched last
     */
    public DatasetLocator(Path cacheRoot, Map<String, List<Path>> systemDirs) {
        this.cacheRoot = cacheRoot.toAbsolutePath().normalize();
        this.systemDirs = Map.copyOf(systemDirs);
    }

    /** The locator of this machine: $MARGIN_MAX_CACHE or ~/.cache/margin-max, and Debian's Fashion-MNIST. */
    public static DatasetLocator standard() {
        String env = System.getenv(CACHE_ENV);
        Path cache = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "margin-max");
        return new DatasetLocator(cache, Map.of(DatasetId.FASHION_MNIST, List.of(DEBIAN_FASHION_MNIST)));
    }

    public Path cacheRoot() { return cacheRoot; }

    /** Where {@code data fetch} puts a named set: DIR/NAME if a data directory is given, else the cache. */
    public Path fetchTarget(DatasetId id, Path dataDirOrNull) {
        if (!id.named()) throw new DataException("'" + id.text() + "' is a local directory; only mnist, fashion-mnist and cifar10 can be fetched");
        return (dataDirOrNull != null ? dataDirOrNull.toAbsolutePath().normalize() : cacheRoot).resolve(id.text());
    }

    /** The places searched for a named set, in order. */
    public List<Path> candidates(DatasetId id, Path dataDirOrNull) {
        if (!id.named()) return List.of(id.idxDir());
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        if (dataDirOrNull != null) {
            Path d = dataDirOrNull.toAbsolutePath().normalize();
            dirs.add(d);
            dirs.add(d.resolve(id.text()));
        }
        dirs.add(cacheRoot.resolve(id.text()));
        dirs.addAll(systemDirs.getOrDefault(id.text(), List.of()));
        return new ArrayList<>(dirs);
    }

    /** The directory holding the dataset's files, or a {@link DataException} saying where it looked and what to run. */
    public Path locate(DatasetId id, Path dataDirOrNull) {
        if (!id.named()) {
            Path dir = id.idxDir();
            if (!Files.isDirectory(dir))
                throw new DataException(dir + ": no such directory (" + id.text() + " must name a directory holding the four MNIST-named IDX files)");
            return dir;
        }
        for (Path dir : candidates(id, dataDirOrNull)) {
            Path found = holding(id, dir);
            if (found != null) return found;
        }
        throw new DataException("dataset " + id.text() + " not found (looked in " + candidates(id, dataDirOrNull).stream()
                .map(Path::toString).collect(Collectors.joining(", ")) + "); " + missingHint(id));
    }

    /** What to do when a named set's files are missing. */
    public static String missingHint(DatasetId id) {
        if (!id.named()) return "the directory must hold train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz)";
        return "run `margin-max data fetch " + id.text() + "` (add --data-dir DIR to choose where) or pass --data-dir DIR";
    }

    /** {@code dir} or its cifar-10-batches-bin if it holds the dataset's files, else null. */
    static Path holding(DatasetId id, Path dir) {
        if (!Files.isDirectory(dir)) return null;
        if (id.format() == DatasetId.Format.IDX) return IdxLayout.complete(dir) ? dir : null;
        if (CifarReader.complete(dir)) return dir;
        Path nested = dir.resolve(CifarReader.TAR_DIR);
        return CifarReader.complete(nested) ? nested : null;
    }
}
