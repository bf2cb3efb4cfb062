package org.marginmax.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures from {@code RUN_DIR/kkt/kkt.csv} (written by {@code margin-max kkt}): kkt_eps and 1 − alignment against
 * epoch on a log axis, and the margin distribution (quantiles of q_n/ρᴸ, train and test) per checkpoint. Runs
 * without a kkt table give no figure.
 */
public final class KktFigures {
    private KktFigures() {}

    public static final String CSV = "kkt/kkt.csv";

    static final String RESIDUAL_CAPTION = "kkt_eps = min over λ ≥ 0 of ‖θ̃ − Σ λ_a ∇q_a‖ / ‖θ̃‖ (Lyu & Li, App. C); "
            + "alignment = cos(θ, −∇ℒ). Both tend to 0 as the direction approaches a KKT point of the max-margin "
            + "problem. See docs/KKT.md.";
    static final String MARGINS_CAPTION = "Quantiles 1%, 10%, 50% of the normalized margins q_n / ρᴸ over the "
            + "training and test sets, per checkpoint.";

    public static List<Figure> build(List<Path> runDirs, List<String> labels) {
        List<Figure> out = new ArrayList<>();
        XYChart residual = chart("KKT residual and alignment", "epoch", "kkt_eps, 1 − alignment (log scale)");
        residual.getStyler().setYAxisLogarithmic(true);
        XYChart margins = chart("Margin distribution per checkpoint", "epoch", "quantile of q_n / ρᴸ");
        int seriesCount = 0, marginCount = 0;
        List<String> runs = new ArrayList<>();
        List<Integer> runIndex = new ArrayList<>();
        for (int i = 0; i < runDirs.size(); i++) {
            Path f = runDirs.get(i).resolve(CSV);
            if (!Files.isRegularFile(f)) continue;
            CsvTable t = CsvTable.read(f);
            runs.add(labels.get(i));
            runIndex.add(i);
            String run = runDirs.size() == 1 ? "" : labels.get(i) + ": ";
            double[] epoch = t.numbers("epoch");
            seriesCount += add(residual, run + "kkt_eps", epoch, t.numbers("kkt_eps"), true, 0, i);
            double[] a = t.numbers("alignment");
            double[] gap = new double[a.length];
            for (int k = 0; k < a.length; k++) gap[k] = 1 - a[k];
            seriesCount += add(residual, run + "1 − alignment", epoch, gap, true, 1, i);
            String[] quantiles = {"01", "10", "50"};
            for (int k = 0; k < quantiles.length; k++) {
                String q = quantiles[k];
                marginCount += add(margins, run + "train q" + q, epoch, t.numbers("margin_q" + q), false, k, 2 * i);
                if (t.has("test_margin_q" + q))
                    marginCount += add(margins, run + "test q" + q, epoch, t.numbers("test_margin_q" + q), false, k, 2 * i + 1);
            }
        }
        if (seriesCount > 0)
            out.add(new Figure("kkt-residual", residual, List.of(RESIDUAL_CAPTION)));
        // several runs: the quantiles' colours and the (run, split) dashes named once each, not all 6 per run
        List<Figure.LegendEntry> legend = null;
        if (runs.size() > 1) {
            legend = new ArrayList<>();
            String[] names = {"q01 (1%)", "q10 (10%)", "q50 (median)"};
            for (int k = 0; k < names.length; k++)
                legend.add(new Figure.LegendEntry(names[k], Figures.PALETTE[k], Figures.STROKES[0], SeriesMarkers.CIRCLE, false));
            Color ink = new Color(60, 60, 60);
            for (int r = 0; r < runs.size(); r++)
                for (int split = 0; split < 2; split++)
                    legend.add(new Figure.LegendEntry(runs.get(r) + (split == 0 ? ": train" : ": test"), ink,
                            Figures.STROKES[(2 * runIndex.get(r) + split) % Figures.STROKES.length], null, false));
        }
        if (marginCount > 0) {
            double scale = scaleSmallY(margins);
            out.add(new Figure("kkt-margins", margins, List.of(MARGINS_CAPTION), scale, legend));
        }
        return out;
    }

    /**
     * Small margins drawn in units of 10^k named on the axis, as the epoch figures are ({@link Figures#smallYExponent});
     * returns the factor applied (1: none), which the data CSV divides out again.
     */
    private static double scaleSmallY(XYChart c) {
        Integer k = Figures.smallYExponent(c.getSeriesMap().values().stream().map(XYSeries::getYData).toList());
        if (k == null) return 1;
        double scale = Math.pow(10, -k);
        for (XYSeries s : List.copyOf(c.getSeriesMap().values())) {
            double[] y = s.getYData().clone();
            for (int i = 0; i < y.length; i++) y[i] *= scale;
            c.updateXYSeries(s.getName(), s.getXData(), y, null);
        }
        c.setYAxisTitle(c.getYAxisTitle() + " " + Figures.unitOf(k));
        return scale;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChart(900, 520);
        c.setTitle(title);
        c.setXAxisTitle(x);
        c.setYAxisTitle(y);
        var s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setMarkerSize(4);
        return c;
    }

    /**
     * Adds the finite (and, on a log axis, positive) points in colour {@code colour} and dash {@code dash} of the
     * figures' palette; returns 1 if a series was added.
     */
    private static int add(XYChart c, String name, double[] x, double[] y, boolean positive, int colour, int dash) {
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < Math.min(x.length, y.length); i++)
            if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && (!positive || y[i] > 0)) kept.add(new double[]{x[i], y[i]});
        if (kept.isEmpty()) return 0;
        XYSeries s = c.addSeries(name, kept.stream().mapToDouble(p -> p[0]).toArray(),
                kept.stream().mapToDouble(p -> p[1]).toArray());
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(Figures.PALETTE[colour % Figures.PALETTE.length]);
        s.setMarkerColor(Figures.PALETTE[colour % Figures.PALETTE.length]);
        s.setLineStyle(Figures.STROKES[dash % Figures.STROKES.length]);
        return 1;
    }
}
