package org.marginmax.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.List;

/** Test fixtures: the three architectures on their data sets' image shapes (MNIST 1×28×28, CIFAR-10 3×32×32). */
final class Nets {
    private Nets() {}

    static final double LR = 0.01;
    static final List<Integer> MLP_HIDDEN = List.of(512, 512);

    static ModelSpec spec(String arch, String bias, String dtype) {
        ArchKind a = ArchKind.of(arch);
        return new ModelSpec(a, a == ArchKind.MLP ? MLP_HIDDEN : List.of(), BiasMode.of(bias), dtype);
    }

    static int channels(ModelSpec s) { return s.arch() == ArchKind.VGG16 ? 3 : 1; }

    static int side(ModelSpec s) { return s.arch() == ArchKind.VGG16 ? 32 : 28; }

    static MultiLayerNetwork build(ModelSpec s, long seed) {
        return ModelFactory.build(s, channels(s), side(s), side(s), 10, new LossMSE(), LR, seed);
    }

    /** Uniform [0, 1) inputs in the layout the network takes (flat for the MLP, NCHW for CNNs). */
    static INDArray inputs(ModelSpec s, int n, long seed) {
        DataType dt = ModelFactory.dataType(s);
        int c = channels(s), h = side(s);
        long[] shape = ModelFactory.nchw(s) ? new long[]{n, c, h, h} : new long[]{n, (long) c * h * h};
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(dt, shape);
    }

    /** Exact equality of shape and every value (INDArray.equals allows a tolerance of 1e-5). */
    static boolean identical(INDArray a, INDArray b) {
        return java.util.Arrays.equals(a.shape(), b.shape())
                && java.util.Arrays.equals(a.dup().data().asDouble(), b.dup().data().asDouble());
    }

    /** Sets every bias the network has to N(0, 0.5²) values (biases start at zero). */
    static void randomiseBiases(MultiLayerNetwork net, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (WeightLayer l : NetworkStructure.of(net).weightLayers()) {
            INDArray b = l.bias(net);
            if (b != null) b.assign(Nd4j.randn(b.dataType(), b.shape()).muli(0.5));
        }
    }
}
