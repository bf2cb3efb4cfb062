package org.marginmax.kkt;

import org.marginmax.loss.LogSpace;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.margin.ParameterNorms;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How close one checkpoint's direction is to a KKT point of min ½‖θ‖² s.t. q_a(θ) ≥ 1 (Lyu &amp; Li, Appendix C,
 * Definitions C.5–C.6), plus the alignment cos(θ, −∇ℒ) and the margin distribution.
 *
 * <p>θ̃ = θ / q_min^{1/L} has min_a q_a(θ̃) = 1. Over the candidate set S_τ = {a : q_a(θ̃) ≤ 1 + τ} (binary: one
 * constraint per point, q_n = y_n f(x_n); multi-class: one per pair (n, j ≠ y_n), q_nj = f_{y_n} − f_j),
 * kkt_eps = min_{λ ≥ 0} ‖θ̃ − Σ_a λ_a ∇q_a(θ̃)‖ / ‖θ̃‖, solved exactly by {@link Nnls} on the Gram matrix
 * ({@link PairGram}); the residual is then recomputed directly by one more backprop, so kkt_eps does not suffer
 * the cancellation of ‖θ̃‖² − 2bᵀλ + λᵀKλ. kkt_delta = max_a λ_a (q_a(θ̃) − 1).
 */
public final class KktAnalysis {
    /** @param tau the band: pairs with q_a(θ̃) ≤ 1 + τ are candidates */
    public record Settings(double tau, int chunk) {
        public Settings {
            if (!(tau >= 0) || Double.isInfinite(tau)) throw new org.marginmax.io.UserInputException("--band must be a number >= 0, got " + tau);
            if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1");
        }
    }

    /** One candidate constraint: training example, the other class j (−1 for one output), q_a(θ̃), λ_a. */
    public record Pair(int example, int cls, double q, double lambda) {}

    /**
     * The measurements of one checkpoint. KKT fields are NaN (counts −1) when the training set is not separated.
     *
     * @param quadraticEps kkt_eps from the quadratic form (a cross-check of the Gram matrix)
     * @param nnlsViolation the NNLS optimality violation, relative
     */
    public record Result(boolean separated, double log10Loss, double qMin, double rho, double normalizedMargin,
                         double kktEps, double kktDelta, int kktPairs, int kktActive, double kktLambdaSum,
                         double thetaNormSqOverL, double quadraticEps, double nnlsViolation, boolean nnlsConverged,
                         double alignment, double[] marginQuantiles, double[] testMarginQuantiles, List<Pair> pairs) {}

    public static final double[] QUANTILES = {0.01, 0.10, 0.50};

    private final Settings settings;

    public KktAnalysis(Settings settings) { this.settings = settings; }

