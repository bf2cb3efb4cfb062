package org.marginmax.robust;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.marginmax.loss.CrossEntropyLoss;
import org.marginmax.loss.LogisticLoss;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.SplittableRandom;

/** Small networks built with DL4J's builders for the attack tests. */
final class TinyNets {
    private TinyNets() {}

    /** d → 5 ReLU → outputs, with biases, random weights. */
    static MultiLayerNetwork mlp(DataType type, int d, int outputs, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(type).weightInit(WeightInit.XAVIER).updater(new Sgd(0.1)).biasInit(0.1)
                .list()
                .layer(new DenseLayer.Builder().nIn(d).nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(new CrossEntropyLoss()).nIn(5).nOut(outputs)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** 1×6×6 → conv 3×3×4 SAME ReLU → max-pool 2×2 → dense 5 ReLU → outputs. */
    static MultiLayerNetwork cnn(DataType type, int outputs, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(type).weightInit(WeightInit.XAVIER).updater(new Sgd(0.1)).biasInit(0.05)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(new CrossEntropyLoss()).nOut(outputs).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build());
        net.init();
        return net;
    }

    /** f(x) = w·x: one bias-free identity output unit with the logistic loss (labels ±1), float64. */
    static MultiLayerNetwork linear(double[] w) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .list()
                .layer(new OutputLayer.Builder(new LogisticLoss()).nIn(w.length).nOut(1).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        net.getLayer(0).getParam("W").assign(Nd4j.create(w, new long[]{w.length, 1}, DataType.DOUBLE));
        return net;
    }

    /** Uniform points in [lo, hi]^d, row-major. */
    static double[] uniform(int n, int d, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) x[i] = lo + (hi - lo) * r.nextDouble();
        return x;
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }
}
