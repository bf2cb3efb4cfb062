package org.marginmax.model;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.marginmax.loss.FramedLoss;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.Objects;

/**
 * Builds the networks of protocol B as DL4J {@link MultiLayerNetwork}s.
 *
 * <ul>
 *   <li>mlp: dense layers of the given hidden widths, then the output layer; input flat [N, C·H·W].</li>
 *   <li>mnist-cnn: conv 5×5×32 → max-pool 2×2 → conv 3×3×64 → max-pool 2×2 → dense 1024 → output; input NCHW.</li>
 *   <li>vgg16: 13 convs 3×3 in blocks (64,64) (128,128) (256×3) (512×3) (512×3), each block followed by a 2×2
 *       max-pool, then the output layer; no batch norm, no dropout; input NCHW.</li>
 * </ul>
 * Convolutions: stride 1, SAME padding. Pooling: 2×2, stride 2, VALID (TF's max_pool 'VALID'). ReLU after every
 * weight layer but the last; the output layer is IDENTITY (the logits) with the caller's loss. Biases per
 * {@link BiasMode}. Weights: {@link TfHeNormalInit} (TF he_normal, truncated), biases zero. Updater: plain SGD, no
 * momentum, no weight decay, no l1/l2, no gradient normalization. Workspaces ENABLED for training and inference.
 */
public final class ModelFactory {

    /** The MNIST CNN of protocol B: (kernel, channels) of its convolutions, then its hidden dense width. */
    static final int[][] MNIST_CNN_CONVS = {{5, 32}, {3, 64}};
    static final int MNIST_CNN_DENSE = 1024;
    /** The VGG-16 variant of protocol B: output channels of the 3×3 convolutions, block by block. */
    static final int[][] VGG16_BLOCKS = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

    private ModelFactory() {}

    /** Whether the network built for {@code spec} takes NCHW images (true) or flat vectors [N, C·H·W] (false). */
    public static boolean nchw(ModelSpec spec) {
        return spec.arch().convolutional();
    }

    /**
     * Builds and {@code init()}s the network.
     *
     * @param channels     image channels C (1 for MNIST, 3 for CIFAR-10)
     * @param height       image height H
     * @param width        image width W
     * @param numOutputs   number of classes, or 1 for a binary task
     * @param loss         loss of the output layer (applied to the identity-activated logits)
     * @param learningRate initial SGD learning rate
     * @param seed         configuration seed; the same seed gives identical initial parameters
     */
    public static MultiLayerNetwork build(ModelSpec spec, int channels, int height, int width, int numOutputs,
                                          ILossFunction loss, double learningRate, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(
                configuration(spec, channels, height, width, numOutputs, loss, learningRate, seed));
        net.init();
        if (spec.weightScale() != 1) // model.init_scale: the initial weights (biases start at zero) times the factor
            for (org.deeplearning4j.nn.api.Layer l : net.getLayers())
                if (l.paramTable().containsKey(WeightLayer.WEIGHT_KEY)) l.getParam(WeightLayer.WEIGHT_KEY).muli(spec.weightScale());
        return net;
    }

