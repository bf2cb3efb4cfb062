package org.marginmax.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.marginmax.io.UserInputException;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a {@link Figure} at its print size, in points (1/72 in): XChart paints the plot area only (the series, bands
 * and the frame), and everything around it is drawn here, because XChart 3.8.8 cannot be told where its ticks go nor
 * size its text in points: the tick marks and labels (from {@link Ticks}: at most 10 labels an axis, decades on log
 * axes), the axis titles, the title, the legend under the plot and the provenance caption under that.
 * Tick labels are 7.5 pt, axis titles 8.5 pt, legend 7.5 pt at print size. Text is drawn as glyph outlines (as XChart
 * does), so Greek letters and superscripts survive in PDF; the caption stays text, so a PDF or SVG can be searched
 * for its commit (a caption line with symbols WinAnsi lacks is drawn as outlines too).
 */
final class FigurePainter {
    static final float TICK_PT = 7.5f, LABEL_PT = 8.5f, TITLE_PT = 9f, LEGEND_PT = 7.5f, CAPTION_PT = 5.5f;
    private static final double PAD = 3, TICK_LEN = 3, MINOR_LEN = 1.8, SAMPLE = 16;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 1);
    private static final FontRenderContext FRC = new FontRenderContext(null, true, true);
    private static final Color INK = new Color(30, 30, 30), CAPTION_INK = new Color(90, 90, 90);

    private FigurePainter() {}

    /** One axis: its range (what XChart maps to the plot's content area) and its ticks, minor ones unlabelled. */
    record Axis(double lo, double hi, boolean log, List<Ticks.Tick> ticks) {
        List<Ticks.Tick> labelled() { return ticks.stream().filter(Ticks.Tick::major).toList(); }
    }

    /** Where everything goes, in points. */
    record Layout(double width, double height, Rectangle2D plot, Axis x, Axis y, List<String> title,
                  List<PlacedEntry> legend, double legendHeight, List<String> caption) {}

    /** A legend entry at (x, y) below the legend's top, its label broken into lines. */
    record PlacedEntry(Figure.LegendEntry entry, double x, double y, List<String> lines) {}

    static Layout layout(Figure f, PrintSize size) { return layout(f, size, true); }

    /** The layout at {@code size}; {@code withCaption} false leaves the provenance caption out of the picture. */
    static Layout layout(Figure f, PrintSize size, boolean withCaption) {
        XYChart c = f.chart();
        double w = size.width() * 72;
        List<Figure.LegendEntry> legend = f.legendEntries();
        if (legend.size() == 1) legend = List.of(); // one curve: the caption and the axis say what it is
        List<PlacedEntry> placed = new ArrayList<>();
        double legendH = placeLegend(legend, w, placed);
        List<String> caption = withCaption ? wrap(f.caption(), CAPTION_PT, w - 2 * PAD) : List.of();
        List<String> title = blank(c.getTitle()) ? List.of() : wrap(List.of(c.getTitle()), TITLE_PT, w - 2 * PAD);

        double top = PAD + (title.isEmpty() ? 0 : title.size() * lineHeight(TITLE_PT) + PAD);
        double bottom = TICK_LEN + PAD + lineHeight(TICK_PT) + PAD + (blank(c.getXAxisTitle()) ? 0 : lineHeight(LABEL_PT))
                + PAD + (legendH == 0 ? 0 : legendH + PAD)
                + (caption.isEmpty() ? 0 : caption.size() * lineHeight(CAPTION_PT) + PAD);
        double plotH = size.autoHeight() ? size.plotHeight() * 72 : size.height() * 72 - top - bottom;
        if (plotH < 50)
            throw new UserInputException("figure " + f.name() + " does not fit in --size " + size + ": its legend and "
                    + "caption leave " + Math.round(plotH) + " pt for the plot; give a taller size (WxH in inches)");
        double h = size.autoHeight() ? top + plotH + bottom : size.height() * 72;

        XYStyler s = c.getStyler();
        double content = s.getPlotContentSize();
        double[] yr = range(c, false, s.isYAxisLogarithmic(), s.getYAxisMin(), s.getYAxisMax());
        Axis y = axis(yr, s.isYAxisLogarithmic(), plotH * content, lineHeight(TICK_PT) + 6, 28, null);
        double yLabels = 0;
        for (Ticks.Tick t : y.labelled()) yLabels = Math.max(yLabels, width(t.label(), TICK_PT));
        double left = PAD + (blank(c.getYAxisTitle()) ? 0 : lineHeight(LABEL_PT) + PAD) + yLabels + PAD + TICK_LEN;
        double[] xr = range(c, true, s.isXAxisLogarithmic(), s.getXAxisMin(), s.getXAxisMax());
        double plotW = w - left - 4 * PAD;
        Axis x = axis(xr, s.isXAxisLogarithmic(), plotW * content, 0, 36, TICK_PT);
        // the last x label may stand out past the plot's right edge by half its width, less the content margin
        List<Ticks.Tick> xl = x.labelled();
        double overhang = width(xl.get(xl.size() - 1).label(), TICK_PT) / 2 - plotW * (1 - content) / 2;
        double right = Math.max(2 * PAD, overhang + PAD);
        plotW = w - left - right;
        x = axis(xr, s.isXAxisLogarithmic(), plotW * content, 0, 36, TICK_PT);
        return new Layout(w, h, new Rectangle2D.Double(Math.round(left), Math.round(top), Math.round(plotW), Math.round(plotH)),
                x, y, title, placed, legendH, caption);
    }

    /**
     * The axis over [r0, r1] with ticks of about one per {@code perTick} points of {@code space}, fewer when labels
     * would touch: labels of x axes are {@code labelPt} text side by side, of y axes {@code labelSpace} points tall.
     */
    private static Axis axis(double[] r, boolean log, double space, double labelSpace, double perTick, Float labelPt) {
        double lo = r[0], hi = r[1];
        int target = (int) Math.max(3, Math.min(8, Math.round(space / perTick)));
        for (; ; target--) {
            List<Ticks.Tick> t = log ? Ticks.log(lo, hi, target) : Ticks.linear(lo, hi, target);
            if (target <= 2 || t.size() < 2 || fits(t, lo, hi, log, space, labelSpace, labelPt)) {
                List<Ticks.Tick> all = new ArrayList<>(t);
                if (log && t.stream().allMatch(k -> isDecade(k.value()))) all.addAll(Ticks.logMinor(lo, hi, 6));
                return new Axis(lo, hi, log, all);
            }
        }
    }

    private static boolean fits(List<Ticks.Tick> t, double lo, double hi, boolean log, double space, double labelSpace,
                                Float labelPt) {
        for (int i = 1; i < t.size(); i++) {
            double gap = space * (frac(t.get(i).value(), lo, hi, log) - frac(t.get(i - 1).value(), lo, hi, log));
            double need = labelPt == null ? labelSpace
                    : (width(t.get(i).label(), labelPt) + width(t.get(i - 1).label(), labelPt)) / 2 + 6;
            if (gap < need) return false;
        }
        return true;
    }

    private static double frac(double v, double lo, double hi, boolean log) {
        return log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
    }

    private static boolean isDecade(double v) { return Math.abs(Math.log10(v) - Math.rint(Math.log10(v))) < 1e-9; }

    /** The axis range: what the figure set on the styler, else the finite data (positive on a log axis), never empty. */
    static double[] range(XYChart c, boolean xAxis, boolean log, Double min, Double max) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : c.getSeriesMap().values())
            for (double v : xAxis ? s.getXData() : s.getYData())
                if (Double.isFinite(v) && !(log && v <= 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (min != null) lo = min;
        if (max != null) hi = max;
        if (!(lo <= hi)) { lo = log ? 0.1 : 0; hi = log ? 10 : 1; }
        if (hi == lo) {
            if (log) { lo /= 2; hi *= 2; }
            else { double d = lo == 0 ? 1 : Math.abs(lo) * 0.05; lo -= d; hi += d; }
        }
        return new double[]{lo, hi};
    }

    /** Paints the figure into {@code g}, whose units are points, at the origin. */
    static void paint(Figure f, Layout l, Graphics2D g) {
        XYChart c = f.chart();
        g.setColor(Color.WHITE);
        g.fill(new Rectangle2D.Double(0, 0, l.width(), l.height()));
        preparePlotOnly(c, l);
        Rectangle2D p = l.plot();
        AffineTransform saved = g.getTransform();
        g.translate(p.getX(), p.getY());
        // XChart draws a line series segment by segment, restarting a dash pattern at every data point: with an epoch
        // every point or two, a dashed curve came out solid. Dashed curves are drawn here as one path instead.
        List<XYSeries> dashed = c.getSeriesMap().values().stream()
                .filter(x -> (x.getXYSeriesRenderStyle() == null || x.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.Line)
                        && x.getLineStyle() != null && x.getLineStyle().getDashArray() != null).toList();
        List<BasicStroke> strokes = dashed.stream().map(XYSeries::getLineStyle).toList();
        dashed.forEach(x -> x.setLineStyle(SeriesLines.NONE));
        try {
            c.paint(g, (int) p.getWidth(), (int) p.getHeight());
        } finally {
            for (int i = 0; i < dashed.size(); i++) dashed.get(i).setLineStyle(strokes.get(i));
        }
        Shape clip = g.getClip();
        g.clip(new Rectangle2D.Double(0, 0, p.getWidth(), p.getHeight()));
        for (XYSeries x : dashed) {
            Path2D.Double path = new Path2D.Double();
            double[] xs = x.getXData(), ys = x.getYData();
            for (int i = 0; i < xs.length; i++) {
                double sx = c.getScreenXFromChart(xs[i]), sy = c.getScreenYFromChart(ys[i]);
                if (i == 0) path.moveTo(sx, sy); else path.lineTo(sx, sy);
            }
            g.setColor(x.getLineColor());
            g.setStroke(x.getLineStyle());
            g.draw(path);
        }
        g.setClip(clip);
        g.setTransform(saved);
        g.setColor(INK);
        g.setStroke(new BasicStroke(0.6f));
        g.draw(p);

        for (Ticks.Tick t : l.x().ticks()) {
            double sx = p.getX() + c.getScreenXFromChart(t.value());
            double len = t.major() ? TICK_LEN : MINOR_LEN;
            g.draw(new Line2D.Double(sx, p.getMaxY(), sx, p.getMaxY() + len));
            if (t.major()) text(g, t.label(), TICK_PT, sx, p.getMaxY() + TICK_LEN + PAD, 0.5, 0, 0);
        }
        for (Ticks.Tick t : l.y().ticks()) {
            double sy = p.getY() + c.getScreenYFromChart(t.value());
            double len = t.major() ? TICK_LEN : MINOR_LEN;
            g.draw(new Line2D.Double(p.getX() - len, sy, p.getX(), sy));
            if (t.major()) text(g, t.label(), TICK_PT, p.getX() - TICK_LEN - PAD, sy, 1, 0.5, 0);
        }
        double below = p.getMaxY() + TICK_LEN + PAD + lineHeight(TICK_PT) + PAD;
        if (!blank(c.getXAxisTitle())) {
            text(g, c.getXAxisTitle(), LABEL_PT, p.getCenterX(), below, 0.5, 0, 0);
            below += lineHeight(LABEL_PT);
        }
        if (!blank(c.getYAxisTitle())) text(g, c.getYAxisTitle(), LABEL_PT, PAD, p.getCenterY(), 0.5, 0, -Math.PI / 2);
        for (int i = 0; i < l.title().size(); i++)
            text(g, l.title().get(i), TITLE_PT, l.width() / 2, PAD + i * lineHeight(TITLE_PT), 0.5, 0, 0);
        below += PAD;
        below = legend(g, l, below);
        caption(g, l, below);
    }

    /** XChart draws only the plot content: no title, axes, ticks, grid or legend of its own, no padding. */
    private static void preparePlotOnly(XYChart c, Layout l) {
        XYStyler s = c.getStyler();
        s.setPlotGridLinesVisible(false);
        s.setAxisTicksVisible(false);
        s.setXAxisTitleVisible(false);
        s.setYAxisTitleVisible(false);
        s.setPlotMargin(0);
        s.setXAxisTickMarkSpacingHint(20);
        s.setYAxisTickMarkSpacingHint(20);
        s.setXAxisMin(l.x().lo());
        s.setXAxisMax(l.x().hi());
        s.setYAxisMin(l.y().lo());
        s.setYAxisMax(l.y().hi());
        s.setChartTitleVisible(false);
        s.setLegendVisible(false);
        s.setChartPadding(0);
        s.setPlotBorderVisible(false);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
    }

    /**
     * Places the entries left to right in rows, each as wide as its label (short labels such as k=1 … k=7 share a
     * row); a label too long for the width gets a row of its own, broken into lines. Returns the legend's height.
     */
    private static double placeLegend(List<Figure.LegendEntry> legend, double w, List<PlacedEntry> out) {
        if (legend.isEmpty()) return 0;
        double text = w - 2 * PAD - SAMPLE - PAD, rowH = lineHeight(LEGEND_PT);
        double x = PAD, y = 0;
        int lines = 1;
        for (Figure.LegendEntry e : legend) {
            List<String> label = wrap(List.of(e.label()), LEGEND_PT, text);
            double cell = SAMPLE + PAD + label.stream().mapToDouble(t -> width(t, LEGEND_PT)).max().orElse(0) + 4 * PAD;
            if (x > PAD && x + cell > w - PAD) {
                x = PAD;
                y += lines * rowH;
                lines = 1;
            }
            out.add(new PlacedEntry(e, x, y, label));
            lines = Math.max(lines, label.size());
            x += cell;
        }
        return y + lines * rowH;
    }

    private static double legend(Graphics2D g, Layout l, double top) {
        if (l.legend().isEmpty()) return top;
        double rowH = lineHeight(LEGEND_PT);
        for (PlacedEntry p : l.legend()) {
            Figure.LegendEntry e = p.entry();
            double x = p.x(), mid = top + p.y() + rowH / 2;
            Stroke stroke = g.getStroke();
            g.setColor(e.colour());
            if (e.area()) g.fill(new Rectangle2D.Double(x, mid - 3, SAMPLE, 6));
            if (e.stroke() != null) {
                g.setStroke(e.stroke());
                g.draw(new Line2D.Double(x, mid, x + SAMPLE, mid));
            }
            if (e.marker() != null) {
                g.setStroke(new BasicStroke(1f));
                e.marker().paint(g, x + SAMPLE / 2, mid, 5);
            }
            g.setStroke(stroke);
            g.setColor(INK);
            for (int i = 0; i < p.lines().size(); i++)
                text(g, p.lines().get(i), LEGEND_PT, x + SAMPLE + PAD, mid + i * rowH, 0, 0.5, 0);
        }
        return top + l.legendHeight() + PAD;
    }

    private static void caption(Graphics2D g, Layout l, double top) {
        g.setColor(CAPTION_INK);
        Font font = FONT.deriveFont(CAPTION_PT);
        g.setFont(font);
        double y = top;
        for (String line : l.caption()) {
            if (TEXT_SAFE.newEncoder().canEncode(line))
                g.drawString(line, (float) PAD, (float) (y + lineHeight(CAPTION_PT) - font.getLineMetrics(line, FRC).getDescent()));
            else text(g, line, CAPTION_PT, PAD, y, 0, 0, 0);
            y += lineHeight(CAPTION_PT);
        }
    }

    /**
     * What VectorGraphics2D's PDF text can hold (its fonts are WinAnsi-encoded: θ, Σ, ∇ come out as "?"): caption
     * lines beyond it, such as the KKT figures' formulas, are drawn as glyph outlines like the rest of the text.
     */
    private static final java.nio.charset.Charset TEXT_SAFE = java.nio.charset.Charset.forName("windows-1252");

    /**
     * Draws {@code s} as glyph outlines at (x, y), anchored at the fraction (ax, ay) of its box (0, 0: top left; 0.5,
     * 0.5: centre), rotated by {@code angle} about the anchor.
     */
    private static void text(Graphics2D g, String s, float pt, double x, double y, double ax, double ay, double angle) {
        TextLayout t = new TextLayout(s, FONT.deriveFont(pt), FRC);
        double w = t.getAdvance(), asc = FONT.deriveFont(pt).getLineMetrics(s, FRC).getAscent();
        double hgt = lineHeight(pt);
        AffineTransform at = AffineTransform.getTranslateInstance(x, y);
        if (angle != 0) {
            // a rotated y title: (x, y) is its left-centre after rotation, i.e. the title's middle at height y
            at.rotate(angle);
            at.translate(-w / 2, asc);
        } else at.translate(-ax * w, -ay * hgt + asc);
        Shape outline = t.getOutline(at);
        g.fill(outline);
    }

    static double width(String s, float pt) { return new TextLayout(s, FONT.deriveFont(pt), FRC).getAdvance(); }

    static double lineHeight(float pt) {
        var m = FONT.deriveFont(pt).getLineMetrics("Mg", FRC);
        return m.getAscent() + m.getDescent();
    }

    private static boolean blank(String s) { return s == null || s.isBlank(); }

    /** The lines broken at spaces (or, for a word longer than the width, anywhere) to fit {@code width} points. */
    private static List<String> wrap(List<String> lines, float pt, double width) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            StringBuilder cur = new StringBuilder();
            for (String word : line.split(" ")) {
                String next = cur.isEmpty() ? word : cur + " " + word;
                if (!cur.isEmpty() && width(next, pt) > width) {
                    out.add(cur.toString());
                    cur = new StringBuilder(word);
                } else cur = new StringBuilder(next);
                while (cur.length() > 1 && width(cur.toString(), pt) > width) {
                    int cut = cur.length() - 1;
                    while (cut > 1 && width(cur.substring(0, cut), pt) > width) cut--;
                    out.add(cur.substring(0, cut));
                    cur = new StringBuilder(cur.substring(cut));
                }
            }
            if (!cur.isEmpty()) out.add(cur.toString());
        }
        return out;
    }
}
