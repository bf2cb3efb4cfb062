package org.marginmax.train;
import org.marginmax.io.Json;
import org.marginmax.run.AtomicFiles;
import org.marginmax.run.RunDirectory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Progress per accepted epoch: epoch/E, loss, accuracies, margin, s/epoch, ETA. On a terminal one live line that
 * rewrites itself; otherwise plain log lines. Also {@code heartbeat.json} in the run directory (last epoch and
 * time), so a run can be checked from another shell.
 */
public class ProgressReporter {
    public static final String HEARTBEAT = "heartbeat.json";
    private static final Logger LOG = LoggerFactory.getLogger("org.marginmax.progress");

    private final boolean live;
    private final PrintStream out;
    private boolean lineOpen;

    public ProgressReporter() { this(System.console() != null, System.err); }

    public ProgressReporter(boolean live, PrintStream out) {
        this.live = live;
        this.out = out;
    }

    /** @param note appended to the line when not empty (e.g. the epoch's rejected attempts) */
    public void epoch(RunDirectory run, int epoch, int epochs, Map<String, Object> row, double wallSeconds, String note) {
        String line = line(epoch, epochs, row, wallSeconds) + (note.isEmpty() ? "" : "  (" + note + ")");
        if (live) {
            out.print("\r\033[K" + line);
            out.flush();
            lineOpen = true;
        } else {
            LOG.info(line);
        }
        ObjectNode hb = Json.MAPPER.createObjectNode();
        hb.put("epoch", epoch);
        hb.put("epochs", epochs);
        hb.put("time", Instant.now().toString());
        hb.put("pid", ProcessHandle.current().pid());
        hb.put("log10_loss", (Double) row.get("log10_loss"));
        hb.put("wall_seconds", wallSeconds);
        hb.put("status", line);
        AtomicFiles.writeString(run.resolve(HEARTBEAT), hb.toPrettyString());
    }

    /** Ends the live line (so later messages start on a fresh line). */
    public void finish() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    public static String line(int epoch, int epochs, Map<String, Object> row, double wallSeconds) {
        double perEpoch = epoch == 0 ? 0 : wallSeconds / epoch;
        Object test = row.get("test_acc");
        return String.format(Locale.ROOT,
                "epoch %d/%d  log10 loss %.3f  train %.2f%%  test %s  q_min/rho^L %.3e  lr %.3g  %.2f s/epoch  ETA %s",
                epoch, epochs, num(row.get("log10_loss")), 100 * num(row.get("train_acc")),
                test == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * num(test)),
                num(row.get("normalized_margin")), num(row.get("lr")), perEpoch,
                epoch == 0 ? "-" : duration(perEpoch * (epochs - epoch)));
    }

    private static double num(Object o) { return o instanceof Number n ? n.doubleValue() : Double.NaN; }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
