package org.marginmax.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;

import java.util.List;

/**
 * One figure: the XChart chart (its series can be inspected before anything is written) and the caption lines that
 * {@link FigureWriter} prints under it (provenance of each run shown).
 *
 * @param name    file stem, e.g. "loss" → loss.png and loss.svg
 * @param caption lines under the chart
 * @param yScale  the factor the y values were multiplied by to be drawn (the axis says "×10⁻⁴" for 1e4); the data
 *                CSV gives y in the metric's own units
 */
public record Figure(String name, XYChart chart, List<String> caption, double yScale, List<LegendEntry> legend) {
    public Figure(String name, XYChart chart, List<String> caption) { this(name, chart, caption, 1, null); }

    public Figure(String name, XYChart chart, List<String> caption, double yScale) { this(name, chart, caption, yScale, null); }

    /**
     * One legend line: a sample (a line in this colour and stroke, a marker, or a filled box) and its label. A figure of
     * several runs by several variants lists the colours and the dashes once each instead of every combination.
     */
    public record LegendEntry(String label, Color colour, BasicStroke stroke, Marker marker, boolean area) {
        static LegendEntry of(XYSeries s) {
            boolean area = s.getXYSeriesRenderStyle() == XYSeries.XYSeriesRenderStyle.PolygonArea;
            boolean line = !area && s.getXYSeriesRenderStyle() != XYSeries.XYSeriesRenderStyle.Scatter;
            Color colour = area ? s.getFillColor() : line ? s.getLineColor() : s.getMarkerColor();
            return new LegendEntry(s.getName(), colour == null ? Color.DARK_GRAY : colour,
                    line ? s.getLineStyle() : null, s.getMarker() == SeriesMarkers.NONE ? null : s.getMarker(), area);
        }
    }

    /** The legend drawn: the figure's own, or one line per series shown in the legend. */
    public List<LegendEntry> legendEntries() {
        if (legend != null) return legend;
        return chart.getSeriesMap().values().stream().filter(XYSeries::isShowInLegend).map(LegendEntry::of).toList();
    }

    public String title() { return chart.getTitle(); }

    /** The series names, in legend order. */
    public List<String> seriesNames() { return List.copyOf(chart.getSeriesMap().keySet()); }
}
