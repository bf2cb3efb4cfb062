package org.marginmax.cli;

import org.marginmax.config.ConfigLoader;
import org.marginmax.io.UserInputException;
import org.marginmax.sweep.LocalRunner;
import org.marginmax.sweep.RunState;
import org.marginmax.sweep.SlurmScript;
import org.marginmax.sweep.SweepPlan;
import org.marginmax.sweep.SweepSpec;
import org.marginmax.sweep.SweepTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code margin-max sweep plan|run|status|slurm SPEC}: a study as a grid of runs (docs/STUDIES.md). */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Plan, run, watch and submit to Slurm a sweep: every combination of a grid of --set overrides "
                + "of one experiment file (docs/STUDIES.md).",
        subcommands = {SweepCommand.Plan.class, SweepCommand.Run.class, SweepCommand.Status.class,
                SweepCommand.Slurm.class, SweepCommand.Task.class})
final class SweepCommand implements Runnable {
    @Override public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The spec and where its sweep directory lives. */
    static class Target {
        @Parameters(index = "0", paramLabel = "SPEC", description = "sweep spec, e.g. experiments/sweeps/x.yaml")
        Path spec;

        @Option(names = "--outputs", paramLabel = "DIR", defaultValue = "outputs",
                description = "where the sweep directory <name>/ goes (default: ${DEFAULT-VALUE})")
        Path outputs;

        SweepSpec spec() { return wrap(() -> SweepSpec.load(spec)); }

        /** The planned sweep of this spec; planning it first if needed (a no-op when planned with this spec). */
        SweepPlan plan(boolean extend) {
            SweepSpec s = spec();
            var r = wrap(() -> SweepPlan.plan(s, outputs, extend));
            System.err.println(r.getValue());
            return r.getKey();
        }

        SweepPlan planned() {
            SweepSpec s = spec();
            return wrap(() -> SweepPlan.load(SweepPlan.dirOf(s, outputs)));
        }
    }

    static <T> T wrap(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (UserInputException e) {
            throw new UserError(e.getMessage());
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Create <outputs>/<name>/sweep.json and one run directory (with its config.yaml) per grid point.")
    static final class Plan implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target = new Target();

        @Option(names = "--extend", description = "the spec changed: add its new grid points, leave existing runs untouched")
        boolean extend;

        @Override public Integer call() {
            SweepPlan p = target.plan(extend);
            for (SweepPlan.Run r : p.runs()) System.out.println(r.id() + "  " + p.runDir(r));
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run every run that is not complete, one JVM each: fresh -> train, interrupted -> resume, "
                    + "complete -> skip, locked (running elsewhere) -> skip.")
    static final class Run implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target = new Target();

        @Option(names = "--parallel", paramLabel = "K", description = "runs at a time (default: 1, or one per --gpus card)")
        Integer parallel;

        @Option(names = "--gpus", paramLabel = "0,1,...", split = ",",
                description = "cards to use: each JVM sees one through CUDA_VISIBLE_DEVICES")
        List<String> gpus = new ArrayList<>();

        @Option(names = "--threads", paramLabel = "N",
                description = "OMP_NUM_THREADS of each run (default: cores / K); recorded in provenance")
        Integer threads;

        @Option(names = "--java-opt", paramLabel = "OPT", description = "JVM option of each run, e.g. -Xmx8g (repeatable; default: this JVM's -Xmx and -D options)")
        List<String> javaOptions = new ArrayList<>();

        @Override public Integer call() throws InterruptedException {
            SweepPlan p = target.plan(false);
            int k = parallel != null ? parallel : Math.max(1, gpus.size());
            int failed = new LocalRunner(p, k, gpus, threads, javaOptions).run();
            printStatus(p);
            return failed == 0 ? 0 : 3;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"One line per run: state, epoch/E, log10 loss, normalized margin, heartbeat age, where it runs.",
                    "Reads the run directories only (never takes a lock)."})
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target = new Target();

        @Override public Integer call() {
            printStatus(target.planned());
            return 0;
        }
    }

    static void printStatus(SweepPlan p) {
        int w = p.runs().stream().mapToInt(r -> r.id().length()).max().orElse(2);
        String job = p.slurmJob();
        for (SweepPlan.Run r : p.runs()) {
            Path dir = p.runDir(r);
            int epochs = plannedEpochs(dir);
            RunState st = RunState.of(dir, epochs);
            String line = st.line(r.id(), w);
            if (job != null && st.state() != RunState.State.RUNNING) line += "  slurm " + job + "_" + r.index();
            System.out.println(line);
        }
    }

