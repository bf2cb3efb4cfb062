package org.marginmax.cli;

import org.marginmax.robust.Attack;
import org.marginmax.robust.AttackKind;
import org.marginmax.robust.CarliniWagnerL2;
import org.marginmax.robust.DeepFool;
import org.marginmax.robust.PgdL2;
import org.marginmax.robust.PgdLinf;
import org.marginmax.robust.ProbeProgress;
import org.marginmax.robust.ProbeTables;
import org.marginmax.robust.ProjectedGradientAttack;
import org.marginmax.robust.RobustnessProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code margin-max probe RUN_DIR}: robust accuracy against ε at chosen checkpoints (protocol C). */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Attack the first N examples of a split at chosen checkpoints; write robustness/<attack>-<split>.csv.",
                "The .csv and .json hold robust accuracy per checkpoint and eps; for cw-l2 and deepfool also the L2 "
                + "norm of the smallest perturbation found, not squared. Answers are cached per checkpoint and settings."})
public final class ProbeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "a run directory written by `train`, or a sweep "
            + "directory: each of its runs with metrics is probed in turn (the cache makes a re-run cheap)")
    Path runDir;

    @Option(names = "--checkpoints", paramLabel = "LIST", defaultValue = "last",
            description = "epochs and 'last' separated by commas (e.g. 100,1000,last), or 'all' (default: ${DEFAULT-VALUE})")
    String checkpoints;

    @Option(names = "--split", paramLabel = "train|test", defaultValue = "train",
            description = "which split to attack (default: ${DEFAULT-VALUE}, as the authors)")
    String split;

    @Option(names = "--n", paramLabel = "N", defaultValue = "1000", description = "attack the first N examples (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--attack", paramLabel = "NAME", defaultValue = "pgd-linf",
            description = "pgd-linf, pgd-l2, cw-l2 or deepfool (default: ${DEFAULT-VALUE})")
    String attack;

    @Option(names = "--eps", paramLabel = "E,E,...", split = ",",
            description = "epsilons (default L-inf 0.01..0.30 step 0.01, L2 0.25..3.0 step 0.25; the authors' MNIST "
                    + "L-inf list is 0.11..0.19); 0 is always added")
    List<Double> eps;

    @Option(names = "--steps", defaultValue = "100", description = "PGD steps per restart (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--step-fraction", defaultValue = "0.1", description = "PGD step size as a fraction of eps (default: ${DEFAULT-VALUE})")
    double stepFraction;

    @Option(names = "--restarts", defaultValue = "1", description = "PGD random restarts (authors: 10; default: ${DEFAULT-VALUE})")
    int restarts;

    @Option(names = "--seed", defaultValue = "0", description = "seed of PGD's random starts (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--cw-iterations", defaultValue = "1000",
            description = "CW Adam iterations per binary-search step (authors: 10000; default: ${DEFAULT-VALUE})")
    int cwIterations;

    @Option(names = "--cw-binary-steps", defaultValue = "9", description = "CW binary-search steps (default: ${DEFAULT-VALUE})")
    int cwBinarySteps;

    @Option(names = "--cw-initial-const", defaultValue = "0.001", description = "CW initial constant (default: ${DEFAULT-VALUE})")
    double cwInitialConst;

    @Option(names = "--cw-lr", defaultValue = "0.01", description = "CW Adam learning rate (default: ${DEFAULT-VALUE})")
    double cwLearningRate;

    @Option(names = "--confidence", defaultValue = "0", description = "CW confidence kappa (default: ${DEFAULT-VALUE})")
    double confidence;

    @Option(names = "--deepfool-steps", defaultValue = "50", description = "DeepFool iterations (authors: 1000; default: ${DEFAULT-VALUE})")
    int deepFoolSteps;

    @Option(names = "--overshoot", defaultValue = "0.02", description = "DeepFool overshoot (default: ${DEFAULT-VALUE})")
    double overshoot;

    @Option(names = "--deepfool-refine", defaultValue = "10",
            description = "bisection steps shrinking DeepFool's perturbation along its segment, 0 for none (default: ${DEFAULT-VALUE})")
    int deepFoolRefine;

    @Option(names = "--batch", defaultValue = "0",
            description = "examples per forward/backward pass (default: 500 for MLPs, 100 for CNNs)")
    int batch;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where to look for the dataset files first")
    Path dataDir;

    @Override
    public Integer call() {
        Attack a = attack();
        Backend.init();
        double[] e = eps == null ? null : eps.stream().mapToDouble(Double::doubleValue).toArray();
        List<String> notes = new java.util.ArrayList<>();
        List<Path> dirs = new java.util.ArrayList<>();
        SweepCommand.expandSweeps(List.of(runDir), dirs, notes);
        notes.forEach(x -> System.err.println("note: " + x));
        int code = 0;
        for (Path d : dirs) {
            if (dirs.size() > 1) System.err.println("== " + d);
            RobustnessProbe.Report report = new RobustnessProbe(new ProbeProgress(System.err, System.console() != null))
                    .run(new RobustnessProbe.Request(d, dataDir, checkpoints, split, n, a, e, batch));
            ProbeTables.print(report, System.out);
            System.err.println("wrote " + report.csv() + " and " + report.json().getFileName());
            if (report.results().isEmpty()) code = 3;
        }
        return code;
    }

    /** The attack the options describe. */
    Attack attack() {
        if (batch < 0) throw new UserError("--batch must be at least 1, got " + batch);
        return switch (AttackKind.of(attack)) {
            case PGD_LINF -> new PgdLinf(new ProjectedGradientAttack.Settings(steps, stepFraction, restarts, seed));
            case PGD_L2 -> new PgdL2(new ProjectedGradientAttack.Settings(steps, stepFraction, restarts, seed));
            case CW_L2 -> new CarliniWagnerL2(new CarliniWagnerL2.Settings(cwBinarySteps, cwIterations, cwInitialConst,
                    cwLearningRate, confidence, true));
            case DEEPFOOL -> new DeepFool(new DeepFool.Settings(deepFoolSteps, overshoot, deepFoolRefine));
        };
    }

}
