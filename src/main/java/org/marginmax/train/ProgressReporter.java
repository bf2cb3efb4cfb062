package org.marginmax.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;

/** One progress line per accepted epoch: epoch/E, loss, accuracies, margin, s/epoch, ETA. */
public class ProgressReporter {
    private static final Logger LOG = LoggerFactory.getLogger("org.marginmax.progress");

    public void epoch(int epoch, int epochs, Map<String, Object> row, double wallSeconds) {
        LOG.info(line(epoch, epochs, row, wallSeconds));
    }

    public static String line(int epoch, int epochs, Map<String, Object> row, double wallSeconds) {
        double perEpoch = epoch == 0 ? 0 : wallSeconds / epoch;
        Object test = row.get("test_acc");
        return String.format(Locale.ROOT, "epoch %d/%d  log10 loss %.3f  train %.2f%%  test %s  q_min/rho^L %.3e  lr %.3g  %.2f s/epoch  ETA %s",
                epoch, epochs, (Double) row.get("log10_loss"), 100 * (Double) row.get("train_acc"),
                test == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * (Double) test),
                (Double) row.get("normalized_margin"), (Double) row.get("lr"), perEpoch,
                epoch == 0 ? "-" : duration(perEpoch * (epochs - epoch)));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