    private static int plannedEpochs(Path run) {
        try {
            Path cfg = run.resolve(org.marginmax.run.RunDirectory.CONFIG);
            return ConfigLoader.bind(cfg.toString(), java.nio.file.Files.readString(cfg, StandardCharsets.UTF_8)).train().epochs();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = "Write <sweep>/slurm/array.sbatch (one array task per run, requeued at the time limit, "
                    + "resumed from its checkpoint); --submit runs sbatch and records the job id in sweep.json.")
    static final class Slurm implements Callable<Integer> {
        @picocli.CommandLine.Mixin Target target = new Target();

        @Option(names = "--submit", description = "run sbatch on the script and record the job id") boolean submit;
        @Option(names = "--partition", paramLabel = "P") String partition;
        @Option(names = "--time", paramLabel = "T", description = "time limit per task, e.g. 2-00:00:00") String time;
        @Option(names = "--gpus-per-task", paramLabel = "N") Integer gpusPerTask;
        @Option(names = "--cpus-per-task", paramLabel = "C", defaultValue = "2",
                description = "also each run's OMP_NUM_THREADS (default: ${DEFAULT-VALUE})") int cpusPerTask;
        @Option(names = "--mem", paramLabel = "M", description = "e.g. 16G") String mem;
        @Option(names = "--max-parallel", paramLabel = "K", description = "tasks at a time (the array's %K)") Integer maxParallel;
        @Option(names = "--signal-seconds", paramLabel = "S", defaultValue = "600",
                description = "how long before the time limit the task checkpoints and requeues (default: ${DEFAULT-VALUE})")
        int signalSeconds;
        @Option(names = "--sbatch-arg", paramLabel = "ARG", description = "an extra #SBATCH line, e.g. --account=abc (repeatable)")
        List<String> sbatchArgs = new ArrayList<>();
        @Option(names = "--java-opt", paramLabel = "OPT", description = "JVM option of each task, e.g. -Xmx8g (repeatable)")
        List<String> javaOptions = new ArrayList<>();

        @Override public Integer call() throws IOException, InterruptedException {
            SweepPlan p = target.plan(false);
            Path script = new SlurmScript(partition, time, gpusPerTask, cpusPerTask, mem, maxParallel, signalSeconds,
                    sbatchArgs, javaOptions).write(p);
            System.err.println("wrote " + script);
            if (!submit) {
                System.out.println("sbatch " + script);
                return 0;
            }
            Process sb;
            try {
                sb = new ProcessBuilder("sbatch", "--parsable", script.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new UserError("cannot run sbatch (" + e.getMessage() + "): is Slurm installed here? The script is " + script);
            }
            String out = new String(sb.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (sb.waitFor() != 0) throw new UserError("sbatch " + script + " failed: " + out.replace('\n', ' '));
            String job = out.lines().reduce((a, b) -> b).orElse(out).split(";")[0].strip();
            p.addSlurmJob(job, p.runs().size());
            System.out.println(job);
            System.err.println("submitted job " + job + " (" + p.runs().size() + " tasks); watch with: margin-max sweep status "
                    + target.spec + (target.outputs.equals(Path.of("outputs")) ? "" : " --outputs " + target.outputs));
            return 0;
        }
    }

    @Command(name = "task", hidden = true,
            description = "Run (train or resume) run INDEX of the planned sweep in SWEEP_DIR in this JVM; what sweep run "
                    + "and the Slurm script start.")
    static final class Task implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SWEEP_DIR") Path sweepDir;
        @Parameters(index = "1", paramLabel = "INDEX") int index;
        @Option(names = "--data-dir", paramLabel = "DIR") Path dataDir;

        @Override public Integer call() {
            SweepPlan p = wrap(() -> SweepPlan.load(sweepDir));
            List<SweepPlan.Run> runs = p.runs();
            if (index < 0 || index >= runs.size())
                throw new UserError(sweepDir + ": no run " + index + " (the sweep has " + runs.size() + ")");
            SweepPlan.Run r = runs.get(index);
            String[] note = new String[1];
            Optional<List<String>> args = wrap(() -> SweepTask.next(p, r, note));
            System.err.println(r.id() + ": " + note[0]);
            if (args.isEmpty()) return 0;
            List<String> a = new ArrayList<>(args.get());
            if (dataDir != null) a.addAll(List.of("--data-dir", dataDir.toString()));
            return Main.run(a.toArray(String[]::new));
        }
    }

    /**
     * The run directories named on a command line, a sweep directory (holding sweep.json) standing for its runs that
     * have metrics (a note names those that have none yet). Returns whether any sweep directory was given.
     */
    static boolean expandSweeps(List<Path> args, List<Path> runDirs, List<String> notes) {
        boolean sweep = false;
        for (Path a : args) {
            if (!SweepPlan.isSweep(a)) {
                runDirs.add(a);
                continue;
            }
            sweep = true;
            SweepPlan p = wrap(() -> SweepPlan.load(a));
            for (SweepPlan.Run r : p.runs()) {
                Path d = p.runDir(r);
                if (java.nio.file.Files.isRegularFile(d.resolve(org.marginmax.run.MetricsLog.CSV))) runDirs.add(d);
                else notes.add(a + ": run " + r.id() + " has no metrics yet: left out");
            }
        }
        if (runDirs.isEmpty()) throw new UserError(args + ": no run with metrics yet (see `margin-max sweep status`)");
        return sweep;
    }
}
