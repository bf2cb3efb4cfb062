package org.marginmax.robust;

import org.marginmax.io.UserInputException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Projected gradient ascent on the Carlini–Wagner margin max_{j≠y} f_j − f_y (protocol C; Madry et al. 2018):
 * a random start in the ε-ball, {@code steps} steps of size {@code stepFraction}·ε, projection onto the ball and the
 * [0, 1] box after every step, {@code restarts} random restarts. An example counts as broken as soon as any iterate
 * (each inside the ball and the box) is misclassified; its attack then ends, so the margin objective's cap (κ = 0)
 * never matters.
 *
 * <p>Work is streamed: a batch of at most {@link AttackedModel#maxBatch()} examples is attacked together and an
 * example that is broken or exhausted leaves the batch at once, its place taken by the next one. Each example's
 * random starts come from its own generator (seed, example index, ε, restart), so results do not depend on batching.
 */
public abstract class ProjectedGradientAttack implements Attack {

    /**
     * @param steps        K, gradient steps per restart (authors: 100)
     * @param stepFraction step size as a fraction of ε (authors: 0.1)
     * @param restarts     random restarts (authors: 10; default 1 for speed)
     * @param seed         seed of the random starts
     */
    public record Settings(int steps, double stepFraction, int restarts, long seed) {
        public Settings {
            if (steps < 1) throw new UserInputException("PGD steps must be at least 1, got " + steps);
            if (!(stepFraction > 0) || Double.isInfinite(stepFraction))
                throw new UserInputException("PGD step fraction must be positive, got " + stepFraction);
            if (restarts < 1) throw new UserInputException("PGD restarts must be at least 1, got " + restarts);
        }

        public static Settings defaults() { return new Settings(100, 0.1, 1, 0); }
    }

    /** Per example: whether an iterate was misclassified, and that iterate (else the last one), row-major [n, d]. */
    public record Outcome(boolean[] fooled, double[] adversarial) {}

    protected final Settings settings;

    protected ProjectedGradientAttack(Settings settings) { this.settings = settings; }

    public Settings config() { return settings; }

    /** x ← a uniform random point of the ε-ball around x0 (coordinates [off, off+d)); not yet clipped to the box. */
    protected abstract void randomStart(double[] x, double[] x0, int off, int d, double eps, SplittableRandom rnd);

    /** x ← x + α·(steepest ascent direction of this norm for gradient g). */
    protected abstract void ascend(double[] x, double[] g, int off, int d, double alpha);

    /** x ← its projection onto the ε-ball around x0 (the box is applied after). */
    protected abstract void projectToBall(double[] x, double[] x0, int off, int d, double eps);

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", settings.steps());
        m.put("step_fraction", settings.stepFraction());
        m.put("restarts", settings.restarts());
        m.put("seed", settings.seed());
        return m;
    }

    /** Attacks every example at one ε (also those misclassified clean: they are attacked like the rest). */
    public Outcome attack(AttackedModel model, Examples examples, double eps) {
        int[] all = new int[examples.size()];
        Arrays.setAll(all, i -> i);
        return run(model, examples, all, eps, true, AttackProgress.NONE, f -> 0);
    }

    /**
     * Over the increasing ε list: examples misclassified clean break at 0; the others are attacked at each ε until
     * broken, and record the first ε that breaks them. ε = 0 is not attacked (it is the clean accuracy).
     */
    @Override
    public double[] brokenAt(AttackedModel model, Examples examples, double[] eps, AttackProgress progress) {
        checkEpsList(eps);
        int n = examples.size();
        double[] broken = new double[n];
        List<Integer> active = new ArrayList<>();
        double[] logits = Batches.logits(model, examples);
        int c = model.numOutputs();
        for (int i = 0; i < n; i++) {
            if (Margins.correct(logits, i * c, c, examples.labels()[i])) {
                broken[i] = Double.POSITIVE_INFINITY;
                active.add(i);
            }
        }
        int rounds = (int) Arrays.stream(eps).filter(e -> e > 0).count();
        int round = 0;
        long done = 0; // example-rounds finished
        double survival = 1;
        for (double e : eps) {
            if (e == 0) continue;
            int[] ids = active.stream().mapToInt(Integer::intValue).toArray();
            // ETA guess: the examples left keep surviving each later ε at the last round's rate
            double left = 0, a = ids.length;
            for (int r = round; r < rounds; r++, a *= survival) left += a;
            long doneBefore = done;
            double leftBefore = left;
            RoundProgress rp = finished -> (doneBefore + finished) / Math.max(1e-9, doneBefore + leftBefore);
            Outcome o = run(model, examples, ids, e, true, progress, rp);
            List<Integer> still = new ArrayList<>();
            for (int k = 0; k < ids.length; k++) {
                if (o.fooled[k]) broken[ids[k]] = e;
                else still.add(ids[k]);
            }
            survival = ids.length == 0 ? 0 : (double) still.size() / ids.length;
            done += ids.length;
            active = still;
            round++;
            double leftAfter = 0;
            a = active.size();
            for (int r = round; r < rounds; r++, a *= survival) leftAfter += a;
            progress.update(done / Math.max(1e-9, done + leftAfter), String.format(java.util.Locale.ROOT,
                    "eps %s done: %d of %d robust", e, active.size(), n));
        }
        return broken;
    }

    /** Fraction of the whole attack done once {@code finished} examples of the current ε are done. */
    @FunctionalInterface
    private interface RoundProgress { double fraction(int finished); }

    /**
     * Attack throughput: examples per second of a full attack ({@code settings.steps} steps per restart, no early
     * stop, so every example costs the same) on {@code examples} at ε = {@code eps}. Not a test: for a bench command.
     */
    public double throughput(AttackedModel model, Examples examples, double eps) {
        int[] all = new int[examples.size()];
        Arrays.setAll(all, i -> i);
        run(model, examples, all, eps, false, AttackProgress.NONE, f -> 0); // warm-up
        long t0 = System.nanoTime();
        run(model, examples, all, eps, false, AttackProgress.NONE, f -> 0);
        return examples.size() / ((System.nanoTime() - t0) / 1e9);
    }

    static void checkEpsList(double[] eps) {
        for (int i = 0; i < eps.length; i++) {
            if (!(eps[i] >= 0) || Double.isInfinite(eps[i]))
                throw new UserInputException("epsilon " + eps[i] + " must be a finite number >= 0");
            if (i > 0 && !(eps[i] > eps[i - 1]))
                throw new UserInputException("the epsilon list must increase strictly, got "
                        + Arrays.toString(eps));
        }
    }

    /** One in-flight example: its index into ids, restart, step, and current point. */
    private static final class Job {
        final int slot;
        int restart, step;
        final double[] x, x0;
        Job(int slot, double[] x0) { this.slot = slot; this.x0 = x0; this.x = new double[x0.length]; }
    }

    private Outcome run(AttackedModel model, Examples examples, int[] ids, double eps, boolean earlyStop,
                        AttackProgress progress, RoundProgress roundProgress) {
        int d = examples.inputSize(), c = model.numOutputs(), batchMax = model.maxBatch();
        double alpha = settings.stepFraction() * eps;
        boolean[] fooled = new boolean[ids.length];
        double[] adversarial = new double[ids.length * d];
        Deque<Integer> pending = new ArrayDeque<>();
        for (int k = 0; k < ids.length; k++) pending.add(k);
        List<Job> jobs = new ArrayList<>();
        int finished = 0;
        long lastReport = System.nanoTime();
        while (!pending.isEmpty() || !jobs.isEmpty()) {
            while (jobs.size() < batchMax && !pending.isEmpty()) {
                int slot = pending.poll();
                double[] clean = new double[d];
                examples.copyRow(ids[slot], clean, 0);
                Job j = new Job(slot, clean);
                start(j, model, ids[slot], eps);
                jobs.add(j);
            }
            int m = jobs.size();
            double[] x = new double[m * d], x0 = new double[m * d];
            int[] labels = new int[m];
            for (int r = 0; r < m; r++) {
                Job j = jobs.get(r);
                System.arraycopy(j.x, 0, x, r * d, d);
                System.arraycopy(j.x0, 0, x0, r * d, d);
                labels[r] = examples.labels()[ids[j.slot]];
            }
            AttackedModel.Pass pass = model.gradient(x, m, Margins.cwMargin(labels, 0.0, null));
            List<Job> next = new ArrayList<>(m);
            for (int r = 0; r < m; r++) {
                Job j = jobs.get(r);
                int off = r * d;
                if (!Margins.correct(pass.logits(), r * c, c, labels[r]) && !fooled[j.slot]) {
                    fooled[j.slot] = true;
                    System.arraycopy(j.x, 0, adversarial, j.slot * d, d);
                    if (earlyStop) { finished++; continue; }
                }
                if (j.step == settings.steps()) {
                    if (j.restart + 1 < settings.restarts()) {
                        j.restart++;
                        start(j, model, ids[j.slot], eps);
                        next.add(j);
                    } else {
                        if (!fooled[j.slot]) System.arraycopy(j.x, 0, adversarial, j.slot * d, d);
                        finished++;
                    }
                    continue;
                }
                ascend(x, pass.gradient(), off, d, alpha);
                projectToBall(x, x0, off, d, eps);
                clipToBox(x, off, d);
                System.arraycopy(x, off, j.x, 0, d);
                model.roundToward(j.x, j.x0);
                j.step++;
                next.add(j);
            }
            jobs = next;
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                lastReport = System.nanoTime();
                progress.update(roundProgress.fraction(finished), String.format(java.util.Locale.ROOT,
                        "eps %s: %d/%d examples", eps, finished, ids.length));
            }
        }
        return new Outcome(fooled, adversarial);
    }

    /** A fresh random start; rounding to the network's precision toward x0 keeps ball and box (roundToward). */
    private void start(Job j, AttackedModel model, int example, double eps) {
        SplittableRandom rnd = new SplittableRandom(mix(settings.seed(), example, Double.doubleToLongBits(eps), j.restart));
        randomStart(j.x, j.x0, 0, j.x.length, eps, rnd);
        projectToBall(j.x, j.x0, 0, j.x.length, eps);
        clipToBox(j.x, 0, j.x.length);
        model.roundToward(j.x, j.x0);
        j.step = 0;
    }

    static void clipToBox(double[] x, int off, int d) {
        for (int i = off; i < off + d; i++) x[i] = Math.min(1.0, Math.max(0.0, x[i]));
    }

    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h ^= p + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return h;
    }
}
