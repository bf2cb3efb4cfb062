package org.marginmax.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import org.marginmax.cli.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol D, claims 1-2 at test scale: on 300 real digits (0 vs 1, labels ±1, logistic loss), a small bias-free
 * MLP with the loss-based rate drives the training loss below 1e-300 (log10_loss < -300) with no NaN, and the
 * normalized margin ends higher than at separation. (Ten-class runs of this size fall about 0.03 decades per
 * epoch; the binary task falls about 2.3, so the test reaches -300 in some 130 epochs.)
 */
class DeepUnderflowTest {
    @TempDir Path dir;

    @Test void lossFallsFarBelowDoubleRangeAndTheMarginGrows() throws Exception {
        Path cfg = Files.writeString(dir.resolve("deep.yaml"), """
                name: deep
                seed: 2
                data:
                  dataset: idx:%s
                  binary: "0,1"
                  train: {first: 300}
                  test: {first: 200}
                model:
                  arch: mlp
                  hidden: [32]
                  bias: none
                loss: logistic
                train:
                  epochs: %d
                  batch_size: 100
                  lr:
                    schedule: loss-based
                    lr: 0.1
                checkpoints:
                  rolling_epochs: 100000
                  rolling_minutes: 100000
                """.formatted(TestPaths.mnist10k(), EPOCHS));
        Path run = dir.resolve("run");
        assertThat(Main.run("train", cfg.toString(), "--run-dir", run.toString())).isEqualTo(0);

        List<List<String>> rows = RunFixtures.csv(run);
        List<String> h = rows.get(0);
        int loss = h.indexOf("log10_loss"), margin = h.indexOf("normalized_margin"), sep = h.indexOf("separated");
        int smoothed = h.indexOf("smoothed_margin"), lossSum = h.indexOf("log10_loss_sum");
        Integer firstSeparated = null;
        double minLoss = Double.POSITIVE_INFINITY;
        for (List<String> r : rows.subList(1, rows.size())) {
            String at = "epoch " + r.get(0) + ": ";
            // a NaN is written as an empty cell, so "no NaN" means: the values that must be there are, and are finite
            for (int c = 0; c < r.size(); c++) {
                Double v = number(r.get(c));
                if (v != null) assertThat(v).as(at + h.get(c)).isFinite();
            }
            minLoss = Math.min(minLoss, finite(r.get(loss), at + "log10_loss"));
            finite(r.get(margin), at + "normalized_margin");
            boolean separated = r.get(sep).equals("true");
            if (separated && firstSeparated == null) firstSeparated = rows.indexOf(r);
            // the smoothed margin is defined once the summed loss is below l(0) = ln 2 (protocol A)
            if (separated && finite(r.get(lossSum), at + "log10_loss_sum") < Math.log10(Math.log(2)) - 0.01)
                finite(r.get(smoothed), at + "smoothed_margin");
        }
        assertThat(firstSeparated).as("the training set gets separated").isNotNull();
        List<String> last = rows.get(rows.size() - 1);
        assertThat(Double.parseDouble(last.get(loss))).as("log10 of the final training loss").isLessThan(-300);
        assertThat(Double.parseDouble(last.get(margin)))
                .isGreaterThan(Double.parseDouble(rows.get(firstSeparated).get(margin)));
        assertThat(last.get(smoothed)).isNotEmpty();
    }

    /** The cell as a number (NaN and Infinity included), or null if it is empty or not a number. */
    private static Double number(String cell) {
        try {
            return cell.isEmpty() ? null : Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The cell's value, which must be present (not an empty cell, i.e. not NaN) and finite. */
    private static double finite(String cell, String what) {
        assertThat(cell).as(what + " is present (NaN is written as an empty cell)").isNotEmpty();
        double v = Double.parseDouble(cell);
        assertThat(v).as(what).isFinite();
        return v;
    }

    private static final int EPOCHS = 160;
}
