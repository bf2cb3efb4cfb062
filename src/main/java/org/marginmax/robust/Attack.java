package org.marginmax.robust;

import java.util.Map;

/**
 * An attack on a batch of examples. Its answer, per example, is where the example breaks: the smallest ε of the list
 * at which it was misclassified (fixed-budget attacks: PGD), or the norm of the smallest perturbation found that
 * misclassifies it (minimal attacks: Carlini–Wagner, DeepFool); 0 if it is misclassified clean, +∞ if never broken.
 * Either way the robust accuracy at ε is the fraction of examples whose value exceeds ε
 * ({@link RobustAccuracy}).
 */
public interface Attack {

    /** The kind, e.g. {@code pgd-linf}. */
    AttackKind kind();

    /** Everything that changes the per-example answers, in a fixed order (the cache key and the JSON record it). */
    Map<String, Object> settings();

    /**
     * @param eps the ε list, ascending (fixed-budget attacks attack at each; minimal attacks ignore it)
     */
    double[] brokenAt(AttackedModel model, Examples examples, double[] eps, AttackProgress progress);
}