    /** The configuration {@link #build} uses (not initialised). */
    public static MultiLayerConfiguration configuration(ModelSpec spec, int channels, int height, int width,
                                                        int numOutputs, ILossFunction loss, double learningRate,
                                                        long seed) {
        Objects.requireNonNull(spec, "model spec");
        Objects.requireNonNull(loss, "loss function");
        if (channels < 1 || height < 1 || width < 1)
            throw new org.marginmax.io.UserInputException("input shape must be positive, got C=" + channels + " H=" + height
                    + " W=" + width + " (check the data set)");
        if (numOutputs < 1)
            throw new IllegalArgumentException("number of outputs must be at least 1, got " + numOutputs
                    + " (1 for binary tasks, else the number of classes)");
        if (!(learningRate > 0) || Double.isInfinite(learningRate))
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);

        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType(spec))
                .updater(new Sgd(learningRate))
                .weightInit(new TfHeNormalInit())
                .biasInit(0.0)
                .cacheMode(CacheMode.DEVICE)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();

        Layers layers = new Layers(list, spec.bias());
        switch (spec.arch()) {
            case MLP -> {
                for (int w : spec.hidden()) layers.dense(w);
                list.setInputType(InputType.feedForward((long) channels * height * width));
            }
            case MNIST_CNN -> {
                if ((height >> 2) < 1 || (width >> 2) < 1)
                    throw new org.marginmax.io.UserInputException("model.arch mnist-cnn needs images of at least 4x4 (two 2x2 "
                            + "poolings), got " + height + "x" + width);
                for (int[] c : MNIST_CNN_CONVS) {
                    layers.conv(c[0], c[1]);
                    layers.maxPool();
                }
                layers.dense(MNIST_CNN_DENSE);
                list.setInputType(InputType.convolutional(height, width, channels));
            }
            case VGG16 -> {
                int pools = VGG16_BLOCKS.length;
                if ((height >> pools) < 1 || (width >> pools) < 1)
                    throw new org.marginmax.io.UserInputException("model.arch vgg16 needs images of at least " + (1 << pools)
                            + "x" + (1 << pools) + " (five 2x2 poolings), got " + height + "x" + width
                            + ": use mnist-cnn or mlp for smaller images");
                for (int[] block : VGG16_BLOCKS) {
                    for (int c : block) layers.conv(3, c);
                    layers.maxPool();
                }
                list.setInputType(InputType.convolutional(height, width, channels));
            }
        }
        layers.output(numOutputs, loss);
        return list.build();
    }

    /**
     * Whether {@code conf} is one of the layer kinds this factory builds (exact classes, no subclasses such as 1D
     * convolutions): the layers whose in-place and data-format behaviour {@link BackpropShortcuts} and
     * {@link NhwcInferenceTwin} rely on.
     */
    static boolean isBuiltKind(org.deeplearning4j.nn.conf.layers.Layer conf) {
        Class<?> kind = conf.getClass();
        return kind == ConvolutionLayer.class || kind == InputConvolutionLayer.class || kind == SubsamplingLayer.class
                || kind == DenseLayer.class || kind == ReluDenseLayer.class || kind == OutputLayer.class
                || kind == MarginOutputLayer.class;
    }

    static DataType dataType(ModelSpec spec) {
        return switch (spec.dtype()) {
            case "float32" -> DataType.FLOAT;
            case "float64" -> DataType.DOUBLE;
            default -> throw new IllegalArgumentException("model.dtype must be float32 or float64, not '" + spec.dtype() + "'");
        };
    }

    /** Appends layers, numbering weight layers to decide their bias and naming layers for {@code describe}. */
    private static final class Layers {
        private final NeuralNetConfiguration.ListBuilder list;
        private final BiasMode bias;
        private int index;       // position in the MultiLayerNetwork
        private int weightIndex; // position among weight layers
        private int convs, pools, denses;

        Layers(NeuralNetConfiguration.ListBuilder list, BiasMode bias) {
            this.list = list;
            this.bias = bias;
        }

        void conv(int kernel, int channels) {
            ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(kernel, kernel)
                    .name("conv" + (++convs))
                    .nOut(channels)
                    .stride(1, 1)
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU)
                    .hasBias(bias.hasBias(weightIndex++));
            list.layer(index, index == 0 ? new InputConvolutionLayer(conv) : conv.build());
            index++;
        }

        void maxPool() {
            list.layer(index++, new SubsamplingLayer.Builder(PoolingType.MAX)
                    .name("pool" + (++pools))
                    .kernelSize(2, 2)
                    .stride(2, 2)
                    .convolutionMode(ConvolutionMode.Truncate)
                    .build());
        }

        void dense(int width) {
            list.layer(index++, ReluDenseLayer.of(new DenseLayer.Builder()
                    .name("dense" + (++denses))
                    .nOut(width)
                    .activation(Activation.RELU)
                    .hasBias(bias.hasBias(weightIndex++))
                    .build()));
        }

        void output(int numOutputs, ILossFunction loss) {
            OutputLayer built = new OutputLayer.Builder(loss)
                    .name("output")
                    .nOut(numOutputs)
                    .activation(Activation.IDENTITY)
                    .hasBias(bias.hasBias(weightIndex++))
                    .build();
            // margin-max losses: one loss evaluation per iteration (MarginOutputLayer); others: DL4J's own layer
            list.layer(index++, loss instanceof FramedLoss ? MarginOutputLayer.of(built) : built);
        }
    }
}
