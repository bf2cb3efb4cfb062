package org.marginmax.cli;

import org.marginmax.report.FigureWriter;
import org.marginmax.report.Figures;
import org.marginmax.report.Figure;
import org.marginmax.report.KktFigures;
import org.marginmax.report.PrintSize;
import org.marginmax.report.ReportPage;
import org.marginmax.report.RunLabels;
import org.marginmax.report.RunMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Draw the figures (PDF, SVG, PNG, each with its data CSV) and report.html of one run, or of several runs on shared figures.",
                "Figures: training loss, accuracy, normalized and smoothed margins, norms, support vectors, learning",
                "rate, and from robustness/*.csv robust accuracy vs eps and perturbation norms per checkpoint."})
public final class PlotCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "run directories written by `train`, or sweep "
            + "directories (their runs; runs differing only in seed are then drawn as groups)")
    List<Path> runDirs;

    @Option(names = "--group-seeds", description = "draw each group of runs differing only in seed as its mean and a "
            + "band (the default for a sweep directory)")
    boolean groupSeeds;

    @Option(names = "--band", paramLabel = "BAND", defaultValue = "std",
            description = "band around a group's mean: std (±1 sample std) or minmax (default: ${DEFAULT-VALUE})")
    String band;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where the figures and report.html go (default for one run: RUN_DIR/report; required for several)")
    Path out;

    @Option(names = "--format", paramLabel = "F,F,...", split = ",", defaultValue = "pdf,svg,png",
            description = "figure formats: pdf and svg (vector), png (default: ${DEFAULT-VALUE}); each figure also gets its data as <figure>.csv")
    List<String> formats;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "single",
            description = "print size: single (3.3 in wide, a paper's column), double (6.8 in, both columns) or WxH in "
                    + "inches; fonts are in points at that size (default: ${DEFAULT-VALUE})")
    String size;

    @Option(names = "--no-caption", description = "leave the provenance caption (run, commit, config) out of the "
            + "picture, for a paper's camera-ready figure; the PNG keeps it in its metadata, report.html beside it")
    boolean noCaption;

    @Option(names = "--dpi", paramLabel = "N", defaultValue = "300",
            description = "PNG resolution in dots per inch (default: ${DEFAULT-VALUE})")
    int dpi;

    @Option(names = "--log-epochs", description = "log-scaled epoch axis (epoch 0 left out)")
    boolean logEpochs;

    @Override public Integer call() {
        System.setProperty("java.awt.headless", "true");
        java.util.Set<String> fmt = new java.util.TreeSet<>();
        for (String f : formats) {
            String k = f.trim().toLowerCase(java.util.Locale.ROOT);
            if (!FigureWriter.FORMATS.contains(k)) throw new UserError("--format " + f + ": use pdf, svg or png, separated by commas");
            fmt.add(k);
        }
        if (dpi < 50 || dpi > 1200) throw new UserError("--dpi " + dpi + ": use 50 to 1200 (300 is print quality)");
        FigureWriter.Print print = new FigureWriter.Print(PrintSize.parse(size), dpi, !noCaption);
        List<String> notes = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        boolean group = SweepCommand.expandSweeps(runDirs, dirs, notes) || groupSeeds;
        if (out == null && dirs.size() > 1)
            throw new UserError("several runs: say where the comparison goes with --out DIR");
        Path dir = out != null ? out : dirs.get(0).resolve("report");
        List<RunMetrics> runs = dirs.stream().map(RunMetrics::read).toList();
        Figures.Band b = switch (band.toLowerCase(java.util.Locale.ROOT)) {
            case "std" -> Figures.Band.STD;
            case "minmax" -> Figures.Band.MINMAX;
            default -> throw new UserError("--band " + band + ": use std or minmax");
        };
        Figures.Options opts = Figures.Options.defaults().withLogEpochs(logEpochs);
        Figures.FigureSet set = Figures.build(runs, group ? opts.withGroups(b) : opts);
        runs.forEach(r -> notes.addAll(r.notes()));
        notes.addAll(set.notes());
        for (Figure f : set.figures()) FigureWriter.write(f, dir, fmt, print);
        for (Figure f : KktFigures.build(dirs, RunLabels.of(runs))) FigureWriter.write(f, dir, fmt, print);
        Path page = ReportPage.write(dir, runs, set, notes);
        notes.forEach(n -> System.err.println("note: " + n));
        System.out.println("wrote " + set.figures().size() + " figures (" + String.join(", ", fmt) + ", data csv) and " + page);
        return 0;
    }
}
