package org.marginmax.report;

import org.marginmax.io.UserInputException;

import java.util.Locale;

/**
 * A figure's size on paper, in inches: a paper's single column (3.3 in wide) or both columns (6.8 in), or any W×H. For
 * single and double the height follows the content (the plot area's height plus its legend and caption); an explicit
 * W×H is the whole figure. Fonts are set in points at this size, so a figure included at its width prints them true.
 *
 * @param width      inches
 * @param height     inches, or NaN: the plot area is {@code plotHeight} and the figure grows with its legend
 * @param plotHeight inches of plot area when {@code height} is NaN
 */
public record PrintSize(double width, double height, double plotHeight) {
    public static final PrintSize SINGLE = new PrintSize(3.3, Double.NaN, 2.0);
    public static final PrintSize DOUBLE = new PrintSize(6.8, Double.NaN, 2.8);

    public boolean autoHeight() { return Double.isNaN(height); }

    /** "single", "double" or "WxH" in inches (e.g. "5.5x3"). */
    public static PrintSize parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("single")) return SINGLE;
        if (t.equals("double")) return DOUBLE;
        String[] p = t.split("x");
        try {
            if (p.length == 2) {
                double w = Double.parseDouble(p[0]), h = Double.parseDouble(p[1]);
                if (w >= 1.5 && h >= 1.2 && w <= 40 && h <= 40) return new PrintSize(w, h, Double.NaN);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserInputException("--size " + s + ": use single (3.3 in wide), double (6.8 in) or WxH in inches, "
                + "e.g. 5.5x3 (at least 1.5x1.2)");
    }

    @Override public String toString() {
        return autoHeight() ? String.format(Locale.ROOT, "%.1f in wide", width)
                : String.format(Locale.ROOT, "%.2f x %.2f in", width, height);
    }
}
