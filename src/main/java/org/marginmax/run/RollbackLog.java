package org.marginmax.run;

import org.marginmax.io.Csv;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rollbacks.csv}: one row per rejected epoch attempt (epoch, attempt, cause, detail, the frame learning rate
 * tried and the one the schedule moves to), appended and flushed at once. The console shows only a per-epoch
 * count; this file keeps every rejection. A {@code back-to-verified} row is not an attempt: the predictive schedule
 * with thinned statistics went back from that epoch to the one in its detail (docs/SCHEDULES.md); so epochs can fall
 * from one row to the next, but never below the run's last checkpoint, which is of a verified epoch.
 */
public final class RollbackLog implements Closeable {
    public static final String CSV = "rollbacks.csv";
    static final String HEADER = "epoch,attempt,cause,detail,frame_lr,next_frame_lr";

    private final BufferedWriter out;

    private RollbackLog(BufferedWriter out) { this.out = out; }

    public static RollbackLog open(Path runDir) {
        Path f = runDir.resolve(CSV);
        try {
            boolean fresh = !Files.exists(f) || Files.size(f) == 0;
            BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (fresh) {
                w.write(HEADER);
                w.newLine();
                w.flush();
            }
            return new RollbackLog(w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + f + ": " + e.getMessage(), e);
        }
    }

    /** @param cause a fixed token without commas (e.g. {@code loss-rose}); detail the number behind it */
    public void append(int epoch, int attempt, String cause, double detail, double frameLr, double nextFrameLr) {
        try {
            out.write(Csv.line(List.of(Integer.toString(epoch), Integer.toString(attempt), cause, Double.toString(detail),
                    Double.toString(frameLr), Double.toString(nextFrameLr))));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + CSV + ": " + e.getMessage(), e);
        }
    }

    /** Drops the rows of epochs after {@code epoch} (a resumed run re-runs them), atomically. */
    public static void truncateAfter(Path runDir, int epoch) {
        Path f = runDir.resolve(CSV);
        if (!Files.exists(f)) return;
        try {
            List<List<String>> keep = new ArrayList<>(List.of(Csv.cells(HEADER)));
            for (List<String> row : Csv.read(f).stream().skip(1).toList()) {
                if (row.get(0).matches("\\d+") && Integer.parseInt(row.get(0)) <= epoch && row.size() == 6) keep.add(row);
            }
            AtomicFiles.writeString(f, Csv.text(keep));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + f + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() throws IOException { out.close(); }
}
