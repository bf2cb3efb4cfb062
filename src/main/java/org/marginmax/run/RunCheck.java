package org.marginmax.run;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSplit;
import org.marginmax.data.Datasets;
import org.marginmax.data.ImageDataset;
import org.marginmax.data.Sha256;
import org.marginmax.io.Json;
import org.marginmax.loss.MarginLosses;
import org.marginmax.model.ModelFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The checks every reader of a run makes before it trusts the run: a config that is the one the run started with,
 * a checkpoint whose zip matches its sidecar's SHA-256 and holds this config's architecture, the same data. Each
 * failure is a {@link ResumeException} naming the file and the fix; nothing is changed on disk.
 */
public final class RunCheck {
    private RunCheck() {}

    /** A run ready to continue: its config, its data, and the newest complete checkpoint restored. */
    public record ResumePoint(RunDirectory run, ExperimentConfig config, DataSplit data, MultiLayerNetwork net,
                              CheckpointState state) {}

    /** The run's own config.yaml, or a one-line error for a folder that is not a run directory. */
    public static ExperimentConfig config(Path runDir) {
        Path f = runDir.resolve(RunDirectory.CONFIG);
        if (!Files.isRegularFile(f))
            throw new ResumeException(runDir + " is not a run directory (no " + RunDirectory.CONFIG
                    + "): give the folder that `margin-max train` printed");
        try {
            return ConfigLoader.bind(f.toString(), Files.readString(f));
        } catch (IOException e) {
            throw new ResumeException("cannot read " + f + ": " + e.getMessage());
        }
    }

    /**
     * Everything {@code resume} needs, all checked before anything is changed.
     *
     * @param dtypeRequired the network data type a runtime profile needs (null: any); must match the run's config
     */
    public static ResumePoint forResume(Path runDir, Path dataDir, String dtypeRequired) {
        RunDirectory run = new RunDirectory(runDir);
        ExperimentConfig cfg = config(runDir);
        String hash = ConfigLoader.hash(cfg);
        if (dtypeRequired != null && !dtypeRequired.equals(cfg.model().dtype()))
            throw new ResumeException(runDir + " trains in " + cfg.model().dtype() + " but the CUDA profile sets dtype "
                    + dtypeRequired + ": resume with a profile whose dtype is null or " + cfg.model().dtype());
        if (!hash.equals(recordedConfigHash(run)))
            throw new ResumeException(run.resolve(RunDirectory.CONFIG) + " was edited after the run started (its hash "
                    + "differs from provenance.json): put the original back, or train the edited config as a new run");
        List<String> problems = new ArrayList<>();
        List<Checkpoints.Entry> entries = Checkpoints.list(runDir, problems);
        problems.forEach(p -> System.err.println("warning: " + p));
        if (entries.isEmpty())
            throw new ResumeException(runDir + ": no complete checkpoint to resume from in " + Checkpoints.dir(runDir));
        Checkpoints.Entry newest = entries.get(entries.size() - 1);
        CheckpointState st = newest.info();
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
        String before = entries.size() > 1 ? " to resume from epoch " + entries.get(entries.size() - 2).info().epoch() : "";
        MultiLayerNetwork net = restore(newest, expectedNetwork(cfg, data.train()), before);
        MarginLosses.of(net).setLogFrame(st.logFrame());
        return new ResumePoint(run, cfg, data, net, st);
    }

    /** A freshly built network of the run's config for this data: the architecture its checkpoints must hold. */
    public static MultiLayerNetwork expectedNetwork(ExperimentConfig cfg, ImageDataset train) {
        int outputs = cfg.loss().binary() ? 1 : train.numClasses();
        return ModelFactory.build(cfg.model(), train.channels(), train.height(), train.width(), outputs,
                MarginLosses.create(cfg.loss()), 0.1, cfg.seed());
    }

    /** A checkpoint as a network: its zip intact, readable by DL4J, and of the expected architecture. */
    public static MultiLayerNetwork restore(Checkpoints.Entry c, MultiLayerNetwork expected) {
        return restore(c, expected, "");
    }

    private static MultiLayerNetwork restore(Checkpoints.Entry c, MultiLayerNetwork expected, String fallback) {
        if (!Sha256.ofFile(c.model()).equals(c.info().modelSha256()))
            throw new ResumeException(c.model() + " is corrupt (its SHA-256 differs from " + c.state().getFileName()
                    + "): delete both files" + fallback);
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(c.model().toFile(), false);
        } catch (Exception | Error e) {
            throw new ResumeException(c.model() + " cannot be read as a DL4J model (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""))
                    + "): delete it and its sidecar" + fallback);
        }
        requireSameArchitecture(net, expected, c.model());
        return net;
    }

    /** Same layers with the same parameter shapes and a margin loss, or a one-line error naming the file. */
    public static void requireSameArchitecture(MultiLayerNetwork restored, MultiLayerNetwork expected, Path file) {
        Map<String, INDArray> a = restored.paramTable();
        Map<String, INDArray> b = expected.paramTable();
        boolean same = a.keySet().equals(b.keySet()) && restored.getnLayers() == expected.getnLayers()
                && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k).shape(), b.get(k).shape()));
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

    private static String recordedConfigHash(RunDirectory run) {
        Path f = run.resolve(RunDirectory.PROVENANCE);
        try {
            JsonNode prov = Json.MAPPER.readTree(f.toFile());
            return prov.path("config_sha256").asText();
        } catch (IOException e) {
            throw new ResumeException(f + ": cannot read it (" + e.getMessage() + "): a run directory needs its provenance.json");
        }
    }
}
