package org.marginmax.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collection;

/**
 * The network's first convolution: a DL4J {@link ConvolutionLayer} whose backprop can leave out the gradient with
 * respect to the network input, which training never uses (DL4J computes it and then drops it).
 *
 * <p>With the oneDNN helper, that input gradient is the slowest part of the paper's MNIST CNN backprop: one input
 * channel is padded to 16 in oneDNN's blocked layout, and {@code conv2d_bp} measured 17 ms per batch of 100 for
 * conv1, while the weight gradient alone, done as below, takes about 10 ms. The forward pass is unchanged (the oneDNN
 * helper or DL4J's im2col path), and with the flag off (the default) backprop is exactly DL4J's. Only
 * {@link BackpropShortcuts#forTraining} turns it on, for the trainer's own network: attacks, which need the input
 * gradient, always get it.
 *
 * <p>Checkpoints store this class name in their DL4J configuration; networks saved before it existed use DL4J's plain
 * {@code ConvolutionLayer} and train as before, only without the shortcut.
 */
public class InputConvolutionLayer extends ConvolutionLayer {

    /** For Jackson (DL4J configuration JSON). */
    public InputConvolutionLayer() {}

    /** Same settings as {@code builder.build()}. */
    public InputConvolutionLayer(ConvolutionLayer.Builder builder) {
        super(builder);
        ConvolutionUtils.validateConvolutionModePadding(getConvolutionMode(), getPadding());
        ConvolutionUtils.validateCnnKernelStridePadding(getKernelSize(), getStride(), getPadding());
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners, int layerIndex,
                                                       INDArray layerParamsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return LayerWiring.wire(new Impl(conf, networkDataType), "InputConvolutionLayer", this, conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams, initializer());
    }

    @Override
    public InputConvolutionLayer clone() {
        return (InputConvolutionLayer) super.clone();
    }

    /** The layer implementation: DL4J's convolution layer with the optional weight-gradient-only backprop. */
    public static final class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        private boolean inputGradient = true;
        private long shortcuts;

        public Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** How many backprops skipped the input gradient (the rest ran DL4J's own code). */
        public long shortcutBackprops() { return shortcuts; }

        /** Whether backprop returns the gradient with respect to this layer's input (default true). */
        public boolean computesInputGradient() { return inputGradient; }

        /** @param on false: backprop returns a null input gradient and computes the parameter gradients only */
        public void computeInputGradient(boolean on) { inputGradient = on; }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            if (inputGradient || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW || layerConf().getIDropout() != null)
                return super.backpropGradient(epsilon, workspaceMgr);
            assertInputSet(true);
            shortcuts++;
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            INDArray input = this.input.castTo(dataType);
            if (epsilon.dataType() != dataType) epsilon = epsilon.castTo(dataType);

            long n = input.size(0), outChannels = weights.size(0), inChannels = weights.size(1);
            int kH = (int) weights.size(2), kW = (int) weights.size(3);
            int[] kernel = layerConf().getKernelSize(), stride = layerConf().getStride(), dilation = layerConf().getDilation();
            int[] pad, out;
            if (convolutionMode == ConvolutionMode.Same) {
                out = ConvolutionUtils.getOutputSize(input, kernel, stride, null, convolutionMode, dilation, CNN2DFormat.NCHW);
                pad = ConvolutionUtils.getSameModeTopLeftPadding(out, new int[]{(int) input.size(2), (int) input.size(3)},
                        kernel, stride, dilation);
            } else {
                pad = layerConf().getPadding();
                out = ConvolutionUtils.getOutputSize(input, kernel, stride, pad, convolutionMode, dilation, CNN2DFormat.NCHW);
            }
            long positions = (long) out[0] * out[1], patch = inChannels * kH * kW;

            // Pre-activations from the forward pass (cached under CacheMode, see BackpropShortcuts), then dL/dz.
            Pair<INDArray, INDArray> pre = preOutput4d(true, true, workspaceMgr);
            INDArray z = pre.getFirst();
            INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst(); // [n, out, oH, oW]
            INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY); // [out, in, kH, kW], c order
            INDArray weightGrad2d = Shape.newShapeNoCopy(weightGrad, new long[]{outChannels, patch}, false);
            if (weightGrad2d == null) throw new IllegalStateException("weight gradient view is not contiguous");
            INDArray deltaByChannel = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                    new long[]{outChannels, n, positions}, 'c');
            deltaByChannel.assign(delta.reshape('c', n, outChannels, positions).permute(1, 0, 2));
            INDArray delta2d = deltaByChannel.reshape('c', outChannels, n * positions);

            // dL/dW[o, (c,i,j)] = sum over (n, h, w) of dL/dz[n,o,h,w] * patch[n,(c,i,j),h,w]: one GEMM over n*oH*oW.
            if (pre.getSecond() != null) {
                // No helper (float64, CUDA): DL4J kept its im2col matrix [n*oH*oW, c*kH*kW] from the forward pass.
                Nd4j.gemm(delta2d, pre.getSecond(), weightGrad2d, false, false, 1.0, 0.0);
            } else {
                // libnd4j's im2col is fast only into its own layout [n, c, kH, kW, oH, oW]; the patches are then
                // copied to [c*kH*kW, n, oH*oW] (contiguous runs of oH*oW, cheap) so that the sum runs along one axis.
                INDArray cols = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                        new long[]{n, inChannels, kH, kW, out[0], out[1]}, 'c');
                Convolution.im2col(input, kH, kW, stride[0], stride[1], pad[0], pad[1], dilation[0], dilation[1],
                        convolutionMode == ConvolutionMode.Same, cols);
                INDArray colsByPatch = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
                        new long[]{patch, n, positions}, 'c');
                colsByPatch.assign(cols.reshape('c', n, patch, positions).permute(1, 0, 2));
                Nd4j.gemm(delta2d, colsByPatch.reshape('c', patch, n * positions), weightGrad2d, false, true, 1.0, 0.0);
            }

            Gradient gradient = new DefaultGradient();
            if (layerConf().hasBias()) {
                INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                delta2d.sum(biasGrad, 1);
                gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
            }
            gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
            weightNoiseParams.clear();
            return new Pair<>(gradient, null);
        }
    }
}
