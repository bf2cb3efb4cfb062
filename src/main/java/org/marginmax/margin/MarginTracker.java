package org.marginmax.margin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns accepted epochs' measurements into metrics rows (protocol A), and tracks what spans epochs: the first
 * separated epoch and how often the smoothed normalized margin decreased after it (Lyu & Li, Theorem 4.1: it
 * should not, for small enough steps).
 */
public final class MarginTracker {
    /** A decrease counts when gamma~ falls by more than this, relative. */
    public static final double DECREASE_TOLERANCE = 1e-9;
    private static final double LN10 = Math.log(10);

    private final int order;
    private final int layers;
    private final MarginStatistics statistics;
    private int separatedSince = -1;
    private double lastSmoothed = Double.NaN;
    private int smoothedDecreases;

    public MarginTracker(MarginStatistics statistics) {
        this.statistics = statistics;
        this.order = statistics.structure().order();
        this.layers = statistics.structure().weightLayers().size();
    }

    public List<String> columns() {
        List<String> c = new ArrayList<>(List.of("epoch", "log10_loss", "log10_loss_sum", "train_acc", "test_acc",
                "test_log10_loss", "q_min", "q_max", "rho"));
        for (int i = 1; i <= layers; i++) c.add("rho_" + i);
        c.addAll(List.of("norm_product", "log10_norm_product", "log_rho_L", "normalized_margin",
                "normalized_margin_product", "smoothed_margin"));
        for (int k = 1; k <= 7; k++) c.add("support_" + k);
        c.addAll(List.of("separated", "epochs_since_separation", "smoothed_margin_decreases", "rollbacks", "lr",
                "log10_real_lr", "log_frame", "train_seconds", "stats_seconds", "wall_seconds", "alignment",
                "attempts", "sgd_steps", "active_examples", "log10_skipped_share"));
        return c;
    }

    /** Restores the cross-epoch state (when resuming from a checkpoint's metrics row). */
    public void restore(int separatedSince, double lastSmoothed, int smoothedDecreases) {
        this.separatedSince = separatedSince;
        this.lastSmoothed = lastSmoothed;
        this.smoothedDecreases = smoothedDecreases;
    }

    public int separatedSince() { return separatedSince; }
    public double lastSmoothed() { return lastSmoothed; }
    public int smoothedDecreases() { return smoothedDecreases; }

    /**
     * @param spent       rollbacks, epoch attempts and SGD steps so far (columns rollbacks, attempts, sgd_steps)
     * @param frameLr     the rate SGD used in frame units
     * @param logFrame    the log-frame the epoch trained in (real rate = frameLr * exp(-logFrame))
     */
    public Map<String, Object> row(int epoch, EpochMeasurement m, ScheduleCounts spent, double frameLr, double logFrame,
                                   double trainSeconds, double wallSeconds) {
        SetStatistics tr = m.train();
        ParameterNorms norms = m.norms();
        double logRhoL = norms.logRhoL(order);
        double smoothed = ParameterNorms.divideByExp(statistics.loss().smoothedMarginNumerator(tr.logSumLoss()), logRhoL);
        if (!(smoothed > 0)) smoothed = Double.NaN; // defined once L < l(0) (protocol A)
        boolean separated = tr.qMin() > 0;
        if (separated && separatedSince < 0) separatedSince = epoch;
        if (separatedSince >= 0 && !Double.isNaN(smoothed)) {
            if (!Double.isNaN(lastSmoothed) && smoothed < lastSmoothed * (1 - DECREASE_TOLERANCE)) smoothedDecreases++;
            lastSmoothed = smoothed;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epoch", epoch);
        r.put("log10_loss", tr.log10MeanLoss());
        r.put("log10_loss_sum", tr.log10SumLoss());
        r.put("train_acc", tr.accuracy());
        r.put("test_acc", m.test() == null ? null : m.test().accuracy());
        r.put("test_log10_loss", m.test() == null ? null : m.test().log10MeanLoss());
        r.put("q_min", tr.qMin());
        r.put("q_max", tr.qMax());
        r.put("rho", norms.rho());
        for (int i = 0; i < layers; i++) r.put("rho_" + (i + 1), norms.layerNorms()[i]);
        r.put("norm_product", Math.exp(norms.logNormProduct()));
        r.put("log10_norm_product", norms.logNormProduct() / LN10);
        r.put("log_rho_L", logRhoL);
        r.put("normalized_margin", ParameterNorms.divideByExp(tr.qMin(), logRhoL));
        r.put("normalized_margin_product", ParameterNorms.divideByExp(tr.qMin(), norms.logNormProduct()));
        r.put("smoothed_margin", smoothed);
        for (int k = 1; k <= 7; k++) r.put("support_" + k, tr.supportCount(k));
        r.put("separated", separated);
        r.put("epochs_since_separation", separatedSince < 0 ? null : epoch - separatedSince);
        r.put("smoothed_margin_decreases", smoothedDecreases);
        r.put("rollbacks", spent.rollbacks());
        r.put("lr", frameLr);
        r.put("log10_real_lr", Math.log10(frameLr) - logFrame / LN10);
        r.put("log_frame", logFrame);
        r.put("train_seconds", trainSeconds);
        r.put("stats_seconds", m.seconds());
        r.put("wall_seconds", wallSeconds);
        r.put("alignment", m.alignment());
        r.put("attempts", spent.attempts());
        r.put("sgd_steps", spent.sgdSteps());
        r.put("active_examples", null); // train.skip_settled: the trainer fills these two
        r.put("log10_skipped_share", null);
        return r;
    }
}
