package org.marginmax.model;

import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * TensorFlow 1.13's {@code tf.initializers.he_normal()}, the weight init of the authors' runs (protocol B), as a DL4J
 * {@link IWeightInit}.
 *
 * <p>TF 1.13 defines he_normal as {@code VarianceScaling(scale=2, mode="fan_in", distribution="truncated_normal")}.
 * Since TF 1.12 that initializer divides the normal's stddev by 0.87962566103423978, the stddev of a standard normal
 * truncated to [-2, 2], so that the <em>truncated</em> samples have stddev √(2 / fan_in):
 * <pre>
 *   σ = √(2 / fan_in) / 0.87962566103423978,   w ~ N(0, σ²) conditioned on |w| ≤ 2σ   (out-of-range draws redrawn)
 * </pre>
 * fan_in = nIn for dense layers and kh·kw·inChannels for convolutions (DL4J passes exactly these), as TF's
 * {@code _compute_fans}. This differs from DL4J's {@code WeightInit.RELU}, which is an untruncated N(0, 2/fan_in).
 *
 * <p>Draws come from ND4J's global random generator, which {@code MultiLayerNetwork.init()} seeds with the
 * configuration's seed: the same seed gives identical parameters. No fields: serializes to JSON as its class name.
 */
public final class TfHeNormalInit implements IWeightInit {

    /** Stddev of N(0, 1) truncated to [-2, 2] (scipy.stats.truncnorm.std(-2, 2)); TF's correction constant. */
    public static final double TRUNCATED_STD = 0.87962566103423978;
    /** Truncation bound, in stddevs of the underlying normal (TF's truncated_normal). */
    public static final double TRUNCATION = 2.0;

    public TfHeNormalInit() {}

    /** Stddev σ of the underlying (untruncated) normal for a given fan-in. */
    public static double underlyingStd(double fanIn) {
        return Math.sqrt(2.0 / Math.max(1.0, fanIn)) / TRUNCATED_STD;
    }

    @Override
    public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
        double sigma = underlyingStd(fanIn);
        double[] w = truncatedStandardNormal(paramView.length());
        for (int i = 0; i < w.length; i++) w[i] *= sigma;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray values = Nd4j.createFromArray(w).castTo(paramView.dataType()).reshape(paramView.shape());
            paramView.assign(values);
        }
        return paramView.reshape(order, shape);
    }

    /**
     * n draws of N(0, 1) restricted to [-2, 2], from ND4J's random generator: draws outside are replaced by fresh
     * ones until none is left (rejection sampling, as TF's truncated_normal).
     */
    static double[] truncatedStandardNormal(long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("parameter array too large: " + n);
        double[] z = standardNormals((int) n);
        int[] outside = indicesOutside(z, z.length);
        int count = outside.length;
        while (count > 0) {
            double[] fresh = standardNormals(count);
            int still = 0;
            for (int j = 0; j < count; j++) {
                z[outside[j]] = fresh[j];
                if (Math.abs(fresh[j]) > TRUNCATION) outside[still++] = outside[j];
            }
            count = still;
        }
        return z;
    }

    private static double[] standardNormals(int n) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return Nd4j.randn(DataType.DOUBLE, n).data().asDouble();
        }
    }

    private static int[] indicesOutside(double[] z, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) if (Math.abs(z[i]) > TRUNCATION) count++;
        int[] idx = new int[count];
        for (int i = 0, k = 0; i < n; i++) if (Math.abs(z[i]) > TRUNCATION) idx[k++] = i;
        return idx;
    }

    @Override
    public boolean equals(Object o) { return o != null && o.getClass() == getClass(); }

    @Override
    public int hashCode() { return TfHeNormalInit.class.hashCode(); }

    @Override
    public String toString() { return "TfHeNormalInit(truncated normal, std sqrt(2/fan_in))"; }
}
