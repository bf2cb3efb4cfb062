package org.marginmax.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import org.marginmax.io.Json;
import org.marginmax.run.AtomicFiles;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunDirectory;
import org.marginmax.run.RunLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a run directory says about itself, read without taking its lock: planned, running, stopped, complete or
 * failed. {@code failed} comes from the run's own record: its summary (stopped for a reason) or the exit code its
 * task wrote ({@link #EXIT_CODE}), never from a scheduler's accounting.
 */
public record RunState(State state, int epoch, int epochs, Double log10Loss, Double normalizedMargin,
                       Duration heartbeatAge, String where, String note) {
    /** The exit code of the task's last JVM, written by whoever saw it end (sweep run, or the Slurm batch shell). */
    public static final String EXIT_CODE = "exit-code";

    public enum State { PLANNED, RUNNING, STOPPED, COMPLETE, FAILED;
        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    public static RunState of(Path run, int plannedEpochs) {
        Optional<RunLock.Holder> holder = RunLock.holder(run);
        JsonNode hb = read(run.resolve("heartbeat.json"));
        JsonNode summary = read(run.resolve(RunDirectory.SUMMARY));
        List<String> last = lastRow(run);
        int epoch = last == null ? -1 : (int) num(last, run, "epoch", -1);
        Double loss = last == null ? null : numOrNull(last, run, "log10_loss");
        Double margin = last == null ? null : numOrNull(last, run, "normalized_margin");
        int epochs = hb != null && hb.has("epochs") ? hb.get("epochs").asInt() : plannedEpochs;
        Duration age = null;
        if (hb != null && hb.has("time")) {
            try {
                age = Duration.between(Instant.parse(hb.get("time").asText()), Instant.now());
            } catch (RuntimeException ignored) {
                // an unreadable time: no age
            }
        }
        Integer exit = exitCode(run);
        State state;
        String note = null;
        String where = "-";
        if (holder.isPresent() && isAlive(holder.get())) {
            state = State.RUNNING;
            where = holder.get().where();
        } else if (summary != null && summary.path("completed").asBoolean(false)) {
            state = State.COMPLETE;
        } else if (summary != null && !summary.path("interrupted").asBoolean(true)) {
            state = State.FAILED;
            note = summary.path("stop_reason").asText();
        } else if (exit != null && exit != 0) {
            state = State.FAILED;
            note = EXIT_PREFIX + exit;
        } else if (Files.exists(run.resolve(MetricsLog.CSV))) {
            state = State.STOPPED;
        } else {
            state = State.PLANNED;
        }
        return new RunState(state, epoch, epochs, loss, margin, age, where, note);
    }

    /** Alive: a process on this host with the recorded pid and start time; on another host we cannot tell, so yes. */
    private static boolean isAlive(RunLock.Holder h) {
        return !h.onThisHost() || h.aliveHere();
    }

    /** Failed by the run's own summary (e.g. the learning rate underflowed): a result, not a crash to retry. */
    public boolean stoppedForAReason() { return state == State.FAILED && note != null && !note.startsWith(EXIT_PREFIX); }

    private static final String EXIT_PREFIX = "exit code ";

    /** Whether a resume has something to start from. */
    public static boolean hasCheckpoint(Path run) {
        return !Checkpoints.list(run, new java.util.ArrayList<>()).isEmpty();
    }

    public static Integer exitCode(Path run) {
        Path f = run.resolve(EXIT_CODE);
        try {
            return Files.isRegularFile(f) ? Integer.valueOf(Files.readString(f).strip()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    public static void writeExitCode(Path run, int code) {
        AtomicFiles.writeString(run.resolve(EXIT_CODE), code + "\n");
    }

    /** One status line: id, state, epoch/E, log10 loss, normalized margin, heartbeat age, where. */
    public String line(String id, int idWidth) {
        return String.format(Locale.ROOT, "%-" + idWidth + "s  %-8s  %13s  log10 loss %9s  margin %10s  heartbeat %8s  %s%s",
                id, state.label(), "epoch " + (epoch < 0 ? "-" : epoch) + "/" + epochs,
                log10Loss == null ? "-" : String.format(Locale.ROOT, "%.3f", log10Loss),
                normalizedMargin == null ? "-" : String.format(Locale.ROOT, "%.3e", normalizedMargin),
                heartbeatAge == null ? "-" : age(heartbeatAge) + " ago", where, note == null ? "" : "  (" + note + ")");
    }

    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) return s + "s";
        if (s < 7200) return (s / 60) + "m";
        return (s / 3600) + "h";
    }

    private static JsonNode read(Path f) {
        try {
            return Files.isRegularFile(f) ? Json.MAPPER.readTree(f.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Header and last data row of metrics.csv (a torn last line is skipped), or null. */
    private static List<String> lastRow(Path run) {
        Path csv = run.resolve(MetricsLog.CSV);
        try {
            if (!Files.isRegularFile(csv)) return null;
            List<String> lines = Files.readAllLines(csv);
            if (lines.size() < 2) return null;
            int cols = lines.get(0).split(",", -1).length;
            for (int i = lines.size() - 1; i >= 1; i--)
                if (lines.get(i).split(",", -1).length == cols) return List.of(lines.get(0), lines.get(i));
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static double num(List<String> last, Path run, String col, double otherwise) {
        Double d = numOrNull(last, run, col);
        return d == null ? otherwise : d;
    }

    private static Double numOrNull(List<String> last, Path run, String col) {
        String[] h = last.get(0).split(",", -1), v = last.get(1).split(",", -1);
        for (int i = 0; i < h.length; i++) {
            if (!h[i].equals(col)) continue;
            try {
                return v[i].isEmpty() ? null : Double.valueOf(v[i]);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
