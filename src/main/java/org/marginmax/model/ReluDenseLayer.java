package org.marginmax.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collection;

/**
 * A DL4J {@link DenseLayer} with ReLU whose training step does three matrix products instead of DL4J's four, each as
 * one GEMM into a contiguous array (two as the first layer while training: the gradient with respect to the network
 * input is not needed there).
 *
 * <p>DL4J 1.0.0-M2.1's dense backprop recomputes the forward product {@code x·W} (it caches nothing for dense layers),
 * and its forward and input-gradient products go through {@code mmuli}, which multiplies into a temporary
 * Fortran-ordered array and copies it back. Here the forward output is kept for backprop (ReLU's derivative depends
 * only on the sign, and {@code relu(z) > 0} exactly when {@code z > 0}, so the output serves as well as z), and the
 * products are {@code Nd4j.gemm} calls writing straight into their destination. Measured on the paper's MNIST CNN
 * (dense 3136→1024, batch 100): the dense layer's share of a training step fell from about 26 to 12 ms.
 *
 * <p>The result is DL4J's up to float rounding. Keeping the output is off until {@link BackpropShortcuts} turns it on
 * for a network whose layers cannot modify it before backprop (no dropout or noise anywhere: DL4J lets the next layer
 * change its input in place). The layer falls back to DL4J's own code for anything but plain ReLU without dropout,
 * masks, weight noise or layer norm, or when the kept output does not belong to the current input. The saved
 * configuration names this class; parameters, their layout and initialisation are DenseLayer's.
 */
public class ReluDenseLayer extends DenseLayer {

    /** For Jackson (DL4J configuration JSON). */
    public ReluDenseLayer() {}

    /** The same layer as {@code built}, copied through DL4J's own configuration JSON so no setting is lost. */
    public static ReluDenseLayer of(DenseLayer built) {
        return LayerWiring.copyAs(built, ReluDenseLayer.class);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new Impl(conf, networkDataType), "ReluDenseLayer", this, conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    /** The layer implementation. */
    public static final class Impl extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {
        private INDArray keptInput, keptOutput; // from the last training forward pass (activation workspace)
        private long shortcuts;
        private boolean keepOutput;
        private boolean inputGradient = true;
        private boolean parameterGradients = true;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** Whether the training forward pass keeps its output for backprop (off by default). */
        public boolean keepsOutput() { return keepOutput; }

        /** @param on true only when no later layer can modify this layer's output in place (see the class comment) */
        public void keepOutput(boolean on) {
            keepOutput = on;
            if (!on) keptInput = keptOutput = null;
        }

        /** Whether backprop returns the gradient with respect to this layer's input (default true). */
        public boolean computesInputGradient() { return inputGradient; }

        /** @param on false (first layer while training only): the shortcut backprop returns a null input gradient */
        public void computeInputGradient(boolean on) { inputGradient = on; }

        /** Whether the shortcut backprop computes the weight and bias gradients (default true). */
        public boolean computesParameterGradients() { return parameterGradients; }

        /** @param on false for attacks, which use only the input gradient: the gradient views are left as they are */
        public void computeParameterGradients(boolean on) { parameterGradients = on; }

        /** How many backprops took the shortcut (the rest ran DL4J's own code). */
        public long shortcutBackprops() { return shortcuts; }

        private boolean plain() {
            return layerConf().getActivationFn() instanceof ActivationReLU relu && isPlainRelu(relu)
                    && layerConf().getIDropout() == null && layerConf().getWeightNoise() == null
                    && !hasLayerNorm() && maskArray == null;
        }

        private static boolean isPlainRelu(ActivationReLU relu) { // max(0, x): no cap, threshold or leak
            return relu.getMax() == null && zero(relu.getThreshold()) && zero(relu.getNegativeSlope());
        }

        private static boolean zero(Double d) { return d == null || d == 0.0; }

        @Override
        protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                                LayerWorkspaceMgr workspaceMgr) {
            if (!plain()) return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
            assertInputSet(forBackprop);
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray x = input.castTo(dataType);
            if (x.rank() != 2 || x.columns() != w.rows()) // DL4J's own code reports the mismatch
                return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), new long[]{x.size(0), w.size(1)}, 'c');
            Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
            if (hasBias()) z.addiRowVector(getParam(DefaultParamInitializer.BIAS_KEY));
            return new Pair<>(z, z);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray out = super.activate(training, workspaceMgr);
            keptInput = training && keepOutput && plain() ? input : null;
            keptOutput = keptInput == null ? null : out;
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            if (!plain() || keptOutput == null || keptInput != input || epsilon.dataType() != dataType)
                return super.backpropGradient(epsilon, workspaceMgr);
            assertInputSet(true);
            INDArray out = keptOutput;
            keptInput = keptOutput = null;
            shortcuts++;
            INDArray delta = layerConf().getActivationFn().backprop(out, epsilon).getFirst(); // eps where out > 0
            INDArray x = input.castTo(dataType);
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY); // [nIn, nOut], f order

            Gradient gradient = new DefaultGradient();
            if (hasBias()) {
                INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
                if (parameterGradients) delta.sum(biasGrad, 0);
                gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
            }
            INDArray epsilonNext = null;
            if (inputGradient) {
                epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                        new long[]{delta.size(0), w.size(0)}, 'c');
                Nd4j.gemm(delta, w, epsilonNext, false, true, 1.0, 0.0);                // dL/dx = delta · Wᵀ
            }
            INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY); // [nIn, nOut], f order
            if (parameterGradients)
                Nd4j.gemm(delta, x, weightGrad.transpose(), true, false, 1.0, 0.0);     // (dL/dW)ᵀ = deltaᵀ · x
            gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
            return new Pair<>(gradient, epsilonNext);
        }
    }
}
