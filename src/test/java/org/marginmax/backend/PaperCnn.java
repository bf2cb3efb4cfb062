package org.marginmax.backend;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.marginmax.TestPaths;
import org.marginmax.model.BiasMode;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.zip.GZIPInputStream;

/**
 * The paper's MNIST CNN (protocol: conv 5x5x32 SAME, max-pool 2x2, conv 3x3x64 SAME, max-pool 2x2, dense 1024 ReLU,
 * dense 10 identity), float32, built here with DL4J's builders so these tests do not depend on the model package;
 * and a few real test digits read straight from the IDX files.
 */
final class PaperCnn {
    private PaperCnn() {}

    static MultiLayerConfiguration conf(BiasMode bias) {
        return new NeuralNetConfiguration.Builder()
                .seed(7).dataType(DataType.FLOAT).weightInit(WeightInit.RELU).updater(new Sgd(0.01))
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(32).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).hasBias(bias.hasBias(0)).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).hasBias(bias.hasBias(1)).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same).build())
                .layer(new DenseLayer.Builder().nOut(1024).activation(Activation.RELU).hasBias(bias.hasBias(2)).build())
                .layer(new OutputLayer.Builder(new LossMSE()).nOut(10).activation(Activation.IDENTITY)
                        .hasBias(bias.hasBias(3)).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
    }

    static MultiLayerNetwork init(BiasMode bias) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(bias));
        net.init();
        return net;
    }

    /** Builds and initialises the network with DL4J's layer helpers switched off (M2.1's stock behaviour). */
    static MultiLayerNetwork initWithoutHelpers(BiasMode bias) {
        String before = System.getProperty(OneDnn.HELPERS_DISABLE_PROPERTY);
        System.setProperty(OneDnn.HELPERS_DISABLE_PROPERTY, "true");
        try {
            return init(bias);
        } finally {
            if (before == null) System.clearProperty(OneDnn.HELPERS_DISABLE_PROPERTY);
            else System.setProperty(OneDnn.HELPERS_DISABLE_PROPERTY, before);
        }
    }

    /** The first {@code n} digits of mnist-10k's test file as [n, 1, 28, 28] floats in [0, 1]. */
    static INDArray testDigits(int n) throws IOException {
        byte[] pixels = read("t10k-images-idx3-ubyte.gz", 16, n * 28 * 28);
        float[] f = new float[pixels.length];
        for (int i = 0; i < f.length; i++) f[i] = (pixels[i] & 0xff) / 255f;
        return Nd4j.create(f, new long[] {n, 1, 28, 28}, 'c');
    }

    /** One-hot labels of the same digits, [n, 10]. */
    static INDArray testLabels(int n) throws IOException {
        byte[] labels = read("t10k-labels-idx1-ubyte.gz", 8, n);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) y.putScalar(i, labels[i], 1.0);
        return y;
    }

    private static byte[] read(String file, int header, int count) throws IOException {
        try (InputStream raw = Files.newInputStream(TestPaths.mnist10k().resolve(file));
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            in.skipNBytes(header);
            byte[] b = new byte[count];
            in.readFully(b);
            return b;
        }
    }
}
