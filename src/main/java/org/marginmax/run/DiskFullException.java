package org.marginmax.run;

import org.marginmax.io.UserInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The disk filled up (ENOSPC) while a run file was being written. Writers stop at a file boundary (a temp file is
 * removed, a torn metrics row cut off), so every complete checkpoint and metrics row stays as it was and the run
 * can be resumed once there is space again.
 */
public final class DiskFullException extends UserInputException {
    private static final String ENOSPC = "No space left on device";

    private final Path file;
    private final Path runDir;

    public DiskFullException(Path file, Throwable cause) {
        this(file, runDirOf(file), cause);
    }

    private DiskFullException(Path file, Path runDir, Throwable cause) {
        super("no space left on device writing " + file + ": free space, then margin-max resume " + runDir, cause);
        this.file = file;
        this.runDir = runDir;
    }

    public Path file() { return file; }

    public Path runDir() { return runDir; }

    /** True when {@code e} or one of its causes is the operating system's ENOSPC. */
    public static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String reason = t instanceof FileSystemException f ? f.getReason() : t.getMessage();
            if (t instanceof IOException && reason != null && reason.contains(ENOSPC)) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** What to throw for an {@link IOException} writing {@code file}: this class on ENOSPC, else an unchecked one. */
    public static RuntimeException writing(Path file, IOException e) {
        if (isNoSpace(e)) return new DiskFullException(file, e);
        return new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }

    /**
     * The full disk behind {@code e}, if any: a {@code DiskFullException} in its causes, else an ENOSPC
     * {@link IOException} (named after its file when it gives one).
     */
    public static Optional<DiskFullException> in(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause())
            if (t instanceof DiskFullException d) return Optional.of(d);
        if (!isNoSpace(e)) return Optional.empty();
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause())
            if (t instanceof FileSystemException f && f.getFile() != null)
                return Optional.of(new DiskFullException(Path.of(f.getFile()), e));
        return Optional.of(new DiskFullException(Path.of("a run file"), Path.of("RUN_DIR"), e));
    }

    /** The nearest folder above {@code file} that holds a run's {@code config.yaml}, else the file's folder. */
    static Path runDirOf(Path file) {
        Path abs = file.toAbsolutePath().getParent();
        for (Path d = abs; d != null; d = d.getParent())
            if (Files.isRegularFile(d.resolve(RunDirectory.CONFIG))) return relativeLike(file, d);
        return file.getParent() == null ? Path.of(".") : file.getParent();
    }

    /** {@code dir} written the way {@code file} was (relative stays relative). */
    private static Path relativeLike(Path file, Path dir) {
        if (file.isAbsolute()) return dir;
        Path cwd = Path.of("").toAbsolutePath();
        return dir.startsWith(cwd) && !dir.equals(cwd) ? cwd.relativize(dir) : dir;
    }
}
