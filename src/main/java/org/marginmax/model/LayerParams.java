package org.marginmax.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parameters that make up ρ_i of one weight layer (protocol A): live views of its weights and, where the
 * grouping includes it, its bias.
 *
 * @param layer   the weight layer
 * @param weights view of {@code "W"}
 * @param bias    view of {@code "b"}, or null when the bias is absent or not part of ρ_i in this grouping
 */
public record LayerParams(WeightLayer layer, INDArray weights, INDArray bias) {

    /** The arrays of ρ_i: weights, then the bias when present. */
    public List<INDArray> arrays() {
        if (bias == null) return Collections.singletonList(weights);
        List<INDArray> out = new ArrayList<>(2);
        out.add(weights);
        out.add(bias);
        return out;
    }

    /** ρ_i² = ‖W‖² (+ ‖b‖²), computed in double whatever the network's data type. */
    public double squaredNorm() {
        double s = 0;
        for (INDArray a : arrays()) {
            INDArray d = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
            double n = d.norm2Number().doubleValue();
            s += n * n;
        }
        return s;
    }

    /** ρ_i. */
    public double norm() { return Math.sqrt(squaredNorm()); }
}
