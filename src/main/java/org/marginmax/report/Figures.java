package org.marginmax.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The paper-style figures of one or several runs, as XChart charts (nothing is written here; see
 * {@link FigureWriter}): curves against epoch read from metrics.csv, and from robustness/*.csv robust accuracy
 * against ε (one curve per checkpoint) and the minimal perturbation norms per checkpoint. Several runs share each
 * figure, told apart by {@link RunLabels}. What a run lacks (a column, a robustness file) is left out with a note.
 */
public final class Figures {
    /**
     * @param logEpochs log-scaled epoch axis (epoch 0 is then left out)
     * @param band      runs differing only in seed drawn as one group with this band ({@code null}: one curve per run)
     */
    public record Options(boolean logEpochs, Band band) {
        public static Options defaults() { return new Options(false, null); }

        public Options withLogEpochs(boolean log) { return new Options(log, band); }

        /** Runs differing only in seed drawn as one group: its mean and a band ({@code null}: one curve per run). */
        public Options withGroups(Band b) { return new Options(logEpochs, b); }
    }

    /** The band around a group's mean curve: ±1 sample standard deviation, or min to max. */
    public enum Band {
        STD("±1 sample std"), MINMAX("min–max");
        final String legend;

        Band(String legend) { this.legend = legend; }
    }

    /** The figures and what could not be drawn. */
    public record FigureSet(List<Figure> figures, List<String> notes) {
        public Figure get(String name) {
            return figures.stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no figure " + name));
        }
    }

    private static final double LN10 = Math.log(10);

    private final List<RunMetrics> runs;
    private final List<String> labels;
    private final Options options;
    private final List<String> notes = new ArrayList<>();
    private final List<String> caption;
    /** Run label → the margin figures it was left out of, never having separated. */
    private final Map<String, List<String>> neverSeparated = new LinkedHashMap<>();

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Figures(List<RunMetrics> runs, Options options) {
        this.runs = runs;
        this.labels = RunLabels.of(runs);
        this.options = options;
        this.caption = runs.stream().map(RunMetrics::captionLine).toList();
    }

    public static FigureSet build(List<RunMetrics> runs, Options options) {
        if (runs.isEmpty()) throw new org.marginmax.io.UserInputException("no run to plot: give at least one run directory");
        Figures f = new Figures(runs, options);
        List<Figure> out = new ArrayList<>(f.epochFigures());
        out.addAll(f.robustnessFigures());
        return new FigureSet(List.copyOf(out), List.copyOf(f.notes));
    }

    /**
     * A metrics column drawn as one curve per run; {@code grey}: the part before the run's first separated epoch drawn
     * light grey; {@code marks}: a cumulative counter column whose rises are marked on the curve (null: none).
     */
    private record Curve(String column, String kind, UnaryOperator<double[]> transform, boolean grey, String marks) {
        Curve(String column, String kind) { this(column, kind, v -> v); }

        Curve(String column, String kind, UnaryOperator<double[]> transform) { this(column, kind, transform, false, null); }

        Curve greyBeforeSeparation() { return new Curve(column, kind, transform, true, marks); }

        Curve marking(String counter) { return new Curve(column, kind, transform, grey, counter); }
    }

