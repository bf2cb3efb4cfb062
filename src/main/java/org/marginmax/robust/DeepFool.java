package org.marginmax.robust;

import org.marginmax.io.UserInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * L2 DeepFool (Moosavi-Dezfooli et al. 2016), multi-class, as the fast estimate of the minimal L2 perturbation
 * (protocol C). Each iteration linearises the boundaries f_k − f_y = 0 (C − 1 input gradients per example, one for a
 * single output), steps to the nearest one, r = (|f'_l| + 10⁻⁴)/‖w'_l‖² · w'_l, and moves to
 * x0 + (1 + overshoot)·Σr clipped to [0, 1], until the example is misclassified or {@code maxIterations} pass.
 *
 * <p>Then, unless {@code refineSteps} is 0, {@code refineSteps} bisections along the segment from x0 to the point
 * found keep the closest misclassified point on it (this removes most of the overshoot; the point kept is always
 * misclassified). Per example the answer is the L2 norm ‖δ‖₂ of the perturbation, not its square.
 */
public final class DeepFool implements Attack {

    /**
     * @param maxIterations iterations per example (authors: 1,000; it usually stops within a few)
     * @param overshoot     the authors' 0.02
     * @param refineSteps   bisection steps along the found perturbation, 0 for the plain algorithm
     */
    public record Settings(int maxIterations, double overshoot, int refineSteps) {
        public Settings {
            if (maxIterations < 1) throw new UserInputException("DeepFool iterations must be at least 1, got " + maxIterations);
            if (!(overshoot >= 0)) throw new UserInputException("DeepFool overshoot must be >= 0, got " + overshoot);
            if (refineSteps < 0) throw new UserInputException("DeepFool refine steps must be >= 0, got " + refineSteps);
        }

        public static Settings defaults() { return new Settings(50, 0.02, 10); }
    }

    private static final double SLACK = 1e-4;

    private final Settings settings;

    public DeepFool(Settings settings) { this.settings = settings; }

    @Override public AttackKind kind() { return AttackKind.DEEPFOOL; }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_iterations", settings.maxIterations());
        m.put("overshoot", settings.overshoot());
        m.put("refine_steps", settings.refineSteps());
        return m;
    }

    @Override
    public double[] brokenAt(AttackedModel model, Examples examples, double[] eps, AttackProgress progress) {
        int n = examples.size(), d = examples.inputSize(), b = model.maxBatch();
        double[] out = new double[n];
        for (int from = 0; from < n; from += b) {
            int count = Math.min(b, n - from);
            int[] ids = java.util.stream.IntStream.range(from, from + count).toArray();
            double[] x0 = examples.rows(ids, 0, count);
            int[] labels = examples.labelsOf(ids, 0, count);
            double[] norms = attack(model, x0, labels).norms;
            System.arraycopy(norms, 0, out, from, count);
            progress.update((double) (from + count) / n, String.format(Locale.ROOT, "%d/%d examples", from + count, n));
        }
        return out;
    }

    /** Per example of the batch: the point found (x0 itself if misclassified clean) and its L2 distance (0 / +∞). */
    public record Result(double[] adversarial, double[] norms) {}

    public Result attack(AttackedModel model, double[] x0, int[] labels) {
        int n = labels.length, d = model.inputSize(), c = model.numOutputs();
        double[] x = x0.clone(), rTotal = new double[n * d], norms = new double[n];
        boolean[] found = new boolean[n];
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < n; i++) active.add(i);
        for (int iter = 0; iter <= settings.maxIterations() && !active.isEmpty(); iter++) {
            int m = active.size();
            double[] xb = new double[m * d];
            int[] yb = new int[m];
            for (int r = 0; r < m; r++) {
                System.arraycopy(x, active.get(r) * d, xb, r * d, d);
                yb[r] = labels[active.get(r)];
            }
            int slots = Math.max(1, c - 1);
            double[][] gaps = new double[slots][], grads = new double[slots][];
            double[] logits = null;
            for (int s = 0; s < slots; s++) {
                int[] classes = new int[m];
                for (int r = 0; r < m; r++) classes[r] = s < yb[r] ? s : s + 1; // the s-th class other than y
                AttackedModel.Pass p = model.gradient(xb, m, Margins.logitDifference(yb, classes));
                gaps[s] = p.values();
                grads[s] = p.gradient();
                logits = p.logits();
            }
            List<Integer> still = new ArrayList<>();
            for (int r = 0; r < m; r++) {
                int i = active.get(r);
                if (!Margins.correct(logits, r * c, c, yb[r])) {
                    found[i] = true;
                    norms[i] = MinimalAttacks.l2(x, x0, i * d, d);
                    continue;
                }
                if (iter == settings.maxIterations()) {
                    norms[i] = Double.POSITIVE_INFINITY;
                    continue;
                }
                int best = -1;
                double bestDist = Double.POSITIVE_INFINITY, bestNorm2 = 0;
                for (int s = 0; s < slots; s++) {
                    double norm2 = 0;
                    for (int k = r * d; k < (r + 1) * d; k++) norm2 += grads[s][k] * grads[s][k];
                    double dist = Math.abs(gaps[s][r]) / Math.sqrt(norm2);
                    if (norm2 > 0 && dist < bestDist) { bestDist = dist; best = s; bestNorm2 = norm2; }
                }
                if (best < 0) { // flat: no gradient points anywhere
                    norms[i] = Double.POSITIVE_INFINITY;
                    continue;
                }
                double scale = (Math.abs(gaps[best][r]) + SLACK) / bestNorm2;
                for (int k = 0; k < d; k++) {
                    rTotal[i * d + k] += scale * grads[best][r * d + k];
                    x[i * d + k] = Math.min(1.0, Math.max(0.0, x0[i * d + k] + (1 + settings.overshoot()) * rTotal[i * d + k]));
                }
                double[] xi = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
                model.roundToward(xi, java.util.Arrays.copyOfRange(x0, i * d, (i + 1) * d));
                System.arraycopy(xi, 0, x, i * d, d);
                still.add(i);
            }
            active = still;
        }
        if (settings.refineSteps() > 0) MinimalAttacks.bisect(model, labels, x0, x, found, settings.refineSteps(), norms);
        return new Result(x, norms);
    }
}
