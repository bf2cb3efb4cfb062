package org.marginmax.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.marginmax.loss.FramedLoss;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.Collection;

/**
 * DL4J's {@link OutputLayer} that evaluates a {@link FramedLoss} once per training iteration instead of twice.
 *
 * <p>DL4J 1.0.0-M2.1's {@code MultiLayerNetwork.computeGradientAndScore} calls the output layer's backprop (which
 * calls {@code ILossFunction.computeGradient}) and then {@code computeScore}, which recomputes the pre-output and
 * calls {@code ILossFunction.computeScore}: the margins of the batch are evaluated twice, each time with a float64
 * copy of logits and labels to the host. Here backprop keeps the loss sum that {@link FramedLoss#computeGradient}
 * computed with the gradient, and the following training-time {@code computeScore} returns it (divided by the
 * minibatch size plus the regularisation term, as DL4J does) without touching the arrays again. Any other loss (the
 * attacks swap in their own), a new input or labels, or a score without a preceding backprop take DL4J's own path.
 *
 * <p>The saved configuration names this class; parameters, layout and initialisation are OutputLayer's. Checkpoints
 * written with the stock OutputLayer still load and train (the stock path, two evaluations per iteration).
 */
public class MarginOutputLayer extends OutputLayer {

    /** For Jackson (DL4J configuration JSON). */
    public MarginOutputLayer() {}

    /** The same layer as {@code built}, copied through DL4J's own configuration JSON so no setting is lost. */
    public static MarginOutputLayer of(OutputLayer built) {
        MarginOutputLayer copy = LayerWiring.copyAs(built, MarginOutputLayer.class);
        copy.setLossFn(built.getLossFn()); // the very loss object: the trainer moves its log-frame
        return copy;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new Impl(conf, networkDataType), "MarginOutputLayer", this, conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams, initializer());
    }

    /** The layer implementation. */
    public static final class Impl extends org.deeplearning4j.nn.layers.OutputLayer {
        private double pendingLossSum;
        private boolean pending;
        private long reusedScores;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** How many training scores reused their backprop's loss instead of evaluating the loss again. */
        public long reusedScores() { return reusedScores; }

        private FramedLoss framedLoss() {
            ILossFunction loss = layerConf().getLossFn();
            return loss instanceof FramedLoss f ? f : null;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            pending = false;
            FramedLoss loss = framedLoss();
            if (loss != null) loss.takeGradientLossSum(); // drop a value left by a call outside this layer
            Pair<Gradient, INDArray> out = super.backpropGradient(epsilon, workspaceMgr);
            if (loss != null) {
                pendingLossSum = loss.takeGradientLossSum();
                pending = !Double.isNaN(pendingLossSum);
            }
            return out;
        }

        @Override
        public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
            boolean reuse = pending && training && input != null && labels != null;
            pending = false;
            if (!reuse) return super.computeScore(fullNetRegTerm, training, workspaceMgr);
            double s = pendingLossSum;
            if (conf().isMiniBatch()) s /= getInputMiniBatchSize();
            s += fullNetRegTerm;
            this.score = s;
            reusedScores++;
            return s;
        }

        @Override
        public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
            pending = false;
            super.setInput(input, workspaceMgr);
        }

        @Override
        public void setLabels(INDArray labels) {
            pending = false;
            super.setLabels(labels);
        }

        @Override
        public void clear() {
            pending = false;
            super.clear();
        }
    }
}
