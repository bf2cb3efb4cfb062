package org.marginmax.report;

import org.knowm.xchart.XYChart;

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
public record Figure(String name, XYChart chart, List<String> caption, double yScale) {
    public Figure(String name, XYChart chart, List<String> caption) { this(name, chart, caption, 1); }

    public String title() { return chart.getTitle(); }

    /** The series names, in legend order. */
    public List<String> seriesNames() { return List.copyOf(chart.getSeriesMap().keySet()); }
}
