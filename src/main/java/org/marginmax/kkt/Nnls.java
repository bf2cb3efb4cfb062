package org.marginmax.kkt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Non-negative least squares in Gram form, min_{λ ≥ 0} ‖t − Gλ‖² = ‖t‖² − 2bᵀλ + λᵀKλ with K = GᵀG and b = Gᵀt,
 * by the Lawson–Hanson active-set method (Lawson &amp; Hanson, "Solving Least Squares Problems", 1974, ch. 23) in
 * float64, with the Cholesky factor of K on the passive set updated column by column (added by a triangular solve,
 * removed by Givens rotations).
 *
 * <p>Stops when the KKT conditions of the NNLS hold to a relative tolerance: w = b − Kλ ≤ tol·max|b| off the
 * passive set and |w| ≤ tol·max|b| on it. When the columns of G are linearly dependent the minimiser λ is not
 * unique; the one returned is the active-set method's (a column whose Cholesky pivot vanishes is not added).
 */
public final class Nnls {
    /** Relative tolerance on the NNLS optimality conditions. */
    public static final double TOLERANCE = 1e-10;
    private static final double RANK_TOLERANCE = 1e-13;

    /**
     * @param lambda     the minimiser
     * @param violation  max violation of the optimality conditions, relative to max|b|
     * @param converged  whether the violation is within {@link #TOLERANCE}
     */
    public record Solution(double[] lambda, int iterations, double violation, boolean converged) {}

    private Nnls() {}

    /** @param k the n×n Gram matrix, row-major; @param b the n-vector Gᵀt */
    public static Solution solve(double[] k, double[] b, int n) {
        if (k.length != (long) n * n || b.length != n)
            throw new IllegalArgumentException("Gram matrix of " + k.length + " values and " + b.length
                    + " right-hand sides do not make an n×n system");
        double scale = 0;
        for (double v : b) scale = Math.max(scale, Math.abs(v));
        double[] lambda = new double[n];
        if (n == 0 || scale == 0) return new Solution(lambda, 0, 0, true);
        double tol = TOLERANCE * scale;
        Cholesky chol = new Cholesky(k, n);
        boolean[] passive = new boolean[n], excluded = new boolean[n];
        double[] w = b.clone();
        int iterations = 0, maxIterations = 3 * n + 10;
        while (iterations++ < maxIterations) {
            int j = -1;
            double best = tol;
            for (int i = 0; i < n; i++)
                if (!passive[i] && !excluded[i] && w[i] > best) { best = w[i]; j = i; }
            if (j < 0) break;
            if (!chol.add(j)) { excluded[j] = true; continue; }
            passive[j] = true;
            while (true) {
                double[] s = chol.solve(b);
                List<Integer> p = chol.columns();
                int added = p.size() - 1;
                if (p.get(added) == j && s[added] <= 0 && lambda[j] == 0) { // numerically useless column
                    chol.remove(added);
                    passive[j] = false;
                    excluded[j] = true;
                    break;
                }
                double alpha = 1;
                int blocking = -1;
                for (int i = 0; i < s.length; i++) {
                    if (s[i] > 0) continue;
                    double l = lambda[p.get(i)];
                    double a = l / (l - s[i]);
                    if (a < alpha) { alpha = a; blocking = i; }
                }
                for (int i = 0; i < s.length; i++) {
                    int c = p.get(i);
                    lambda[c] += alpha * (s[i] - lambda[c]);
                }
                if (blocking < 0) break;
                lambda[p.get(blocking)] = 0; // exactly: it is the constraint that blocked the step
                boolean removed = false;
                for (int i = p.size() - 1; i >= 0; i--) {
                    int c = p.get(i);
                    if (lambda[c] <= 0) {
                        lambda[c] = 0;
                        passive[c] = false;
                        chol.remove(i);
                        removed = true;
                    }
                }
                if (removed) Arrays.fill(excluded, false);
                if (chol.columns().isEmpty()) break;
            }
            residual(k, b, lambda, passive, n, w);
        }
        residual(k, b, lambda, passive, n, w);
        double violation = 0;
        for (int i = 0; i < n; i++) violation = Math.max(violation, passive[i] ? Math.abs(w[i]) : w[i]);
        violation /= scale;
        return new Solution(lambda, iterations, violation, violation <= 10 * TOLERANCE);
    }

    /** w = b − Kλ, over the non-zero λ only. */
    private static void residual(double[] k, double[] b, double[] lambda, boolean[] passive, int n, double[] w) {
        int[] nz = java.util.stream.IntStream.range(0, n).filter(i -> lambda[i] != 0).toArray();
        for (int i = 0; i < n; i++) {
            double s = b[i];
            int row = i * n;
            for (int c : nz) s -= k[row + c] * lambda[c];
            w[i] = s;
        }
    }

    /** The upper Cholesky factor R of K restricted to an ordered column set: K_PP = RᵀR, stored by columns. */
    private static final class Cholesky {
        private final double[] k;
        private final int n;
        private final List<Integer> columns = new ArrayList<>();
        private final List<double[]> r = new ArrayList<>(); // column c holds R[0..c][c]

        Cholesky(double[] k, int n) {
            this.k = k;
            this.n = n;
        }

        List<Integer> columns() { return columns; }

        /** Appends column j; false (and nothing changed) when it is numerically dependent on the others. */
        boolean add(int j) {
            int p = columns.size();
            double[] col = new double[p + 1];
            double sq = 0;
            for (int i = 0; i < p; i++) { // Rᵀ c = K_{P, j}
                double[] ri = r.get(i);
                double s = k[columns.get(i) * n + j];
                for (int m = 0; m < i; m++) s -= ri[m] * col[m];
                col[i] = s / ri[i];
                sq += col[i] * col[i];
            }
            double diag = k[j * n + j] - sq;
            if (!(diag > RANK_TOLERANCE * k[j * n + j])) return false;
            col[p] = Math.sqrt(diag);
            columns.add(j);
            r.add(col);
            return true;
        }

        /** Removes the column at position q, restoring the triangle with Givens rotations. */
        void remove(int q) {
            columns.remove(q);
            r.remove(q);
            int p = r.size();
            for (int i = q; i < p; i++) {
                double[] ci = r.get(i); // length i + 2 now: rows 0..i+1
                double a = ci[i], bb = ci[i + 1], h = Math.hypot(a, bb);
                double cs = a / h, sn = bb / h;
                double[] shortened = Arrays.copyOf(ci, i + 1);
                shortened[i] = h;
                r.set(i, shortened);
                for (int c = i + 1; c < p; c++) {
                    double[] cc = r.get(c);
                    double x = cc[i], y = cc[i + 1];
                    cc[i] = cs * x + sn * y;
                    cc[i + 1] = -sn * x + cs * y;
                }
            }
        }

        /** s with K_PP s = b_P. */
        double[] solve(double[] b) {
            int p = columns.size();
            double[] y = new double[p];
            for (int c = 0; c < p; c++) {
                double[] rc = r.get(c);
                double s = b[columns.get(c)];
                for (int i = 0; i < c; i++) s -= rc[i] * y[i];
                y[c] = s / rc[c];
            }
            for (int c = p - 1; c >= 0; c--) {
                double[] rc = r.get(c);
                y[c] /= rc[c];
                for (int i = 0; i < c; i++) y[i] -= rc[i] * y[c];
            }
            return y;
        }
    }
}
