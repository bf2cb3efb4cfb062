package org.marginmax.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A parsed {@code data.dataset} value: one of the named sets ({@code mnist}, {@code fashion-mnist},
 * {@code cifar10}) or {@code idx:DIR}, a directory with the four MNIST-named IDX files (relative DIRs resolve
 * against the current directory).
 *
 * @param text   the value as written
 * @param format how the files are laid out
 * @param idxDir the directory of an {@code idx:} dataset (absolute), else null
 */
public record DatasetId(String text, Format format, Path idxDir) {
    public enum Format { IDX, CIFAR }

    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String CIFAR10 = "cifar10";

    public static DatasetId parse(String text) {
        if (text == null || text.isBlank())
            throw new DataException("no dataset given (use mnist, fashion-mnist, cifar10 or idx:DIR)");
        String t = text.trim();
        if (t.startsWith("idx:")) {
            String dir = t.substring(4);
            if (dir.isBlank()) throw new DataException("'" + t + "': give a directory after idx:, e.g. idx:data/mnist-10k");
            return new DatasetId(t, Format.IDX, Path.of(dir).toAbsolutePath().normalize());
        }
        return switch (t.toLowerCase(Locale.ROOT)) {
            case MNIST -> new DatasetId(MNIST, Format.IDX, null);
            case FASHION_MNIST -> new DatasetId(FASHION_MNIST, Format.IDX, null);
            case CIFAR10 -> new DatasetId(CIFAR10, Format.CIFAR, null);
            default -> throw new DataException("unknown dataset '" + t + "' (use mnist, fashion-mnist, cifar10 or idx:DIR)");
        };
    }

    /** Whether this is a named, downloadable set rather than an {@code idx:} directory. */
    public boolean named() { return idxDir == null; }

    /** Number of classes the format defines (10 for all named sets); {@code idx:} sets count their labels. */
    public int knownClasses() { return named() ? 10 : -1; }
}
