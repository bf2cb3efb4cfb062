package org.marginmax.robust;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a probe on stderr: checkpoint i of k, the attack's status, examples per second and an ETA for the
 * checkpoint and for the whole probe. On a terminal one live line rewrites itself; otherwise a line every 10 s.
 */
public class ProbeProgress {
    private final PrintStream out;
    private final boolean live;
    private int index, total;
    private String label = "";
    private int examples;
    private long checkpointStarted;
    private long lastPrint;
    private boolean lineOpen;
    private double computedSeconds;
    private int computed;

    public ProbeProgress(PrintStream out, boolean live) {
        this.out = out;
        this.live = live;
    }

    public static ProbeProgress quiet() { return new ProbeProgress(new PrintStream(java.io.OutputStream.nullOutputStream()), false); }

    void checkpoint(int index, int total, String label, int examples) {
        this.index = index;
        this.total = total;
        this.label = label;
        this.examples = examples;
        this.checkpointStarted = System.nanoTime();
        this.lastPrint = 0;
    }

    AttackProgress attackProgress() {
        return (fraction, status) -> {
            long now = System.nanoTime();
            if (now - lastPrint < (live ? 1_000_000_000L : 10_000_000_000L)) return;
            lastPrint = now;
            double sec = (now - checkpointStarted) / 1e9;
            if (fraction < 1e-3) {
                print(String.format(Locale.ROOT, "[%d/%d] %s: %s", index, total, label, status));
                return;
            }
            double f = Math.max(1e-9, Math.min(1, fraction));
            double leftHere = sec / f * (1 - f);
            double perCheckpoint = computed > 0 ? computedSeconds / computed : sec / f;
            double leftAll = leftHere + (total - index) * perCheckpoint;
            String line = String.format(Locale.ROOT, "[%d/%d] %s: %s  %.0f%%  %.1f ex/s  ETA %s (all %s)",
                    index, total, label, status, 100 * f, examples * f / Math.max(sec, 1e-9),
                    duration(leftHere), duration(leftAll));
            print(line);
        };
    }

    /** The checkpoint begun by {@link #checkpoint} was attacked in {@code seconds}. */
    void checkpointDone(double seconds) {
        computedSeconds += seconds;
        computed++;
    }

    void message(String line) {
        end();
        out.println(line);
    }

    void print(String line) {
        if (live) {
            out.print("\r\033[K" + line);
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    void end() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "-";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