    private List<Figure> epochFigures() {
        List<Figure> out = new ArrayList<>();
        epochFigure(out, "loss", "Training loss", "log10 training loss", List.of(new Curve("log10_loss", "")));
        epochFigure(out, "accuracy", "Accuracy", "accuracy",
                List.of(new Curve("train_acc", "train"), new Curve("test_acc", "test")));
        // each normalized margin on its own axis (q_min/ρᴸ is ~100× smaller), scaled from separation on
        scaleFromSeparation(epochFigure(out, "margin", "Normalized margin q_min / ρᴸ", "q_min / ρᴸ",
                List.of(new Curve("normalized_margin", "q_min / ρᴸ").greyBeforeSeparation())));
        scaleFromSeparation(epochFigure(out, "margin-product", "Normalized margin q_min / ∏ρ_i", "q_min / ∏ρ_i",
                List.of(new Curve("normalized_margin_product", "q_min / ∏ρ_i").greyBeforeSeparation())));
        epochFigure(out, "smoothed-margin", "Smoothed normalized margin", "smoothed normalized margin",
                List.of(new Curve("smoothed_margin", "").greyBeforeSeparation().marking("smoothed_margin_decreases")));
        Set<String> layerNorms = new LinkedHashSet<>();
        runs.forEach(r -> layerNorms.addAll(r.layerNormColumns()));
        List<Curve> norms = new ArrayList<>(List.of(new Curve("rho", "ρ")));
        layerNorms.forEach(c -> norms.add(new Curve(c, "ρ_" + c.substring(4))));
        epochFigure(out, "norms", "Parameter norms", "ℓ2 norm", norms);
        List<Curve> support = new ArrayList<>();
        for (int k = 1; k <= 7; k++) support.add(new Curve("support_" + k, "k=" + k));
        epochFigure(out, "support", "Support-vector counts: points with q_n < q_min + ln 10ᵏ", "points", support);
        // the frame rate lr and the real rate lr / ℒ differ by the loss itself (decades apart): one axis each
        epochFigure(out, "lr", "Learning rate in frame units (lr)", "log10 lr (frame units)",
                List.of(new Curve("lr", "lr (frame units)", Figures::log10)));
        epochFigure(out, "lr-real", "Real learning rate (lr / training loss)", "log10 real learning rate",
                List.of(new Curve("log10_real_lr", "real lr")));
        neverSeparated.forEach((run, figures) -> notes.add(run + ": never separated the training set (no epoch with "
                + "separated > 0): left out of " + (figures.size() == 1 ? "figure " : "figures ") + String.join(", ", figures)));
        return out;
    }

