package org.marginmax.kkt;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.loss.LossKind;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

/** Small float64 networks built by the project's own factory, and random inputs for them. */
final class KktNets {
    private KktNets() {}

    static MultiLayerNetwork mlp(int inputs, List<Integer> hidden, BiasMode bias, int outputs, long seed) {
        LossKind loss = outputs == 1 ? LossKind.LOGISTIC : LossKind.CROSS_ENTROPY;
        return ModelFactory.build(new ModelSpec(ArchKind.MLP, hidden, bias, "float64"), 1, 1, inputs, outputs,
                MarginLosses.create(loss), 0.1, seed);
    }

    /** The paper's MNIST CNN on 1×8×8 images. */
    static MultiLayerNetwork cnn(BiasMode bias, long seed) {
        return ModelFactory.build(new ModelSpec(ArchKind.MNIST_CNN, null, bias, "float64"), 1, 8, 8, 10,
                MarginLosses.create(LossKind.CROSS_ENTROPY), 0.1, seed);
    }

    /** Uniform [0, 1) inputs of the given shape (first dimension the examples). */
    static INDArray inputs(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        long n = 1;
        for (long s : shape) n *= s;
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = r.nextDouble();
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** The labels the network itself gives (argmax, or the sign for one output): a separated training set. */
    static int[] ownLabels(KktNetwork net, INDArray x) {
        double[] z = net.logits(x, 100);
        int c = net.outputs(), n = (int) x.size(0);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            if (c == 1) { y[i] = z[i] > 0 ? 1 : -1; continue; }
            int best = 0;
            for (int j = 1; j < c; j++) if (z[i * c + j] > z[i * c + best]) best = j;
            y[i] = best;
        }
        return y;
    }

    /** The output gradient of q_nj = f_y − f_j (or y·f) as a [1, outputs] row. */
    static INDArray pairEpsilon(int outputs, int label, int j) {
        INDArray e = Nd4j.zeros(DataType.DOUBLE, 1, outputs);
        if (outputs == 1) e.putScalar(0, 0, label);
        else {
            e.putScalar(0, label, 1.0);
            e.putScalar(0, j, -1.0);
        }
        return e;
    }

    static double dot(INDArray a, INDArray b) {
        return a.reshape(a.length()).mul(b.reshape(b.length())).sumNumber().doubleValue();
    }
}
