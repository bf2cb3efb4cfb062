package org.marginmax.train;
import org.marginmax.run.CheckpointState;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunDirectory;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSplit;
import org.marginmax.data.Datasets;
import org.marginmax.data.Sha256;
import org.marginmax.loss.MarginLosses;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code margin-max resume RUN_DIR}: continues a run from its newest complete checkpoint. Everything is checked
 * before anything is changed: the config must be the one the run started with, the data the same, the checkpoint
 * intact and of this architecture. Then the metrics rows past the checkpoint are dropped and training goes on.
 */
public final class RunResumer {
    private RunResumer() {}

    /** Thrown for a run directory that cannot be resumed as it is; nothing was changed. */
    public static final class ResumeException extends org.marginmax.io.UserInputException {
        public ResumeException(String message) { super(message); }
    }

    public static Trainer.Result resume(Path runDir, Path dataDir, ProgressReporter progress) {
        return resume(runDir, dataDir, progress, null, net -> { }, null);
    }

    /**
     * @param dtypeRequired  the network data type a runtime profile needs (null: any); must match the run's config
     * @param networkSetup   runtime settings for the restored network
     * @param runtimeNote    what was applied, for the log
     */
    public static Trainer.Result resume(Path runDir, Path dataDir, ProgressReporter progress, String dtypeRequired,
                                        java.util.function.Consumer<org.deeplearning4j.nn.multilayer.MultiLayerNetwork> networkSetup,
                                        String runtimeNote) {
        RunDirectory run = new RunDirectory(runDir);
        Path cfgFile = run.resolve(RunDirectory.CONFIG);
        if (!Files.isRegularFile(cfgFile))
            throw new ResumeException(runDir + " is not a run directory (no " + RunDirectory.CONFIG + "): give the folder "
                    + "that `margin-max train` printed");
        ExperimentConfig cfg;
        String recordedHash;
        try {
            cfg = ConfigLoader.bind(cfgFile.toString(), Files.readString(cfgFile));
            JsonNode prov = org.marginmax.io.Json.MAPPER.readTree(run.resolve(RunDirectory.PROVENANCE).toFile());
            recordedHash = prov.path("config_sha256").asText();
        } catch (IOException e) {
            throw new ResumeException(runDir + ": cannot read its config/provenance: " + e.getMessage());
        }
        String hash = ConfigLoader.hash(cfg);
        if (dtypeRequired != null && !dtypeRequired.equals(cfg.model().dtype()))
            throw new ResumeException(runDir + " trains in " + cfg.model().dtype() + " but the CUDA profile sets dtype "
                    + dtypeRequired + ": resume with a profile whose dtype is null or " + cfg.model().dtype());
        if (!hash.equals(recordedHash))
            throw new ResumeException(cfgFile + " was edited after the run started (its hash differs from provenance.json):"
                    + " put the original back, or train the edited config as a new run");
        List<String> problems = new ArrayList<>();
        List<Checkpoints.Entry> entries = Checkpoints.list(runDir, problems);
        problems.forEach(p -> System.err.println("warning: " + p));
        if (entries.isEmpty())
            throw new ResumeException(runDir + ": no complete checkpoint to resume from in " + Checkpoints.dir(runDir));
        Checkpoints.Entry newest = entries.get(entries.size() - 1);
        CheckpointState st = newest.info();
        String before = entries.size() > 1 ? " to resume from epoch " + entries.get(entries.size() - 2).info().epoch() : "";
        if (!Sha256.ofFile(newest.model()).equals(st.modelSha256()))
            throw new ResumeException(newest.model() + " is corrupt (its SHA-256 differs from " + newest.state().getFileName()
                    + "): delete both files" + before);
        if (!hash.equals(st.configSha256()))
            throw new ResumeException(newest.state() + " was written by another config (hash " + st.configSha256()
                    + "): it does not belong to this run directory");
        if (st.epoch() >= cfg.train().epochs() && Files.exists(run.resolve(RunDirectory.MODEL)))
            throw new ResumeException(runDir + " is complete (" + st.epoch() + " of " + cfg.train().epochs()
                    + " epochs): nothing to resume");
        DataSplit data = Datasets.load(cfg.data(), dataDir, cfg.seed());
        if (!data.sha256().equals(st.dataSha256()))
            throw new ResumeException(runDir + ": the data at hand (SHA-256 " + data.sha256() + ") is not the data this run "
                    + "trained on (" + st.dataSha256() + "): point --data-dir at the original files");
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(newest.model().toFile(), false);
        } catch (Exception | Error e) {
            throw new ResumeException(newest.model() + " cannot be read as a DL4J model (" + e.getClass().getSimpleName()
                    + "): delete it and its sidecar" + before);
        }
        Trainer trainer = new Trainer(cfg, data, run, progress).withRuntime(networkSetup, runtimeNote);
        MultiLayerNetwork fresh = trainer.buildNetwork(MarginLosses.create(cfg.loss()), 0.1);
        requireSameArchitecture(net, fresh, newest.model());
        MarginLosses.of(net).setLogFrame(st.logFrame());
        MetricsLog.truncateAfter(runDir, st.epoch());
        return trainer.trainFrom(new Trainer.Start(net, st));
    }

    /** Same layers with the same parameter shapes, or a one-line error naming the file. */
    public static void requireSameArchitecture(MultiLayerNetwork restored, MultiLayerNetwork expected, Path file) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> a = restored.paramTable();
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> b = expected.paramTable();
        boolean same = a.keySet().equals(b.keySet()) && restored.getnLayers() == expected.getnLayers();
        if (same) {
            for (String k : a.keySet())
                if (!java.util.Arrays.equals(a.get(k).shape(), b.get(k).shape())) { same = false; break; }
        }
        if (!same)
            throw new ResumeException(file + " holds another architecture (" + restored.numParams() + " parameters in "
                    + restored.getnLayers() + " layers; this config builds " + expected.numParams() + " in "
                    + expected.getnLayers() + "): use the checkpoint with the run it came from");
        try {
            MarginLosses.of(restored);
        } catch (IllegalStateException e) {
            throw new ResumeException(file + ": " + e.getMessage());
        }
    }
}
