package org.marginmax.robust;

/** Whole-set helpers over {@link Examples}, chunked to the model's batch size. */
final class Batches {
    private Batches() {}

    /** Logits [n, outputs] of every example. */
    static double[] logits(AttackedModel model, Examples examples) {
        int n = examples.size(), d = examples.inputSize(), c = model.numOutputs(), b = model.maxBatch();
        double[] out = new double[n * c];
        for (int from = 0; from < n; from += b) {
            int count = Math.min(b, n - from);
            double[] x = new double[count * d];
            for (int r = 0; r < count; r++) examples.copyRow(from + r, x, r);
            System.arraycopy(model.logits(x, count), 0, out, from * c, count * c);
        }
        return out;
    }

    /** Whether each example is classified correctly without attack. */
    static boolean[] correct(AttackedModel model, Examples examples) {
        double[] z = logits(model, examples);
        int c = model.numOutputs();
        boolean[] ok = new boolean[examples.size()];
        for (int i = 0; i < ok.length; i++) ok[i] = Margins.correct(z, i * c, c, examples.labels()[i]);
        return ok;
    }
}
