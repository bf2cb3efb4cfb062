package org.marginmax.robust;

/**
 * A per-example function of the logits whose gradient with respect to the input an attack wants. The
 * {@link AttackedModel} backpropagates whatever {@link #evaluate} writes into {@code grad} through the network.
 */
@FunctionalInterface
public interface Objective {

    /**
     * Value of example {@code n} of the batch, and its gradient with respect to that example's logits written into
     * {@code grad[offset, offset + numOutputs)} (zeros on entry).
     *
     * @param logits row-major [batch, numOutputs] logits (output layer pre-activations) as float64
     */
    double evaluate(double[] logits, int offset, int numOutputs, int n, double[] grad);
}
