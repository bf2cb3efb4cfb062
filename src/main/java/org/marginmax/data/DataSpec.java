package org.marginmax.data;

import java.util.List;

/**
 * The {@code data:} section of an experiment config.
 *
 * @param dataset mnist, fashion-mnist, cifar10, or idx:DIR (any directory with the four MNIST-named files)
 * @param train   optional subset of the training split
 * @param test    optional subset of the test split
 * @param classes optional class subset (labels are re-numbered 0..k-1 in the listed order)
 * @param binary  optional binary task with labels ±1: "A,B" (class A is −1, B is +1; other classes dropped)
 *                or "even-vs-odd" (even digits −1, odd +1)
 */
public record DataSpec(String dataset, SubsetSpec train, SubsetSpec test, List<Integer> classes, String binary) {
    public DataSpec {
        if (dataset == null || dataset.isBlank())
            throw new IllegalArgumentException("data.dataset is required (mnist, fashion-mnist, cifar10 or idx:DIR)");
        if (train == null) train = SubsetSpec.all();
        if (test == null) test = SubsetSpec.all();
        classes = classes == null ? List.of() : List.copyOf(classes);
        if (binary != null && !classes.isEmpty())
            throw new IllegalArgumentException("give either data.classes or data.binary, not both");
    }
}