    /**
     * @param net    the checkpoint (left at its parameters on return)
     * @param loss   the training loss (for the alignment)
     * @param x      training inputs in the network's layout; @param y their labels (class, or ±1 for one output)
     * @param testX  test inputs or null; @param testY their labels
     */
    public Result analyse(KktNetwork net, LossKind loss, INDArray x, int[] y, INDArray testX, int[] testY,
                          java.util.function.Consumer<String> status) {
        int n = y.length, c = net.outputs(), order = net.order();
        boolean binary = c == 1;
        MarginLoss marginLoss = MarginLosses.create(loss);
        INDArray theta = net.theta();
        double rho = Math.sqrt(theta.mul(theta).sumNumber().doubleValue());
        double logRhoL = order * Math.log(rho);

        double[] z = net.logits(x, settings.chunk());
        double[] q = marginLoss.margins(z, c, y);
        double[] logLoss = marginLoss.logLosses(z, c, y);
        double log10Loss = (LogSpace.logSumExp(logLoss) - Math.log(n)) / Math.log(10);
        double qMin = Arrays.stream(q).min().orElse(Double.NaN);
        double[] quant = quantiles(q, logRhoL);
        double[] testQuant = testX == null || testY.length == 0 ? null
                : quantiles(marginLoss.margins(net.logits(testX, settings.chunk()), c, testY), logRhoL);
        status.accept("alignment");
        double alignment = alignment(net, loss, x, y, z, theta);
        double normalized = ParameterNorms.divideByExp(qMin, logRhoL);
        if (!(qMin > 0))
            return new Result(false, log10Loss, qMin, rho, normalized, Double.NaN, Double.NaN, -1, -1, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, false, alignment, quant, testQuant, List.of());

        // θ̃ = θ / q_min^{1/L}
        net.scale(Math.exp(-Math.log(qMin) / order));
        try {
            INDArray thetaT = net.theta();
            double thetaSq = thetaT.mul(thetaT).sumNumber().doubleValue();
            double[] zt = net.logits(x, settings.chunk());
            List<int[]> cand = new ArrayList<>(); // example, class
            List<Double> candQ = new ArrayList<>();
            double bound = 1 + settings.tau();
            for (int i = 0; i < n; i++) {
                if (binary) {
                    double qi = y[i] * zt[i];
                    if (qi <= bound) { cand.add(new int[]{i, -1}); candQ.add(qi); }
                    continue;
                }
                for (int j = 0; j < c; j++) {
                    if (j == y[i]) continue;
                    double qij = zt[i * c + y[i]] - zt[i * c + j];
                    if (qij <= bound) { cand.add(new int[]{i, j}); candQ.add(qij); }
                }
            }
            int p = cand.size();
            // the examples that have pairs, once each
            int[] rowOf = new int[n];
            Arrays.fill(rowOf, -1);
            List<Integer> exampleList = new ArrayList<>();
            int[] example = new int[p];
            for (int a = 0; a < p; a++) {
                int e = cand.get(a)[0];
                if (rowOf[e] < 0) { rowOf[e] = exampleList.size(); exampleList.add(e); }
                example[a] = rowOf[e];
            }
            INDArray xs = KktNetwork.select(x, exampleList.stream().mapToInt(Integer::intValue).toArray());
            INDArray eps = Nd4j.zeros(DataType.DOUBLE, p, c);
            for (int a = 0; a < p; a++) {
                int[] pr = cand.get(a);
                if (binary) eps.putScalar(a, 0, y[pr[0]]);
                else {
                    eps.putScalar(a, y[pr[0]], 1.0);
                    eps.putScalar(a, pr[1], -1.0);
                }
            }
            status.accept("gradients of " + p + " pairs");
            long t0 = System.nanoTime();
            long[] shown = {t0}; // a progress line at most every 5 s: a log file (Slurm) gets no line per pair
            PairGram.Result g = PairGram.compute(net, xs, example, eps, thetaT, settings.chunk(), done -> {
                long now = System.nanoTime();
                if (now - shown[0] >= 5_000_000_000L) {
                    shown[0] = now;
                    status.accept("gradients " + done + "/" + p);
                }
            });
            status.accept(String.format(java.util.Locale.ROOT, "NNLS on %d pairs (gradients and Gram matrix took %.1f s)",
                    p, (System.nanoTime() - t0) / 1e9));
            long t1 = System.nanoTime();
            Nnls.Solution s = Nnls.solve(g.k(), g.b(), p);
            status.accept(String.format(java.util.Locale.ROOT, "NNLS: %d iterations, %.1f s", s.iterations(),
                    (System.nanoTime() - t1) / 1e9));
            double[] lambda = s.lambda();

            double quad = thetaSq;
            for (int a = 0; a < p; a++) {
                if (lambda[a] == 0) continue;
                quad -= 2 * g.b()[a] * lambda[a];
                double row = 0;
                for (int bb = 0; bb < p; bb++) row += g.k()[a * p + bb] * lambda[bb];
                quad += lambda[a] * row;
            }
            // the residual θ̃ − Σ λ_a ∇q_a, directly
            int[] active = java.util.stream.IntStream.range(0, p).filter(a -> lambda[a] > 0).toArray();
            INDArray sum = Nd4j.zeros(DataType.DOUBLE, thetaT.length());
            for (int from = 0; from < active.length; from += settings.chunk()) {
                int[] part = Arrays.copyOfRange(active, from, Math.min(active.length, from + settings.chunk()));
                int[] rows = Arrays.stream(part).map(a -> example[a]).toArray();
                INDArray e = eps.getRows(part);
                for (int r = 0; r < part.length; r++) e.getRow(r).muli(lambda[part[r]]);
                sum.addi(net.gradient(KktNetwork.select(xs, rows), e).reshape(sum.length()));
            }
            INDArray residual = thetaT.reshape(sum.length()).sub(sum);
            double kktEps = Math.sqrt(residual.mul(residual).sumNumber().doubleValue() / thetaSq);
            double delta = 0, lambdaSum = 0;
            List<Pair> pairs = new ArrayList<>(p);
            for (int a = 0; a < p; a++) {
                delta = Math.max(delta, lambda[a] * (candQ.get(a) - 1));
                lambdaSum += lambda[a];
                pairs.add(new Pair(cand.get(a)[0], cand.get(a)[1], candQ.get(a), lambda[a]));
            }
            return new Result(true, log10Loss, qMin, rho, normalized, kktEps, delta, p, active.length, lambdaSum,
                    thetaSq / order, Math.sqrt(Math.max(0, quad) / thetaSq), s.violation(), s.converged(), alignment,
                    quant, testQuant, pairs);
        } finally {
            net.setTheta(theta);
        }
    }

