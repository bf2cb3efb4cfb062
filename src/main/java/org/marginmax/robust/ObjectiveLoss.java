package org.marginmax.robust;

import org.marginmax.loss.MarginLosses;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The output layer's loss while an {@link AttackedModel} asks for input gradients: its "gradient" is the gradient of
 * the attack {@link Objective} with respect to the logits (the identity-activated preOutput), so DL4J's backprop
 * returns the objective's gradient with respect to the input. The labels DL4J passes are ignored; the logits seen are
 * kept so that one forward-backward pass gives both.
 *
 * <p>Never serialised: it is in the configuration only for the duration of one {@code calculateGradients} call.
 */
final class ObjectiveLoss implements ILossFunction {
    private Objective objective;
    private double[] logits;
    private double[] values;

    void prepare(Objective objective) {
        this.objective = objective;
        this.logits = null;
        this.values = null;
    }

    double[] logits() { return logits; }

    double[] values() { return values; }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (objective == null) throw new IllegalStateException("ObjectiveLoss used without an objective");
        int batch = (int) preOutput.size(0), outputs = (int) preOutput.size(1);
        double[] z = MarginLosses.rowMajor(preOutput);
        double[] grad = new double[z.length];
        double[] v = new double[batch];
        for (int n = 0; n < batch; n++) v[n] = objective.evaluate(z, n * outputs, outputs, n, grad);
        logits = z;
        values = v;
        return Nd4j.create(grad, new long[]{batch, outputs}, preOutput.dataType());
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        throw new UnsupportedOperationException("ObjectiveLoss only provides gradients");
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        throw new UnsupportedOperationException("ObjectiveLoss only provides gradients");
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        INDArray g = computeGradient(labels, preOutput, activationFn, mask);
        double sum = 0;
        for (double x : values) sum += x;
        return new Pair<>(average ? sum / values.length : sum, g);
    }

    @Override
    public String name() { return "ObjectiveLoss"; }
}
