package org.marginmax.cli;

import org.marginmax.run.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "checkpoints", mixinStandardHelpOptions = true,
        description = "List a run's checkpoints: epoch, log10 loss, normalized margin, why saved, size.")
final class CheckpointsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR") Path runDir;

    @Override public Integer call() {
        List<String> problems = new ArrayList<>();
        List<Checkpoints.Entry> entries = Checkpoints.list(runDir, problems);
        problems.forEach(p -> System.err.println("warning: " + p));
        if (entries.isEmpty()) {
            System.out.println("no checkpoints in " + Checkpoints.dir(runDir));
            return 0;
        }
        System.out.printf(Locale.ROOT, "%7s  %14s  %12s  %9s  %10s  %s%n", "epoch", "log10_loss", "norm_margin",
                "train_acc", "size_MB", "saved because");
        for (Checkpoints.Entry e : entries) {
            var m = e.info().metrics();
            System.out.printf(Locale.ROOT, "%7d  %14.4f  %12.4e  %9.4f  %10.2f  %s%n", e.info().epoch(),
                    num(m.get("log10_loss")), num(m.get("normalized_margin")), num(m.get("train_acc")),
                    e.sizeBytes() / 1e6, String.join(", ", e.info().reasons()));
        }
        return 0;
    }

    private static double num(Object o) { return o instanceof Number n ? n.doubleValue() : Double.NaN; }
}