    /**
     * Sets the y range of figure {@code f} (null: none was drawn) from the epochs at which its run had separated the
     * training set: before separation the normalized margin is negative and would set the scale; that part stays
     * drawn, clipped.
     */
    private void scaleFromSeparation(Figure f) {
        if (f == null) return;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < runs.size(); i++) {
            RunMetrics r = runs.get(i);
            int row = firstSeparatedRow(r);
            if (row < 0) continue;
            double first = r.column("epoch")[row];
            for (XYSeries xy : f.chart().getSeriesMap().values()) {
                double[] x = xy.getXData(), y = xy.getYData();
                if (!seriesOfRun(xy.getName(), i)) continue;
                for (int k = 0; k < x.length; k++)
                    if (x[k] >= first && Double.isFinite(y[k])) { lo = Math.min(lo, y[k]); hi = Math.max(hi, y[k]); }
            }
        }
        if (!(hi > lo)) return;
        double pad = 0.05 * (hi - lo);
        f.chart().getStyler().setYAxisMin(lo - pad);
        f.chart().getStyler().setYAxisMax(hi + pad);
    }

    /** Whether a series of a one-curve epoch figure belongs to run i (bands and means are named by their group). */
    private boolean seriesOfRun(String series, int i) {
        return options.band() != null || runs.size() == 1 || series.equals(labels.get(i));
    }

    /** Adds the figure of these curves against epoch to {@code out} and returns it; null if nothing could be drawn. */
    private Figure epochFigure(List<Figure> out, String name, String title, String yLabel, List<Curve> curves) {
        Plot p = new Plot(name, title, options.logEpochs() ? "epoch (log scale)" : "epoch", yLabel, options.logEpochs());
        boolean oneKind = curves.size() == 1;
        int greyRuns = 0, markedRuns = 0;
        Set<Integer> leftOut = new java.util.HashSet<>();
        boolean someSeparated = runs.stream().anyMatch(o -> o.has("separated") && firstSeparatedRow(o) >= 0);
        if (options.band() != null) {
            groupCurves(p, curves);
        } else for (int i = 0; i < runs.size(); i++) {
            RunMetrics r = runs.get(i);
            // a margin of a run that never separated is negative throughout: below the range the separated runs set
            // (drawn, all grey, when no run separated)
            if (someSeparated && curves.stream().anyMatch(Curve::grey) && r.has("separated") && firstSeparatedRow(r) < 0) {
                neverSeparated.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(name);
                leftOut.add(i);
                continue;
            }
            double[] epochs = r.column("epoch");
            List<String> missing = new ArrayList<>();
            for (Curve c : curves) {
                if (!r.has(c.column())) {
                    missing.add(c.column());
                    continue;
                }
                String series = oneKind ? labels.get(i) : runs.size() == 1 ? c.kind() : labels.get(i) + ": " + c.kind();
                p.variantNames.put(c.column(), c.kind());
                double[] y = c.transform().apply(r.column(c.column()));
                int s = c.grey() ? firstSeparatedRow(r) : -1;
                if (s > 0 && !p.kept(Arrays.copyOf(epochs, s), Arrays.copyOf(y, s)).isEmpty()) {
                    // both parts share the first separated epoch, so that the line is continuous
                    p.add(series, Arrays.copyOfRange(epochs, s, epochs.length), Arrays.copyOfRange(y, s, y.length), i, c.column());
                    String name0 = "before separation" + (greyRuns == 0 ? "" : " (" + labels.get(i) + ")");
                    p.add(name0, Arrays.copyOf(epochs, s + 1), Arrays.copyOf(y, s + 1), i, c.column(),
                            new Style(GREY, THIN, XYSeries.XYSeriesRenderStyle.Line, SeriesMarkers.NONE, greyRuns++ == 0));
                } else {
                    p.add(series, epochs, y, i, c.column());
                }
                if (c.marks() != null && r.has(c.marks())) {
                    double[][] m = rises(epochs, y, r.column(c.marks()));
                    String name1 = DECREASED + (markedRuns == 0 ? "" : " (" + labels.get(i) + ")");
                    // one run is drawn in the palette's first colour: marks in its second (vermillion) stand out;
                    // several runs: each run's marks in its colour, named once in the legend, in neutral ink
                    Color colour = runs.size() == 1 ? PALETTE[1] : null;
                    if (m[0].length > 0 && p.add(name1, m[0], m[1], i, c.column(),
                            new Style(colour, null, XYSeries.XYSeriesRenderStyle.Scatter, SeriesMarkers.CROSS,
                                    markedRuns == 0, runs.size() == 1 ? null : INK)))
                        markedRuns++;
                }
            }
            if (!missing.isEmpty())
                notes.add(labels.get(i) + ": no column " + String.join(", ", missing) + " in metrics.csv: left out of figure " + name);
        }
        if (p.isEmpty()) {
            notes.add("figure " + name + ": nothing to draw");
            return null;
        }
        double scale = p.scaleSmallY();
        XYChart chart = p.chart(false);
        List<String> drawn = new ArrayList<>(); // the provenance of the runs drawn
        for (int i = 0; i < runs.size(); i++) if (!leftOut.contains(i)) drawn.add(caption.get(i));
        Figure f = new Figure(name, chart, List.copyOf(drawn), scale, p.legend);
        out.add(f);
        return f;
    }

    /** The row of the run's first epoch with {@code separated} > 0; -1 if never or no such column. */
    private static int firstSeparatedRow(RunMetrics r) {
        if (!r.has("separated")) return -1;
        double[] sep = r.column("separated");
        for (int k = 0; k < sep.length; k++) if (sep[k] > 0) return k;
        return -1;
    }

    /** The epochs (and their y) at which the cumulative {@code counter} rose over its previous value. */
    private static double[][] rises(double[] epochs, double[] y, double[] counter) {
        List<Integer> rows = new ArrayList<>();
        double prev = Double.NaN;
        for (int k = 0; k < counter.length; k++) {
            if (!Double.isFinite(counter[k])) continue;
            if (counter[k] > prev) rows.add(k);
            prev = counter[k];
        }
        return new double[][]{rows.stream().mapToDouble(k -> epochs[k]).toArray(), rows.stream().mapToDouble(k -> y[k]).toArray()};
    }

    /**
     * One colour per group of runs differing only in seed: the mean over the group's runs at each epoch all of them
     * have, and the band (a filled polygon) around it; the legend names the differing overrides, n and the band.
     */
    private void groupCurves(Plot p, List<Curve> curves) {
        List<RunGroups.Group> groups = RunGroups.bySeed(runs);
        for (int g = 0; g < groups.size(); g++) {
            List<RunMetrics> members = groups.get(g).runs();
            for (Curve c : curves) {
                if (members.stream().noneMatch(r -> r.has(c.column()))) continue;
                List<RunMetrics> with = members.stream().filter(r -> r.has(c.column())).toList();
                double[] epochs = with.get(0).column("epoch");
                int n = with.size();
                double[] mean = new double[epochs.length], lo = new double[epochs.length], hi = new double[epochs.length];
                for (int e = 0; e < epochs.length; e++) {
                    double[] v = new double[n];
                    for (int k = 0; k < n; k++) {
                        int row = with.get(k).rowOf((int) epochs[e]);
                        v[k] = row < 0 ? Double.NaN : c.transform().apply(with.get(k).column(c.column()))[row];
                    }
                    RunComparison.Stat st = RunComparison.Stat.of(java.util.Arrays.stream(v).boxed().toList());
                    boolean all = st.n() == n;
                    mean[e] = all ? st.mean() : Double.NaN;
                    if (options.band() == Band.MINMAX) {
                        lo[e] = all ? java.util.Arrays.stream(v).min().orElse(Double.NaN) : Double.NaN;
                        hi[e] = all ? java.util.Arrays.stream(v).max().orElse(Double.NaN) : Double.NaN;
                    } else {
                        double sd = n > 1 ? st.std() : 0;
                        lo[e] = mean[e] - sd;
                        hi[e] = mean[e] + sd;
                    }
                }
                String label = groups.get(g).label() + (curves.size() == 1 ? "" : ": " + c.kind());
                p.runNames.put(g, groups.get(g).label() + " (mean of n=" + n + ")");
                p.variantNames.put(c.column(), c.kind());
                p.add(label + " (mean of n=" + n + ")", epochs, mean, g, c.column());
                p.addBand(label + " (" + options.band().legend + ")", epochs, lo, hi, g, c.column());
            }
        }
    }

    private List<Figure> robustnessFigures() {
        Map<String, List<Integer>> runsOf = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).robustness().isEmpty())
                notes.add(labels.get(i) + ": no " + Robustness.DIR + "/*.csv: robustness figures skipped");
            for (Robustness rb : runs.get(i).robustness())
                runsOf.computeIfAbsent(rb.key(), k -> new ArrayList<>()).add(i);
        }
        List<Figure> out = new ArrayList<>();
        for (String key : runsOf.keySet()) {
            String stem = key.replace('/', '-');
            String attack = key.substring(0, key.lastIndexOf('/')), split = key.substring(key.lastIndexOf('/') + 1);
            String where = attackName(attack) + ", " + split + " set";
            String norm = normName(key);
            // a minimal attack's robust accuracy at ε is the fraction of points whose smallest perturbation exceeds ε
            boolean minimal = minimal(attack, runsOf.get(key));
            Plot acc = minimal
                    ? new Plot("robust-" + stem, "Minimal attack " + where, "ε (" + norm + "perturbation norm)",
                    EXCEEDING, false)
                    : new Plot("robust-" + stem, "Robust accuracy under " + where, "ε (" + norm + "perturbation bound)",
                    "robust accuracy", false);
            Plot ecdf = new Plot("perturbation-" + stem, "Minimal attack " + where + ", each point",
                    "ε (" + norm + "perturbation norm)", EXCEEDING, false);
            Plot quantiles = new Plot("perturbation-" + stem, "Smallest perturbation norm per checkpoint, " + where,
                    options.logEpochs() ? "checkpoint epoch (log scale)" : "checkpoint epoch", norm + "perturbation norm",
                    options.logEpochs());
            for (int i : new LinkedHashSet<>(runsOf.get(key))) {
                String prefix = runs.size() == 1 ? "" : labels.get(i) + ", ";
                for (Robustness rb : runs.get(i).robustness()) {
                    if (!rb.key().equals(key)) continue;
                    for (Robustness.Checkpoint c : rb.checkpoints())
                        acc.add(prefix + "epoch " + c.epoch(), c.eps(), c.robustAcc(), i, "epoch " + c.epoch());
                    final int run = i;
                    rb.pointNorms().forEach((epoch, norms) -> {
                        double[][] f = fractionExceeding(norms);
                        ecdf.add(prefix + "epoch " + epoch, f[0], f[1], run, "epoch " + epoch);
                    });
                    Set<String> stats = new LinkedHashSet<>();
                    rb.checkpoints().forEach(c -> stats.addAll(c.normStats().keySet()));
                    for (String s : stats) {
                        double[] x = rb.checkpoints().stream().mapToDouble(Robustness.Checkpoint::epoch).toArray();
                        double[] y = rb.checkpoints().stream().mapToDouble(c -> c.normStats().getOrDefault(s, Double.NaN)).toArray();
                        quantiles.add(prefix + s, x, y, i, s);
                    }
                }
            }
            acc.unitInterval = ecdf.unitInterval = true;
            if (!acc.isEmpty()) out.add(new Figure(acc.name, acc.chart(true), caption, 1, acc.legend));
            if (!ecdf.isEmpty()) out.add(new Figure(ecdf.name, ecdf.chart(false), caption, 1, ecdf.legend));
            else if (!quantiles.isEmpty()) out.add(new Figure(quantiles.name, quantiles.chart(true), caption, 1, quantiles.legend));
            else notes.add(key + ": no per-point norms nor norm statistics (mean, median, quantiles): no perturbation figure");
        }
        return out;
    }

    static final String EXCEEDING = "fraction with smallest perturbation > ε";

    /**
     * The attack as a reader names it: "PGD L∞", "PGD L2", "C&W L2", "DeepFool L2" (from the words of its id, in
     * any order: pgd-linf, linf-pgd); an id it does not know, as it is.
     */
    static String attackName(String attack) {
        Set<String> w = Set.of(attack.toLowerCase(java.util.Locale.ROOT).split("[-_]"));
        String norm = w.contains("linf") || w.contains("l-inf") ? "L∞" : w.contains("l2") ? "L2" : null;
        if (w.contains("deepfool")) return "DeepFool " + (norm == null ? "L2" : norm);
        if (norm == null) return attack;
        if (w.contains("pgd")) return "PGD " + norm;
        if (w.contains("cw")) return "C&W " + norm;
        if (w.contains("fgsm")) return "FGSM " + norm;
        return attack;
    }

    /** Whether the attack returns each point's smallest perturbation: by its kind, else by its files' norms. */
    private boolean minimal(String attack, List<Integer> runIdx) {
        try {
            return org.marginmax.robust.AttackKind.of(attack).minimal();
        } catch (org.marginmax.io.UserInputException unknown) {
            for (int i : runIdx)
                for (Robustness rb : runs.get(i).robustness())
                    if (rb.attack().equals(attack) && (!rb.pointNorms().isEmpty()
                            || rb.checkpoints().stream().anyMatch(c -> !c.normStats().isEmpty()))) return true;
            return false;
        }
    }

    /** "L∞ " or "L2 " when the attack's name says which norm it bounds, else "". */
    static String normName(String attack) {
        String a = attack.toLowerCase(java.util.Locale.ROOT);
        return a.contains("linf") || a.contains("l-inf") ? "L∞ " : a.contains("l2") || a.contains("deepfool") ? "L2 " : "";
    }

    /**
     * ε and the fraction of ALL points whose minimal perturbation norm exceeds ε (a point never broken exceeds every
     * ε), a right-continuous step function of the ascending norms: (n - (i+1))/n at the i-th norm, and at ε = 0 the
     * fraction of norms above 0 (norms of 0 are counted there, not drawn again).
     */
    private static double[][] fractionExceeding(double[] sortedNorms) {
        int n = sortedNorms.length, zeros = 0;
        while (zeros < n && sortedNorms[zeros] <= 0) zeros++;
        int last = zeros;
        while (last < n && Double.isFinite(sortedNorms[last])) last++;
        double[] x = new double[1 + last - zeros], y = new double[x.length];
        y[0] = (n - zeros) / (double) n;
        for (int i = zeros; i < last; i++) {
            x[1 + i - zeros] = sortedNorms[i];
            y[1 + i - zeros] = (n - (i + 1)) / (double) n;
        }
        return new double[][]{x, y};
    }

    /**
     * k when every finite value is below 0.01 in size (and not all 0): the values are then drawn as multiples of
     * 10^k, the largest in [1, 10); null: drawn as they are.
     */
    static Integer smallYExponent(List<double[]> ys) {
        double max = 0;
        for (double[] y : ys) for (double v : y) if (Double.isFinite(v)) max = Math.max(max, Math.abs(v));
        if (!(max > 0) || max >= 0.01) return null;
        return (int) Math.floor(Math.log10(max));
    }

    /** The unit an axis title names for values drawn as multiples of 10^k: "(×10⁻⁴)". */
    static String unitOf(int k) { return "(×10" + Ticks.superscript(k) + ")"; }

    private static double[] log10(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] > 0 ? Math.log(v[i]) / LN10 : Double.NaN;
        return out;
    }

    /** Okabe & Ito's colour-blind-safe palette (blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow). */
    static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442)};
    private static final Color GREY = new Color(160, 160, 160);
    private static final BasicStroke THIN = new BasicStroke(1.0f);
    static final BasicStroke[] STROKES = {
            new BasicStroke(1.1f),
            new BasicStroke(1.1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{5, 2.5f}, 0),
            new BasicStroke(1.1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{1.2f, 1.8f}, 0),
            new BasicStroke(1.1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{5, 2, 1.2f, 2}, 0)};

    /**
     * A series' own look instead of its run's and variant's (colour, stroke null: those of the run and variant);
     * {@code legendColour}: its legend sample's colour when not the series' own (null: as drawn).
     */
    private record Style(Color colour, BasicStroke stroke, XYSeries.XYSeriesRenderStyle render, Marker marker,
                         boolean inLegend, Color legendColour) {
        Style(Color colour, BasicStroke stroke, XYSeries.XYSeriesRenderStyle render, Marker marker, boolean inLegend) {
            this(colour, stroke, render, marker, inLegend, null);
        }
    }

    static final String DECREASED = "smoothed margin decreased";
    private static final Color INK = new Color(60, 60, 60);

    /**
     * Series collected first, so that the legend can name colours and dashes once each. Each series belongs to a run
     * and a variant (a metric, a checkpoint): the more numerous of the two picks the colour, the other the dash.
     */
    private final class Plot {
        final String name, title, xLabel;
        String yLabel;
        final List<String> series = new ArrayList<>();
        final List<double[][]> data = new ArrayList<>();
        final List<Integer> runOf = new ArrayList<>();
        final List<Integer> variantOf = new ArrayList<>();
        final List<Style> styleOf = new ArrayList<>();
        final Map<String, Integer> variants = new LinkedHashMap<>();
        /** What the legend calls a variant, when its key is not its name (a metrics column: its curve's kind). */
        final Map<String, String> variantNames = new LinkedHashMap<>();
        /** Set by {@link #chart}: the legend listing colours and dashes once each, or null (one line per series). */
        List<Figure.LegendEntry> legend;
        /** What the legend calls a run index when it is not a run's label (a group of runs differing in seed). */
        final Map<Integer, String> runNames = new LinkedHashMap<>();
        final boolean logX;
        boolean unitInterval;

        Plot(String name, String title, String xLabel, String yLabel, boolean logX) {
            this.logX = logX;
            this.name = name;
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
        }

        /** The points that can be drawn: finite, x > 0 on a log axis. */
        List<double[]> kept(double[] x, double[] y) {
            List<double[]> kept = new ArrayList<>();
            for (int i = 0; i < Math.min(x.length, y.length); i++) {
                if (Double.isFinite(x[i]) && Double.isFinite(y[i]) && !(logX && x[i] <= 0))
                    kept.add(new double[]{x[i], y[i]});
            }
            return kept;
        }

        void add(String seriesName, double[] x, double[] y, int run, String variant) {
            add(seriesName, x, y, run, variant, null);
        }

        /**
         * Adds the points that can be drawn, in the run's and variant's colour and dash unless {@code style} says
         * otherwise; a series left empty is dropped with a note (false).
         */
        boolean add(String seriesName, double[] x, double[] y, int run, String variant, Style style) {
            List<double[]> kept = kept(x, y);
            if (kept.isEmpty()) {
                notes.add("figure " + name + ": series '" + seriesName + "' has no finite values: left out");
                return false;
            }
            double[][] xy = {kept.stream().mapToDouble(p -> p[0]).toArray(), kept.stream().mapToDouble(p -> p[1]).toArray()};
            series.add(seriesName);
            data.add(xy);
            runOf.add(run);
            variantOf.add(variants.computeIfAbsent(variant, k -> variants.size()));
            styleOf.add(style);
            return true;
        }

        final java.util.Set<String> bands = new java.util.HashSet<>();

        /** A filled band from lo to hi (a polygon: along hi, back along lo), in the colour of its run or group. */
        void addBand(String seriesName, double[] x, double[] lo, double[] hi, int run, String variant) {
            List<double[]> kept = new ArrayList<>();
            for (int i = 0; i < x.length; i++)
                if (Double.isFinite(x[i]) && Double.isFinite(lo[i]) && Double.isFinite(hi[i]) && !(logX && x[i] <= 0))
                    kept.add(new double[]{x[i], lo[i], hi[i]});
            if (kept.isEmpty()) return;
            int m = kept.size();
            double[] px = new double[2 * m], py = new double[2 * m];
            for (int i = 0; i < m; i++) {
                px[i] = kept.get(i)[0];
                py[i] = kept.get(i)[2];
                px[2 * m - 1 - i] = kept.get(i)[0];
                py[2 * m - 1 - i] = kept.get(i)[1];
            }
            add(seriesName, px, py, run, variant);
            bands.add(seriesName);
        }

        boolean isEmpty() { return series.isEmpty(); }

        /**
         * Values all below 0.01 in size are drawn as multiples of 10^k, named on the axis ("×10⁻⁴"), so that tick
         * labels read 0.5, 1.0, … instead of 5×10⁻⁵, 1×10⁻⁴, …. Returns the factor applied (1: none).
         */
        double scaleSmallY() {
            Integer k = smallYExponent(data.stream().map(xy -> xy[1]).toList());
            if (k == null) return 1;
            double scale = Math.pow(10, -k);
            for (double[][] xy : data) for (int i = 0; i < xy[1].length; i++) xy[1][i] *= scale;
            yLabel = yLabel + " " + unitOf(k);
            return scale;
        }

        XYChart chart(boolean markers) {
            XYChart c = new XYChart(900, 480); // any size: FigurePainter lays it out at print size
            c.setTitle(title);
            c.setXAxisTitle(xLabel);
            c.setYAxisTitle(yLabel);
            var s = c.getStyler();
            s.setChartBackgroundColor(Color.WHITE);
            s.setXAxisLogarithmic(logX);
            s.setMarkerSize(4);
            if (unitInterval) {
                s.setYAxisMin(0.0);
                s.setYAxisMax(1.0);
            }
            boolean colourByVariant = variants.size() >= new java.util.HashSet<>(runOf).size();
            for (int i = 0; i < series.size(); i++) {
                XYSeries xy = c.addSeries(series.get(i), data.get(i)[0], data.get(i)[1]);
                int colour = colourByVariant ? variantOf.get(i) : runOf.get(i);
                int dash = colourByVariant ? runOf.get(i) : variantOf.get(i);
                xy.setLineColor(PALETTE[colour % PALETTE.length]);
                xy.setMarkerColor(PALETTE[colour % PALETTE.length]);
                xy.setLineStyle(STROKES[dash % STROKES.length]);
                xy.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
                if (bands.contains(series.get(i))) {
                    Color col = PALETTE[colour % PALETTE.length];
                    xy.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.PolygonArea);
                    xy.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 60));
                    xy.setLineColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 0));
                    xy.setMarker(SeriesMarkers.NONE);
                }
                Style st = styleOf.get(i);
                if (st != null) {
                    if (st.colour() != null) {
                        xy.setLineColor(st.colour());
                        xy.setMarkerColor(st.colour());
                    }
                    if (st.stroke() != null) xy.setLineStyle(st.stroke());
                    xy.setXYSeriesRenderStyle(st.render());
                    xy.setMarker(st.marker());
                    xy.setShowInLegend(st.inLegend());
                }
            }
            legend = factoredLegend(c, colourByVariant, markers);
            if (legend == null && styleOf.stream().anyMatch(st -> st != null && st.legendColour() != null)) {
                // the series' own legend lines, but with a sample colour of its own for some: the runs, then those
                legend = new ArrayList<>();
                for (int i = 0; i < series.size(); i++)
                    if (styleOf.get(i) == null) legend.add(Figure.LegendEntry.of(c.getSeriesMap().get(series.get(i))));
                legend.addAll(styledEntries(c));
            }
            return c;
        }

        /** The legend lines of the series with a style of their own that the legend names. */
        private List<Figure.LegendEntry> styledEntries(XYChart c) {
            List<Figure.LegendEntry> out = new ArrayList<>();
            for (int i = 0; i < series.size(); i++) {
                Style st = styleOf.get(i);
                if (st == null || !st.inLegend()) continue;
                Figure.LegendEntry e = Figure.LegendEntry.of(c.getSeriesMap().get(series.get(i)));
                out.add(st.legendColour() == null ? e
                        : new Figure.LegendEntry(e.label(), st.legendColour(), e.stroke(), e.marker(), e.area()));
            }
            return out;
        }

        /**
         * Several runs by several variants: each colour and each dash named once (k=1 … in colour, the runs by dash)
         * instead of every pair, then the series with a style of their own; null when series and legend lines match.
         */
        private List<Figure.LegendEntry> factoredLegend(XYChart c, boolean colourByVariant, boolean markers) {
            List<Integer> runList = runOf.stream().distinct().toList();
            if (options.band() == null && (runList.size() < 2 || variants.size() < 2)) return null;
            List<Figure.LegendEntry> out = new ArrayList<>();
            Color ink = INK;
            var marker = markers ? SeriesMarkers.CIRCLE : null;
            for (String v : variants.keySet()) {
                int k = variants.get(v);
                String label = variantNames.getOrDefault(v, v);
                out.add(colourByVariant ? new Figure.LegendEntry(label, PALETTE[k % PALETTE.length], STROKES[0], marker, false)
                        : new Figure.LegendEntry(label, ink, STROKES[k % STROKES.length], null, false));
            }
            if (variants.size() == 1) out.clear(); // one curve a run: the runs' colours say it all
            for (int r : runList) {
                String label = runNames.getOrDefault(r, labels.get(r));
                Color one = variants.size() == 1 ? PALETTE[0] : ink;
                out.add(colourByVariant ? new Figure.LegendEntry(label, one, STROKES[r % STROKES.length], null, false)
                        : new Figure.LegendEntry(label, PALETTE[r % PALETTE.length], STROKES[0], marker, false));
            }
            if (options.band() != null)
                out.add(new Figure.LegendEntry("shaded: " + options.band().legend, new Color(60, 60, 60, 60), null, null, true));
            out.addAll(styledEntries(c));
            return out;
        }
    }
}
