package org.marginmax.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RollbackLog;
import org.marginmax.run.RunCheck;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * {@code margin-max resume RUN_DIR}: continues a run from its newest complete checkpoint. Everything is checked
 * before anything is changed ({@link RunCheck#forResume}); then the metrics and rollback rows past the checkpoint
 * are dropped and training goes on.
 */
public final class RunResumer {
    private RunResumer() {}

    public static Trainer.Result resume(Path runDir, Path dataDir, ProgressReporter progress) {
        return resume(runDir, dataDir, progress, null, net -> { }, null);
    }

    /**
     * @param dtypeRequired  the network data type a runtime profile needs (null: any); must match the run's config
     * @param networkSetup   runtime settings for the restored network
     * @param runtimeNote    what was applied, for the log
     */
    public static Trainer.Result resume(Path runDir, Path dataDir, ProgressReporter progress, String dtypeRequired,
                                        Consumer<MultiLayerNetwork> networkSetup, String runtimeNote) {
        RunCheck.ResumePoint p = RunCheck.forResume(runDir, dataDir, dtypeRequired);
        MetricsLog.truncateAfter(runDir, p.state().epoch());
        RollbackLog.truncateAfter(runDir, p.state().epoch());
        Trainer trainer = new Trainer(p.config(), p.data(), p.run(), progress).withRuntime(networkSetup, runtimeNote);
        return trainer.train(new Trainer.Start(p.net(), p.state()));
    }
}
