package org.marginmax.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Tick positions and labels for a numeric axis, computed here because XChart 3.8.8 has no way to choose them: it
 * labels equally spaced data at every k-th value and a log axis at every 1..9 × 10^k. Linear axes get steps of 1, 2 or
 * 5 × 10^k with at most {@link #MAX_LABELS} labels; log axes get decades (every k-th decade when there are many), and
 * an axis spanning less than about a decade gets 1-2-5 values, or whole mantissas, with at least three labels.
 * Negative labels carry a true minus sign (U+2212), as typeset mathematics does.
 */
public final class Ticks {
    public static final int MAX_LABELS = 10;
    /** Decade strides of a long log axis. */
    private static final int[] EVERY = {1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000};

    /** A tick at {@code value} with its label (null: a minor tick, unlabelled). */
    public record Tick(double value, String label) {
        public boolean major() { return label != null; }
    }

    private Ticks() {}

    /**
     * About {@code target} linear ticks inside [lo, hi] (at least 2 where the range allows), never more than 10: the
     * step of 1, 2 or 5 × 10^k whose tick count is nearest the target, the larger count on a tie.
     */
    public static List<Tick> linear(double lo, double hi, int target) {
        if (!(hi > lo)) return List.of(new Tick(lo, format(lo, Math.max(Math.abs(lo), 1e-300))));
        target = Math.max(2, Math.min(target, MAX_LABELS));
        double raw = (hi - lo) / target, best = Double.NaN;
        int bestCount = 0;
        for (int e = (int) Math.floor(Math.log10(raw)) - 1; e <= (int) Math.floor(Math.log10(raw)) + 1; e++)
            for (int m : new int[]{1, 2, 5}) {
                double step = m * decade(e);
                int n = steps(lo, hi, step).size();
                if (n < 2 || n > MAX_LABELS) continue;
                int d = Math.abs(n - target), bd = Math.abs(bestCount - target);
                if (Double.isNaN(best) || d < bd || (d == bd && n > bestCount)) { best = step; bestCount = n; }
            }
        if (Double.isNaN(best)) best = niceStep(raw);
        List<Tick> out = new ArrayList<>();
        for (double x : steps(lo, hi, best)) out.add(new Tick(x, format(x, best)));
        return out;
    }

    /** Labelled log-axis ticks inside [lo, hi] (both > 0), at most {@code maxLabels} (≤ 10) of them. */
    public static List<Tick> log(double lo, double hi, int maxLabels) {
        if (!(lo > 0) || !(hi > lo)) return List.of(new Tick(lo, logLabel(lo)));
        maxLabels = Math.max(3, Math.min(maxLabels, MAX_LABELS));
        int d0 = (int) Math.ceil(Math.log10(lo) - 1e-9), d1 = (int) Math.floor(Math.log10(hi) + 1e-9);
        int decades = d1 - d0 + 1;
        List<Tick> out = new ArrayList<>();
        if (decades >= 2 && !(decades == 2 && hi / lo < 30)) {
            int every = 1;
            for (int e : EVERY) { every = e; if (Math.floorDiv(d1, e) - Math.floorDiv(d0 - 1, e) <= maxLabels) break; }
            for (int d = d0; d <= d1; d++) if (Math.floorMod(d, every) == 0) out.add(new Tick(decade(d), logLabel(decade(d))));
            if (out.size() >= 2) return out;
            out.clear();
            for (int d = d0; d <= d1; d += every) out.add(new Tick(decade(d), logLabel(decade(d))));
            return out;
        }
        for (int[] mantissas : new int[][]{{1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
            out.clear();
            for (int d = d0 - 1; d <= d1; d++)
                for (int m : mantissas) {
                    double x = m * decade(d);
                    if (x >= lo * (1 - 1e-12) && x <= hi * (1 + 1e-12)) out.add(new Tick(x, logLabel(x)));
                }
            if (out.size() >= 3 && out.size() <= MAX_LABELS) return out;
        }
        return linear(lo, hi, 5); // under a factor of ~1.3: a linear 1-2-5 grid still reads correctly
    }

    /** Unlabelled minor ticks of a log axis at 2..9 × 10^k inside [lo, hi], when it spans at most {@code maxDecades}. */
    public static List<Tick> logMinor(double lo, double hi, int maxDecades) {
        List<Tick> out = new ArrayList<>();
        if (!(lo > 0) || !(hi > lo) || Math.log10(hi / lo) > maxDecades) return out;
        for (int d = (int) Math.floor(Math.log10(lo)); d <= (int) Math.floor(Math.log10(hi)); d++)
            for (int m = 2; m <= 9; m++) {
                double x = m * decade(d);
                if (x >= lo && x <= hi) out.add(new Tick(x, null));
            }
        return out;
    }

    private static double decade(int d) { return Double.parseDouble("1e" + d); }

    static double niceStep(double raw) {
        double e = decade((int) Math.floor(Math.log10(raw)));
        double f = raw / e;
        return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * e;
    }

    private static List<Double> steps(double lo, double hi, double step) {
        List<Double> v = new ArrayList<>();
        BigDecimal s = new BigDecimal(Double.toString(step));
        for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++)
            v.add(BigDecimal.valueOf(k).multiply(s).doubleValue());
        return v;
    }

    /** The shortest decimal that tells ticks {@code step} apart; m×10^k for very large or small magnitudes. */
    static String format(double x, double step) {
        if (x == 0) return "0";
        double mag = Math.max(Math.abs(x), step);
        if (mag >= 1e5 || mag < 1e-3) {
            int e = (int) Math.floor(Math.log10(Math.abs(x)) + 1e-9);
            int decimals = Math.max(0, e - (int) Math.floor(Math.log10(step) + 1e-9));
            String m = String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", x / decade(e));
            return minus(m + "×10" + superscript(e));
        }
        int decimals = Math.max(0, -(int) Math.floor(Math.log10(step) + 1e-9));
        return minus(String.format(Locale.ROOT, "%." + decimals + "f", x));
    }

    /** m·10^d as "10⁻⁵" or "2×10⁻⁵"; from 0.001 to 10⁴ as a plain decimal. */
    static String logLabel(double x) {
        int d = (int) Math.floor(Math.log10(x) + 1e-9);
        long m = Math.round(x / decade(d));
        if (m == 10) { m = 1; d++; }
        if (d >= -3 && d <= 4) return new BigDecimal(m).scaleByPowerOfTen(d).stripTrailingZeros().toPlainString();
        return (m == 1 ? "" : m + "×") + "10" + superscript(d);
    }

    static String superscript(int k) {
        String digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        StringBuilder sb = new StringBuilder(k < 0 ? "⁻" : "");
        for (char c : Integer.toString(Math.abs(k)).toCharArray()) sb.append(digits.charAt(c - '0'));
        return sb.toString();
    }

    private static String minus(String s) { return s.replace('-', '\u2212'); }
}
