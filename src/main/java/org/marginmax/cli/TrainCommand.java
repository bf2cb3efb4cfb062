package org.marginmax.cli;

import org.marginmax.backend.CudaProfile;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.train.ProgressReporter;
import org.marginmax.run.RunDirectory;
import org.marginmax.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the experiment's network with plain SGD and write a run directory "
                + "(config, provenance, metrics.csv/jsonl, model).")
final class TrainCommand implements Callable<Integer> {
    @Mixin ConfigOptions config = new ConfigOptions();

    @Option(names = "--run-dir", paramLabel = "DIR", description = "run directory (default outputs/<experiment>/<timestamp>)")
    Path runDir;

    @Option(names = "--outputs", paramLabel = "DIR", defaultValue = "outputs",
            description = "where new run directories go (default: ${DEFAULT-VALUE})")
    Path outputs;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where to look for the dataset files first")
    Path dataDir;

    @Mixin CudaProfileOption cuda = new CudaProfileOption();

    @Mixin RunLockOption lock = new RunLockOption();

    @Override public Integer call() {
        CudaProfile profile = cuda.load();
        if (profile != null && profile.modelDtypeOverride() != null)
            config.overrides.add("model.dtype=" + profile.modelDtypeOverride());
        ExperimentConfig cfg = config.load();
        CudaProfileOption.start(profile);
        RunDirectory run = runDir != null ? RunDirectory.create(runDir) : RunDirectory.fresh(outputs, cfg.name());
        System.err.println("run directory: " + run.path());
        try (var held = lock.acquire(run.path())) {
            Trainer trainer = Trainer.forConfig(cfg, dataDir, run, new ProgressReporter());
            if (profile != null) trainer.withRuntime(profile::applyToNetwork, profile.describe());
            return report(trainer.run());
        }
    }

    /** Exit 0 when complete or cleanly interrupted (with how to resume), 3 when the run had to stop. */
    static int report(Trainer.Result r) {
        if (r.completed()) {
            System.err.println("done: " + r.epochs() + " epochs; metrics in " + r.run().resolve("metrics.csv"));
            return 0;
        }
        if (r.interrupted()) {
            System.err.println("stopped after epoch " + r.epochs() + " with a checkpoint; continue with: "
                    + "java -jar target/margin-max.jar resume " + r.run().path());
            return 0;
        }
        System.err.println("stopped after epoch " + r.epochs() + ": " + r.stopReason());
        return 3;
    }
}
