package org.marginmax.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Locale;

/**
 * Microbenchmark behind docs/GPU.md "Loss arithmetic": one minibatch's cross-entropy loss and gradient (B=100, C=10)
 * (a) as FramedLoss does it, float64 on the host (cast, copy down, Java loop, copy up), once and twice per
 * iteration; (b) with ND4J ops on the backend in float64 and (c) in float32 (log-softmax, no host copy). Not a test:
 * run by hand, alone on the machine: java -cp target/classes:target/test-classes:$(cat cp.txt)
 * org.marginmax.loss.MarginArithmeticBench
 */
public final class MarginArithmeticBench {
    private MarginArithmeticBench() {}

    public static void main(String[] args) {
        int b = 100, c = 10, reps = 2000;
        Nd4j.getRandom().setSeed(1);
        INDArray logits32 = Nd4j.randn(DataType.FLOAT, b, c).muli(20);
        INDArray labels32 = Nd4j.zeros(DataType.FLOAT, b, c);
        for (int i = 0; i < b; i++) labels32.putScalar(i, i % c, 1);
        FramedLoss loss = new CrossEntropyLoss();
        loss.setLogFrame(-50);
        Runnable host = () -> loss.computeGradient(labels32, logits32, null, null);
        Runnable hostTwice = () -> {
            loss.computeGradient(labels32, logits32, null, null);
            loss.computeScore(labels32, logits32, null, null, false);
        };
        INDArray logits64 = logits32.castTo(DataType.DOUBLE), labels64 = labels32.castTo(DataType.DOUBLE);
        Runnable device64 = () -> deviceCrossEntropy(logits64, labels64);
        Runnable device32 = () -> deviceCrossEntropy(logits32, labels32);
        for (String name : new String[]{"host float64 once (MarginOutputLayer)", "host float64 twice (stock OutputLayer)",
                "device ops float64", "device ops float32"}) {
            Runnable r = switch (name.charAt(0) == 'h' ? (name.contains("twice") ? 1 : 0) : (name.contains("64") ? 2 : 3)) {
                case 0 -> host;
                case 1 -> hostTwice;
                case 2 -> device64;
                default -> device32;
            };
            for (int i = 0; i < reps; i++) r.run(); // warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) r.run();
            double us = (System.nanoTime() - t0) / 1e3 / reps;
            System.out.println(String.format(Locale.ROOT, "%-42s %8.1f us per minibatch", name, us));
        }
    }

    /** Cross-entropy loss sum and gradient (softmax - onehot) with ND4J ops, in the arrays' data type. */
    private static double deviceCrossEntropy(INDArray logits, INDArray labels) {
        INDArray max = logits.max(true, 1);
        INDArray shifted = logits.sub(max);
        INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
        INDArray logSoftmax = shifted.subi(lse);
        INDArray grad = Transforms.exp(logSoftmax, true).subi(labels);
        return -logSoftmax.muli(labels).sumNumber().doubleValue() + grad.getDouble(0);
    }
}
