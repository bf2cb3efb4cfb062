package org.marginmax.robust;

import org.marginmax.io.UserInputException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Untargeted Carlini–Wagner L2 (Carlini & Wagner 2017, their l2_attack.py; protocol C). Per example, in the
 * change of variables x' = (tanh w + 1)/2 (which keeps x' in [0, 1]), Adam minimises
 * ‖x' − x0‖₂² + c·max(f_y − max_{j≠y} f_j, −κ) (for one output: max(y·f, −κ)) from w = atanh((2·x0 − 1)·0.999999),
 * restarting Adam for each of {@code binarySteps} values of the constant c: c starts at {@code initialConst}, is
 * bisected between the largest failing and the smallest succeeding value, and grows ×10 while none succeeded.
 * With {@code abortEarly}, a round stops when its loss has not fallen by 0.01% over the last maxIterations/10
 * iterations (checked per example, the reference checks the batch). Every iterate misclassified with confidence κ
 * (margin ≤ −κ) is a candidate; the answer per example is the L2 norm ‖δ‖₂ of the closest one over all rounds (the
 * authors record its square, ‖δ‖₂²).
 *
 * <p>Examples are streamed through batches of {@link AttackedModel#maxBatch()}: one that is done leaves at once and
 * the next takes its place.
 */
public final class CarliniWagnerL2 implements Attack {

    /**
     * @param binarySteps   values of c tried (authors: 9)
     * @param maxIterations Adam iterations per value of c (authors: 10,000; default 1,000 on CPU)
     * @param initialConst  first c (authors: 1e-3)
     * @param learningRate  Adam's learning rate (authors: 0.01)
     * @param confidence    κ (authors: 0)
     * @param abortEarly    stop a round whose loss has stalled (authors: yes)
     */
    public record Settings(int binarySteps, int maxIterations, double initialConst, double learningRate,
                           double confidence, boolean abortEarly) {
        public Settings {
            if (binarySteps < 1) throw new UserInputException("CW binary search steps must be at least 1, got " + binarySteps);
            if (maxIterations < 1) throw new UserInputException("CW iterations must be at least 1, got " + maxIterations);
            if (!(initialConst > 0)) throw new UserInputException("CW initial constant must be positive, got " + initialConst);
            if (!(learningRate > 0)) throw new UserInputException("CW learning rate must be positive, got " + learningRate);
            if (!(confidence >= 0)) throw new UserInputException("CW confidence must be >= 0, got " + confidence);
        }

        public static Settings defaults() { return new Settings(9, 1000, 1e-3, 0.01, 0.0, true); }
    }

    private static final double BETA1 = 0.9, BETA2 = 0.999, ADAM_EPS = 1e-8;
    private static final double UPPER_UNSET = 1e10;

    private final Settings settings;

    public CarliniWagnerL2(Settings settings) { this.settings = settings; }

    @Override public AttackKind kind() { return AttackKind.CW_L2; }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binary_steps", settings.binarySteps());
        m.put("max_iterations", settings.maxIterations());
        m.put("initial_const", settings.initialConst());
        m.put("learning_rate", settings.learningRate());
        m.put("confidence", settings.confidence());
        m.put("abort_early", settings.abortEarly());
        return m;
    }

    /** The state of one example's attack. */
    private final class Job {
        final int example;
        final double[] x0, w0, w, m, v, x;
        int adamT, iteration, round;
        double c = settings.initialConst(), lower = 0, upper = UPPER_UNSET;
        double roundBest = Double.POSITIVE_INFINITY, best = Double.POSITIVE_INFINITY, previousLoss = 1e6;
        double[] bestPoint;

        Job(int example, double[] x0) {
            this.example = example;
            this.x0 = x0;
            int d = x0.length;
            w0 = new double[d];
            for (int k = 0; k < d; k++) w0[k] = atanh((2 * x0[k] - 1) * 0.999999);
            w = w0.clone();
            m = new double[d];
            v = new double[d];
            x = new double[d];
        }

        void newRound() {
            System.arraycopy(w0, 0, w, 0, w.length);
            java.util.Arrays.fill(m, 0);
            java.util.Arrays.fill(v, 0);
            adamT = 0;
            iteration = 0;
            roundBest = Double.POSITIVE_INFINITY;
            previousLoss = 1e6;
        }

        /** The binary search on c after a round (reference: l2_attack.py). */
        void updateConstant() {
            if (roundBest < Double.POSITIVE_INFINITY) {
                upper = Math.min(upper, c);
                if (upper < UPPER_UNSET / 10) c = (lower + upper) / 2;
            } else {
                lower = Math.max(lower, c);
                c = upper < UPPER_UNSET / 10 ? (lower + upper) / 2 : c * 10;
            }
        }
    }

    @Override
    public double[] brokenAt(AttackedModel model, Examples examples, double[] eps, AttackProgress progress) {
        Result r = attack(model, examples, progress);
        return r.norms();
    }

    /** Per example: the closest misclassified point found (null if none or misclassified clean) and its L2 norm. */
    public record Result(double[] norms, double[][] adversarial) {}

    public Result attack(AttackedModel model, Examples examples, AttackProgress progress) {
        int n = examples.size(), d = examples.inputSize(), c = model.numOutputs();
        double[] norms = new double[n];
        double[][] points = new double[n][];
        boolean[] correct = Batches.correct(model, examples);
        Deque<Integer> pending = new ArrayDeque<>();
        for (int i = 0; i < n; i++) if (correct[i]) pending.add(i);
        int total = pending.size(), finished = 0;
        List<Job> jobs = new ArrayList<>();
        long lastReport = System.nanoTime();
        while (!pending.isEmpty() || !jobs.isEmpty()) {
            while (jobs.size() < model.maxBatch() && !pending.isEmpty()) {
                int i = pending.poll();
                double[] x0 = new double[d];
                examples.copyRow(i, x0, 0);
                jobs.add(new Job(i, x0));
            }
            int b = jobs.size();
            double[] x = new double[b * d];
            int[] labels = new int[b];
            double[] consts = new double[b];
            for (int r = 0; r < b; r++) {
                Job j = jobs.get(r);
                for (int k = 0; k < d; k++) j.x[k] = (Math.tanh(j.w[k]) + 1) / 2;
                model.roundToward(j.x, j.x0);
                System.arraycopy(j.x, 0, x, r * d, d);
                labels[r] = examples.labels()[j.example];
                consts[r] = j.c;
            }
            // value = c·min(−q, κ) = −c·max(q, −κ): the loss is ‖x' − x0‖² − value
            AttackedModel.Pass pass = model.gradient(x, b, Margins.cwMargin(labels, settings.confidence(), consts));
            List<Job> next = new ArrayList<>(b);
            int abortEvery = Math.max(1, settings.maxIterations() / 10);
            for (int r = 0; r < b; r++) {
                Job j = jobs.get(r);
                double l2sq = 0;
                for (int k = 0; k < d; k++) l2sq += (j.x[k] - j.x0[k]) * (j.x[k] - j.x0[k]);
                double loss = l2sq - pass.values()[r];
                double q = Margins.margin(pass.logits(), r * c, c, labels[r]);
                if (q <= -settings.confidence()) {
                    double l2 = Math.sqrt(l2sq);
                    j.roundBest = Math.min(j.roundBest, l2);
                    if (l2 < j.best) {
                        j.best = l2;
                        j.bestPoint = j.x.clone();
                    }
                }
                boolean roundOver = false;
                if (settings.abortEarly() && j.iteration % abortEvery == 0) {
                    if (loss > j.previousLoss * 0.9999) roundOver = true;
                    j.previousLoss = loss;
                }
                if (!roundOver) {
                    adamStep(j, pass.gradient(), r * d);
                    roundOver = ++j.iteration >= settings.maxIterations();
                }
                if (roundOver) {
                    j.updateConstant();
                    if (++j.round >= settings.binarySteps()) {
                        norms[j.example] = j.best;
                        points[j.example] = j.bestPoint;
                        finished++;
                        continue;
                    }
                    j.newRound();
                }
                next.add(j);
            }
            jobs = next;
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                lastReport = System.nanoTime();
                double partial = finished;
                for (Job j : jobs) partial += (j.round + (double) j.iteration / settings.maxIterations()) / settings.binarySteps();
                progress.update(total == 0 ? 1 : partial / total, String.format(Locale.ROOT,
                        "%d/%d examples done, %d in flight", finished, total, jobs.size()));
            }
        }
        return new Result(norms, points);
    }

    /** One Adam step on w for ∂loss/∂w = (2(x' − x0) − ∂value/∂x')·(1 − tanh² w)/2 (TensorFlow's Adam). */
    private void adamStep(Job j, double[] valueGrad, int off) {
        j.adamT++;
        double lr = settings.learningRate() * Math.sqrt(1 - Math.pow(BETA2, j.adamT)) / (1 - Math.pow(BETA1, j.adamT));
        for (int k = 0; k < j.w.length; k++) {
            double t = Math.tanh(j.w[k]);
            double g = (2 * (j.x[k] - j.x0[k]) - valueGrad[off + k]) * (1 - t * t) / 2;
            j.m[k] = BETA1 * j.m[k] + (1 - BETA1) * g;
            j.v[k] = BETA2 * j.v[k] + (1 - BETA2) * g * g;
            j.w[k] -= lr * j.m[k] / (Math.sqrt(j.v[k]) + ADAM_EPS);
        }
    }

    private static double atanh(double v) { return 0.5 * Math.log((1 + v) / (1 - v)); }
}
