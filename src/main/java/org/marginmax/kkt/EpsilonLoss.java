package org.marginmax.kkt;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The output layer's loss while {@link PairGradients} runs DL4J's backprop: its "gradient" with respect to the
 * (identity-activated) logits is a preset matrix E [batch, outputs], so {@code calculateGradients} returns
 * Σ_rows ∂(Σ_c E_rc f_c(x_r))/∂θ. With E_r = e_y − e_j that is ∇(f_y − f_j), the gradient of one margin q_a.
 *
 * <p>Never serialised: it sits in the configuration of a private float64 copy of the network only.
 */
final class EpsilonLoss implements ILossFunction {
    private INDArray epsilon;

    void set(INDArray epsilon) { this.epsilon = epsilon; }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (epsilon == null) throw new IllegalStateException("EpsilonLoss used without an epsilon");
        if (epsilon.size(0) != preOutput.size(0) || epsilon.size(1) != preOutput.size(1))
            throw new IllegalStateException("epsilon " + java.util.Arrays.toString(epsilon.shape())
                    + " does not match the logits " + java.util.Arrays.toString(preOutput.shape()));
        return epsilon.castTo(preOutput.dataType());
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        return 0; // only the gradient is used; DL4J asks for a score along the way
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        throw new UnsupportedOperationException("EpsilonLoss only provides gradients");
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(0.0, computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() { return "EpsilonLoss"; }
}
