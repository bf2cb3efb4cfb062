package org.marginmax.cli;

import org.marginmax.report.RunComparison;
import org.marginmax.report.RunMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Tabulate runs at chosen epochs: loss, accuracies, margins, rho and robust accuracy.",
                "Columns: log10 loss, accuracies, normalized and smoothed margins, rho, and robust accuracy at each",
                "eps when robustness/*.csv exists."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run directories written by `train`, or sweep "
            + "directories (their runs; runs differing only in seed are then grouped)")
    List<Path> runDirs;

    @Option(names = "--group-seeds", description = "one row per group of runs differing only in seed: mean ± sample "
            + "std (n) in every cell (the default for a sweep directory)")
    boolean groupSeeds;

    @Option(names = "--epochs", split = ",", paramLabel = "LIST", defaultValue = "last",
            description = "epochs with a metrics row, and/or 'last' (default: ${DEFAULT-VALUE}), e.g. 10,100,last")
    List<String> epochs;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table, csv or markdown (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "write the table here instead of printing it")
    Path out;

    @Override public Integer call() {
        RunComparison.Format f;
        try {
            f = RunComparison.Format.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--format " + format + ": use table, csv or markdown");
        }
        List<String> notes = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        boolean group = SweepCommand.expandSweeps(runDirs, dirs, notes) || groupSeeds;
        List<RunMetrics> runs = dirs.stream().map(RunMetrics::read).toList();
        RunComparison c = group ? RunComparison.grouped(runs, epochs, notes) : RunComparison.of(runs, epochs, notes);
        notes.forEach(n -> System.err.println("note: " + n));
        String text = c.format(f);
        if (out == null) {
            System.out.print(text);
            return 0;
        }
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(out, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + c.rows().size() + " rows to " + out);
        return 0;
    }
}
