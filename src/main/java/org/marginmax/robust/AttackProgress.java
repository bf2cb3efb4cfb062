package org.marginmax.robust;

/** Progress of an attack over its examples. */
@FunctionalInterface
public interface AttackProgress {
    AttackProgress NONE = (fraction, status) -> {};

    /** @param fraction an estimate of the work done so far, in [0, 1] */
    void update(double fraction, String status);
}
