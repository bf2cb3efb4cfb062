package org.marginmax.cli;

import org.marginmax.config.ExperimentConfig;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.NetworkStructure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Print the experiment's network: parameter table, homogeneity order L, homogeneous or not.")
final class DescribeCommand implements Callable<Integer> {
    @Mixin ConfigOptions config = new ConfigOptions();

    @Option(names = "--input", paramLabel = "CxHxW", description = "input shape (default: from the dataset name: "
            + "1x28x28 for MNIST-format sets, 3x32x32 for cifar10)")
    String input;

    @Option(names = "--outputs", paramLabel = "N", description = "output units (default: 10, or 1 for a binary loss)")
    Integer outputs;

    @Override public Integer call() {
        ExperimentConfig cfg = config.load();
        Backend.init();
        int[] chw = input != null ? parseShape(input)
                : cfg.data().dataset().equals("cifar10") ? new int[]{3, 32, 32} : new int[]{1, 28, 28};
        int out = outputs != null ? outputs : cfg.loss().binary() ? 1 : 10;
        var net = ModelFactory.build(cfg.model(), chw[0], chw[1], chw[2], out, MarginLosses.create(cfg.loss()), 0.1, cfg.seed());
        System.out.println("experiment " + cfg.name() + ": " + cfg.model().arch().key() + ", bias " + cfg.model().bias().key()
                + ", input " + chw[0] + "x" + chw[1] + "x" + chw[2] + ", " + out + " outputs");
        System.out.print(NetworkStructure.of(net).describe());
        return 0;
    }

    private static int[] parseShape(String s) {
        String[] p = s.split("x");
        if (p.length != 3) throw new UserError("--input " + s + ": expected CxHxW, e.g. 1x28x28");
        try {
            return new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
        } catch (NumberFormatException e) {
            throw new UserError("--input " + s + ": expected CxHxW, e.g. 1x28x28");
        }
    }
}