    /**
     * cos(θ, −∇ℒ(θ)) over the whole training set, in float64. −∇ℒ = Σ_n Σ_j w_nj ∇q_nj with w = −∂ℓ_n/∂q_nj, which is
     * evaluated in log space and scaled by one common factor (the direction is all that matters), so it stays
     * finite far below 1e-308.
     */
    double alignment(KktNetwork net, LossKind loss, INDArray x, int[] y, double[] z, INDArray theta) {
        int n = y.length, c = net.outputs();
        double[] logW = new double[n * Math.max(1, c)];
        Arrays.fill(logW, Double.NEGATIVE_INFINITY);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (c == 1) {
                double qi = y[i] * z[i];
                logW[i] = switch (loss) {
                    case EXPONENTIAL -> -qi;
                    case LOGISTIC -> -softplus(qi);  // d/dq log(1 + e^{-q}) = -1 / (1 + e^{q})
                    default -> throw new IllegalArgumentException(loss + " is not a binary loss");
                };
                max = Math.max(max, logW[i]);
                continue;
            }
            double[] minusQ = new double[c - 1];
            for (int j = 0, k = 0; j < c; j++) if (j != y[i]) minusQ[k++] = z[i * c + j] - z[i * c + y[i]];
            double lse = LogSpace.logSumExp(minusQ); // ℓ_n = softplus(lse)
            for (int j = 0; j < c; j++) {
                if (j == y[i]) continue;
                logW[i * c + j] = z[i * c + j] - z[i * c + y[i]] - softplus(lse);
                max = Math.max(max, logW[i * c + j]);
            }
        }
        INDArray g = Nd4j.zeros(DataType.DOUBLE, theta.length());
        for (int from = 0; from < n; from += settings.chunk()) {
            int to = Math.min(n, from + settings.chunk());
            INDArray e = Nd4j.zeros(DataType.DOUBLE, to - from, c);
            for (int i = from; i < to; i++) {
                if (c == 1) { e.putScalar(i - from, 0, y[i] * Math.exp(logW[i] - max)); continue; }
                double total = 0;
                for (int j = 0; j < c; j++) {
                    if (j == y[i]) continue;
                    double w = Math.exp(logW[i * c + j] - max);
                    e.putScalar(i - from, j, -w);
                    total += w;
                }
                e.putScalar(i - from, y[i], total);
            }
            g.addi(net.gradient(KktNetwork.rows(x, from, to), e).reshape(g.length()));
        }
        INDArray t = theta.reshape(g.length());
        double dot = t.mul(g).sumNumber().doubleValue();
        double norms = Math.sqrt(t.mul(t).sumNumber().doubleValue() * g.mul(g).sumNumber().doubleValue());
        return dot / norms;
    }

    private static double softplus(double t) { return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)); }

    /** Quantiles {@link #QUANTILES} of q_n / ρ^L (linear interpolation between order statistics). */
    static double[] quantiles(double[] q, double logRhoL) {
        double[] s = q.clone();
        Arrays.sort(s);
        double[] out = new double[QUANTILES.length];
        for (int i = 0; i < out.length; i++) {
            double pos = QUANTILES[i] * (s.length - 1);
            int lo = (int) Math.floor(pos), hi = Math.min(s.length - 1, lo + 1);
            double v = s[lo] + (pos - lo) * (s[hi] - s[lo]);
            out[i] = ParameterNorms.divideByExp(v, logRhoL);
        }
        return out;
    }
}
