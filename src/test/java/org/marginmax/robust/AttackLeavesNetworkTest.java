package org.marginmax.robust;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.loss.CrossEntropyLoss;
import org.marginmax.model.ArchKind;
import org.marginmax.model.BiasMode;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacking a network never changes it: a network trained after an attack (without any call to re-enable
 * training shortcuts) takes exactly the SGD steps of an identical network that was never attacked.
 */
class AttackLeavesNetworkTest {

    @Test
    void trainingAfterAnAttackEqualsTrainingWithout() {
        ModelSpec spec = new ModelSpec(ArchKind.MLP, List.of(12, 8), BiasMode.NONE, "float64");
        MultiLayerNetwork attacked = ModelFactory.build(spec, 1, 4, 4, 3, new CrossEntropyLoss(), 0.05, 3);
        MultiLayerNetwork untouched = ModelFactory.build(spec, 1, 4, 4, 3, new CrossEntropyLoss(), 0.05, 3);
        assertThat(attacked.params().data().asDouble()).containsExactly(untouched.params().data().asDouble());

        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 20, 16);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 20, 3);
        for (int i = 0; i < 20; i++) y.putScalar(i, i % 3, 1.0);

        AttackedModel model = new AttackedModel(attacked, new long[]{16}, 7);
        double[] points = x.dup().data().asDouble();
        model.gradient(points, 20, (z, o, c, n, g) -> {
            double v = 0;
            for (int j = 0; j < c; j++) {
                g[o + j] = j == 0 ? 1 : -1;
                v += g[o + j] * z[o + j];
            }
            return v;
        });
        INDArray before = attacked.params().dup();

        for (int step = 0; step < 3; step++) {
            attacked.fit(x, y);
            untouched.fit(x, y);
        }
        assertThat(attacked.params().data().asDouble()).as("parameters after three steps")
                .containsExactly(untouched.params().data().asDouble());
        assertThat(Arrays.equals(before.data().asDouble(), attacked.params().data().asDouble()))
                .as("the steps changed the parameters").isFalse();
    }
}
