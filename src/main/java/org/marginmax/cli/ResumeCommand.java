package org.marginmax.cli;

import org.marginmax.train.ProgressReporter;
import org.marginmax.train.RunResumer;
import org.marginmax.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue a run from its newest complete checkpoint, appending to the same metrics files.")
final class ResumeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR") Path runDir;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where to look for the dataset files first")
    Path dataDir;

    @picocli.CommandLine.Mixin CudaProfileOption cuda = new CudaProfileOption();

    @picocli.CommandLine.Mixin RunLockOption lock = new RunLockOption();

    @Override public Integer call() {
        var profile = cuda.load();
        CudaProfileOption.start(profile);
        // not a run directory: no lock file left there; RunResumer says what is wrong
        boolean isRun = java.nio.file.Files.isRegularFile(runDir.resolve(org.marginmax.run.RunDirectory.CONFIG));
        try (var held = isRun ? lock.acquire(runDir) : null) {
            Trainer.Result r = profile == null
                    ? RunResumer.resume(runDir, dataDir, new ProgressReporter())
                    : RunResumer.resume(runDir, dataDir, new ProgressReporter(), profile.modelDtypeOverride(),
                    profile::applyToNetwork, profile.describe());
            return TrainCommand.report(r);
        }
    }
}
