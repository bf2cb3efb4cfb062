package org.marginmax.cli;

import org.marginmax.report.FigureWriter;
import org.marginmax.report.Figures;
import org.marginmax.report.Figure;
import org.marginmax.report.KktFigures;
import org.marginmax.report.ReportPage;
import org.marginmax.report.RunMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Draw the figures (PNG and SVG) and report.html of one run, or of several runs on shared figures.",
                "Figures: training loss, accuracy, normalized and smoothed margins, norms, support vectors, learning",
                "rate, and from robustness/*.csv robust accuracy vs eps and perturbation norms per checkpoint."})
public final class PlotCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run directories written by `train`")
    List<Path> runDirs;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where the figures and report.html go (default for one run: RUN_DIR/report; required for several)")
    Path out;

    @Option(names = "--log-epochs", description = "log-scaled epoch axis (epoch 0 left out)")
    boolean logEpochs;

    @Override public Integer call() {
        System.setProperty("java.awt.headless", "true");
        if (out == null && runDirs.size() > 1)
            throw new UserError("several runs: say where the comparison goes with --out DIR");
        Path dir = out != null ? out : runDirs.get(0).resolve("report");
        List<RunMetrics> runs = runDirs.stream().map(RunMetrics::read).toList();
        Figures.FigureSet set = Figures.build(runs, Figures.Options.defaults().withLogEpochs(logEpochs));
        List<String> notes = new ArrayList<>();
        runs.forEach(r -> notes.addAll(r.notes()));
        notes.addAll(set.notes());
        for (Figure f : set.figures()) FigureWriter.write(f, dir);
        for (Figure f : KktFigures.build(runDirs, runs.stream().map(RunMetrics::name).toList())) FigureWriter.write(f, dir);
        Path page = ReportPage.write(dir, runs, set, notes);
        notes.forEach(n -> System.err.println("note: " + n));
        System.out.println("wrote " + set.figures().size() + " figures (PNG and SVG) and " + page);
        return 0;
    }
}
