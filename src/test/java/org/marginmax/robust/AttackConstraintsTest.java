package org.marginmax.robust;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a small nonlinear float32 network, with points on the faces of the box: attacked examples stay in their ε-ball and
 * in [0, 1] exactly (as the network sees them), reported breaks are real, and robust accuracy starts at the clean
 * accuracy and never increases with ε.
 */
class AttackConstraintsTest {
    private static final int D = 20, N = 40, CLASSES = 3;

    private final MultiLayerNetwork net = TinyNets.mlp(DataType.FLOAT, D, CLASSES, 17);
    private final AttackedModel model = new AttackedModel(net, new long[]{D}, 16);
    private final Examples examples = examples();

    /** Uniform points, a quarter of the coordinates exactly 0 or 1; labels are the network's classes except 5 points. */
    private Examples examples() {
        SplittableRandom r = new SplittableRandom(2);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            double u = r.nextDouble();
            x[i] = u < 0.125 ? 0f : u < 0.25 ? 1f : (float) r.nextDouble();
        }
        INDArray out = net.output(Nd4j.create(x, new long[]{N, D}));
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = out.getRow(i).argMax().getInt(0);
            if (i % 8 == 3) labels[i] = (labels[i] + 1) % CLASSES;
        }
        return new Examples(x, labels, D);
    }

    private double cleanAccuracy() {
        INDArray out = net.output(Nd4j.create(examples.features(), new long[]{N, D}));
        int ok = 0;
        for (int i = 0; i < N; i++) if (out.getRow(i).argMax().getInt(0) == examples.labels()[i]) ok++;
        return (double) ok / N;
    }

    private double[] clean(int i) {
        double[] x0 = new double[D];
        examples.copyRow(i, x0, 0);
        return x0;
    }

    private boolean misclassified(double[] x, int label) {
        double[] z = model.logits(x, 1);
        return !Margins.correct(z, 0, CLASSES, label);
    }

    @Test
    void pgdExamplesStayInTheirBallAndTheBoxAndTheirBreaksAreReal() {
        var settings = new ProjectedGradientAttack.Settings(20, 0.1, 2, 3);
        for (ProjectedGradientAttack attack : List.of(new PgdLinf(settings), new PgdL2(settings))) {
            boolean linf = attack instanceof PgdLinf;
            double eps = linf ? 0.5 : 2.0; // the clean margins need L∞ 0.3–0.8 (DeepFool L2 0.6–2.2)
            ProjectedGradientAttack.Outcome o = attack.attack(model, examples, eps);
            int fooled = 0;
            for (int i = 0; i < N; i++) {
                double[] x0 = clean(i), adv = java.util.Arrays.copyOfRange(o.adversarial(), i * D, (i + 1) * D);
                double l2 = 0;
                for (int k = 0; k < D; k++) {
                    assertThat(adv[k]).isBetween(0.0, 1.0);
                    assertThat((double) (float) adv[k]).as("float32-representable").isEqualTo(adv[k]);
                    if (linf) assertThat(Math.abs(adv[k] - x0[k])).isLessThanOrEqualTo(eps);
                    l2 += (adv[k] - x0[k]) * (adv[k] - x0[k]);
                }
                if (!linf) assertThat(Math.sqrt(l2)).isLessThanOrEqualTo(eps * (1 + 1e-12));
                if (o.fooled()[i]) {
                    fooled++;
                    assertThat(misclassified(adv, examples.labels()[i])).as("%s point %d", attack.kind(), i).isTrue();
                }
            }
            assertThat(fooled).as(attack.kind() + " breaks some points").isGreaterThan(N / 4);
        }
    }

    @Test
    void minimalAttacksReturnMisclassifiedPointsInTheBoxAtTheReportedDistance() {
        int n = 16;
        int[] ids = java.util.stream.IntStream.range(0, n).toArray();
        double[] x0 = examples.rows(ids, 0, n);
        int[] labels = examples.labelsOf(ids, 0, n);
        DeepFool.Result df = new DeepFool(DeepFool.Settings.defaults()).attack(model, x0, labels);
        CarliniWagnerL2.Result cw = new CarliniWagnerL2(new CarliniWagnerL2.Settings(5, 200, 0.1, 0.05, 0, true))
                .attack(model, examples.first(n), AttackProgress.NONE);
        int dfFound = 0, cwFound = 0;
        for (int i = 0; i < n; i++) {
            if (df.norms()[i] > 0 && Double.isFinite(df.norms()[i])) dfFound++;
            if (cw.norms()[i] > 0 && Double.isFinite(cw.norms()[i])) cwFound++;
            double[] clean = clean(i);
            double[] dfPoint = java.util.Arrays.copyOfRange(df.adversarial(), i * D, (i + 1) * D);
            for (var e : List.of(java.util.Map.entry(df.norms()[i], dfPoint),
                    java.util.Map.entry(cw.norms()[i], cw.adversarial()[i] == null ? clean : cw.adversarial()[i]))) {
                double norm = e.getKey();
                double[] adv = e.getValue();
                if (!Double.isFinite(norm)) continue;
                for (double v : adv) assertThat(v).isBetween(0.0, 1.0);
                assertThat(misclassified(adv, labels[i])).isTrue();
                assertThat(MinimalAttacks.l2(adv, clean, 0, D)).isCloseTo(norm, org.assertj.core.api.Assertions.within(1e-12));
            }
        }
        long correct = java.util.stream.IntStream.range(0, n).filter(i -> !misclassified(clean(i), labels[i])).count();
        assertThat(dfFound).isEqualTo(correct);
        assertThat(cwFound).isGreaterThan(n / 2);
    }

    @Test
    void robustAccuracyStartsAtCleanAccuracyAndNeverIncreases() {
        double clean = cleanAccuracy();
        assertThat(clean).isStrictlyBetween(0.5, 1.0);
        var pgd = new ProjectedGradientAttack.Settings(10, 0.1, 1, 1);
        List<Attack> attacks = List.of(new PgdLinf(pgd), new PgdL2(pgd), new DeepFool(DeepFool.Settings.defaults()),
                new CarliniWagnerL2(new CarliniWagnerL2.Settings(4, 100, 0.1, 0.05, 0, true)));
        for (Attack a : attacks) {
            double[] eps = a.kind().norm() == AttackKind.Norm.LINF ? new double[]{0, 0.1, 0.3, 0.5, 0.8}
                    : new double[]{0, 0.5, 1.0, 1.5, 2.5};
            double[] broken = a.brokenAt(model, examples, eps, AttackProgress.NONE);
            double previous = RobustAccuracy.at(broken, 0);
            assertThat(previous).as(a.kind() + " at 0").isEqualTo(clean);
            for (double e : eps) {
                double acc = RobustAccuracy.at(broken, e);
                assertThat(acc).as(a.kind() + " at " + e).isLessThanOrEqualTo(previous);
                previous = acc;
            }
            assertThat(previous).as(a.kind() + " breaks points at the largest ε").isLessThan(clean);
        }
    }
}
