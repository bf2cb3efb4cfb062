package org.marginmax.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.marginmax.io.Json;
import org.marginmax.io.UserInputException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One writer per run directory: {@code train} and {@code resume} hold an exclusive OS lock on {@code RUN_DIR/.lock}
 * for their whole life. The OS drops it when the process dies in any way (SIGKILL included), so a lock left by a dead
 * process on a local disk never blocks. The lock file is opened by nothing else (closing any descriptor of a file in
 * a JVM drops its POSIX lock); who holds it is in a separate file, {@code lock-holder.json}, which readers such as
 * {@code sweep status} read without ever taking the lock. The holder deletes it when it ends normally.
 */
public final class RunLock implements AutoCloseable {
    public static final String LOCK_FILE = ".lock";
    public static final String HOLDER_FILE = "lock-holder.json";

    /** Another process (or this JVM) holds the lock: a second writer. */
    public static final class LockedException extends UserInputException {
        public LockedException(String message) { super(message); }
    }

    /** The file system cannot lock at all (NFS without lockd, Lustre without -o flock). */
    public static final class UnsupportedException extends UserInputException {
        public UnsupportedException(String message) { super(message); }
    }

    /** Who holds (or last held, if it died) a run directory's lock. {@code started} is the process's start time. */
    public record Holder(long pid, String host, String started, String since, String slurmJob, String slurmTask) {
        public String where() {
            return slurmJob != null ? host + " pid " + pid + " (Slurm job " + slurmJob
                    + (slurmTask != null ? " task " + slurmTask : "") + ")" : host + " pid " + pid;
        }

        public boolean onThisHost() { return host.equals(Provenance.hostName()); }

        /** True when this is a process on this host that is alive and is the same process (same start time). */
        public boolean aliveHere() {
            if (!onThisHost()) return false;
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .map(p -> started == null || p.info().startInstant().map(Instant::toString).orElse(started).equals(started))
                    .orElse(false);
        }
    }

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code runDir} (which must exist) and records this process as its holder. */
    public static RunLock acquire(Path runDir) {
        Path file = runDir.resolve(LOCK_FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UserInputException("cannot open " + file + " to lock the run directory: " + e.getMessage());
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UnsupportedException("cannot lock " + file + " (" + e.getMessage() + "): the file system "
                    + mountOf(runDir) + " does not support locks (NFS without lockd, Lustre without -o flock); "
                    + "put the run on a local disk or a locking mount, or pass --no-lock if you are sure nothing else writes it");
        }
        if (lock == null) {
            closeQuietly(ch);
            throw new LockedException(runDir + " is being written by " + holder(runDir).map(h -> h.where()
                    + " (started " + h.started() + ")").orElse("another process (no " + HOLDER_FILE + " yet)")
                    + ": one writer per run; wait for it to end or stop it (Ctrl-C / kill -TERM PID) first");
        }
        RunLock l = new RunLock(runDir, ch, lock);
        l.writeHolder();
        return l;
    }

    private void writeHolder() {
        ObjectNode h = Json.MAPPER.createObjectNode();
        ProcessHandle self = ProcessHandle.current();
        h.put("pid", self.pid());
        h.put("host", Provenance.hostName());
        h.put("started", self.info().startInstant().map(Instant::toString).orElse(null));
        h.put("since", Instant.now().toString());
        String job = System.getenv("SLURM_ARRAY_JOB_ID") != null ? System.getenv("SLURM_ARRAY_JOB_ID") : System.getenv("SLURM_JOB_ID");
        if (job != null) h.put("slurm_job", job);
        if (System.getenv("SLURM_ARRAY_TASK_ID") != null) h.put("slurm_task", System.getenv("SLURM_ARRAY_TASK_ID"));
        AtomicFiles.writeString(dir.resolve(HOLDER_FILE), h.toPrettyString());
    }

    /** The recorded holder, if any (read only; the lock is not touched). */
    public static Optional<Holder> holder(Path runDir) {
        Path f = runDir.resolve(HOLDER_FILE);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            JsonNode n = Json.MAPPER.readTree(f.toFile());
            return Optional.of(new Holder(n.path("pid").asLong(), n.path("host").asText("?"),
                    text(n, "started"), text(n, "since"), text(n, "slurm_job"), text(n, "slurm_task")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The mount holding {@code p}, from /proc/mounts: "TYPE mounted at DIR (from SOURCE)". */
    static String mountOf(Path p) {
        try {
            Path real = p.toRealPath();
            String best = null;
            String bestPoint = "";
            for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
                String[] f = line.split(" ");
                if (f.length < 3) continue;
                String point = f[1].replace("\\040", " ");
                if (real.startsWith(point) && point.length() >= bestPoint.length()) {
                    bestPoint = point;
                    best = f[2] + " mounted at " + point + " (from " + f[0] + ")";
                }
            }
            return best != null ? best : "of " + p;
        } catch (IOException | RuntimeException e) {
            return "of " + p;
        }
    }

    @Override public void close() {
        try {
            Files.deleteIfExists(dir.resolve(HOLDER_FILE));
        } catch (IOException ignored) {
            // a stale holder file is harmless: the lock itself is what counts
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** The files a run directory holds for its lock (not part of the run's results). */
    public static List<String> files() { return List.of(LOCK_FILE, HOLDER_FILE); }
}
