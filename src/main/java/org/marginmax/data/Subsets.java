package org.marginmax.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The subsets of a {@code data:} section, all deterministic: class subsets and binary tasks (relabelling), then
 * first-N or stratified-N per split. Random draws use {@link java.util.Random}, whose algorithm the Java
 * specification fixes, seeded from the experiment seed: the same seed gives the same subset on any JVM.
 */
public final class Subsets {
    public static final String EVEN_VS_ODD = "even-vs-odd";
    /** Stream tags so the training and test draws differ for one seed. */
    static final long TRAIN_STREAM = 0x7261696eL, TEST_STREAM = 0x74657374L;

    private Subsets() {}

    /** Applies {@code spec}'s class subset or binary task to both splits, then its per-split subsets. */
    public static DataSplit apply(DataSplit full, DataSpec spec, long seed) {
        ImageDataset train = task(full.train(), spec, "training");
        ImageDataset test = task(full.test(), spec, "test");
        train = subset(train, spec.train(), seed, TRAIN_STREAM, "data.train");
        test = subset(test, spec.test(), seed, TEST_STREAM, "data.test");
        return new DataSplit(train, test, full.name(), full.sha256());
    }

    static ImageDataset task(ImageDataset ds, DataSpec spec, String split) {
        if (spec.binary() != null) return binaryTask(ds, spec.binary(), split);
        if (!spec.classes().isEmpty()) return classSubset(ds, spec.classes().stream().mapToInt(Integer::intValue).toArray(), split);
        return ds;
    }

    static ImageDataset subset(ImageDataset ds, SubsetSpec s, long seed, long stream, String key) {
        if (s.first() != null) {
            if (s.first() > ds.size())
                throw new DataException(key + ".first = " + s.first() + " but the split has only " + ds.size() + " examples");
            return firstN(ds, s.first());
        }
        if (s.stratified() != null) return stratified(ds, s.stratified(), mix(seed, stream), key);
        return ds;
    }

    /** The first {@code n} examples, in file order. */
    public static ImageDataset firstN(ImageDataset ds, int n) {
        if (n == ds.size()) return ds;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return ds.subset(idx);
    }

    /**
     * {@code n} examples with an equal share per class (n / k each for k classes; the remainder n mod k goes one
     * each to the lowest-numbered classes), drawn at random with {@code seed} within each class, then kept in file
     * order. Fails if a class has fewer examples than its share.
     */
    public static ImageDataset stratified(ImageDataset ds, int n, long seed, String key) {
        int k = ds.numClasses();
        int[] counts = ds.classCounts();
        int[] share = new int[k];
        for (int c = 0; c < k; c++) share[c] = n / k + (c < n % k ? 1 : 0);
        for (int c = 0; c < k; c++)
            if (counts[c] < share[c])
                throw new DataException(key + ".stratified = " + n + " needs " + share[c] + " examples of class " + c
                        + " but the split has " + counts[c]);
        int[][] byClass = new int[k][];
        int[] fill = new int[k];
        for (int c = 0; c < k; c++) byClass[c] = new int[counts[c]];
        for (int i = 0; i < ds.size(); i++) {
            int c = ds.label(i);
            byClass[c][fill[c]++] = i;
        }
        Random rng = new Random(seed);
        int[] chosen = new int[n];
        int m = 0;
        for (int c = 0; c < k; c++) {
            shuffle(byClass[c], rng);
            System.arraycopy(byClass[c], 0, chosen, m, share[c]);
            m += share[c];
        }
        Arrays.sort(chosen);
        return ds.subset(chosen);
    }

    /** Keeps the listed classes, relabelled 0..k−1 in the listed order. */
    public static ImageDataset classSubset(ImageDataset ds, int[] classes, String split) {
        if (ds.binary()) throw new DataException("data.classes cannot apply to a binary task");
        int[] newLabel = new int[ds.numClasses()];
        Arrays.fill(newLabel, -1);
        for (int j = 0; j < classes.length; j++) {
            int c = classes[j];
            if (c < 0 || c >= ds.numClasses())
                throw new DataException("data.classes lists " + c + " but the dataset has classes 0.." + (ds.numClasses() - 1));
            if (newLabel[c] >= 0) throw new DataException("data.classes lists class " + c + " twice");
            newLabel[c] = j;
        }
        if (classes.length < 2) throw new DataException("data.classes must list at least two classes, got " + Arrays.toString(classes));
        return relabel(ds, newLabel, classes.length, false, split, "data.classes " + Arrays.toString(classes));
    }

    /** A ±1 task: "A,B" (class A → −1, B → +1, other classes dropped) or "even-vs-odd" (even → −1, odd → +1). */
    public static ImageDataset binaryTask(ImageDataset ds, String task, String split) {
        if (ds.binary()) throw new DataException("the dataset is already a binary task");
        int[] newLabel = new int[ds.numClasses()];
        Arrays.fill(newLabel, -1);
        String t = task.trim();
        if (t.equals(EVEN_VS_ODD)) {
            for (int c = 0; c < ds.numClasses(); c++) newLabel[c] = c % 2;
        } else {
            String[] parts = t.split(",");
            int a, b;
            try {
                if (parts.length != 2) throw new NumberFormatException();
                a = Integer.parseInt(parts[0].trim());
                b = Integer.parseInt(parts[1].trim());
            } catch (NumberFormatException e) {
                throw new DataException("data.binary must be \"A,B\" (two class numbers) or \"even-vs-odd\", not \"" + task + "\"");
            }
            for (int c : new int[]{a, b})
                if (c < 0 || c >= ds.numClasses())
                    throw new DataException("data.binary names class " + c + " but the dataset has classes 0.." + (ds.numClasses() - 1));
            if (a == b) throw new DataException("data.binary needs two different classes, got \"" + task + "\"");
            newLabel[a] = 0;
            newLabel[b] = 1;
        }
        return relabel(ds, newLabel, 2, true, split, "data.binary \"" + task + "\"");
    }

    private static ImageDataset relabel(ImageDataset ds, int[] newLabel, int k, boolean binary, String split, String what) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) if (newLabel[ds.label(i)] >= 0) keep.add(i);
        if (keep.isEmpty()) throw new DataException(what + " keeps no example of the " + split + " split");
        int[] idx = keep.stream().mapToInt(Integer::intValue).toArray();
        ImageDataset kept = idx.length == ds.size() ? ds : ds.subset(idx);
        int[] labels = new int[idx.length];
        for (int j = 0; j < idx.length; j++) labels[j] = newLabel[ds.label(idx[j])];
        return kept.withLabels(labels, k, binary);
    }

    /** Fisher–Yates with {@code rng}. */
    static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Combines seeds into one well-mixed 64-bit seed (SplitMix64 finaliser over each part in turn). */
    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            long z = h ^ p;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            h = z ^ (z >>> 31);
            h += 0x9E3779B97F4A7C15L;
        }
        return h;
    }
}
