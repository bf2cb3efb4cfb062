package org.marginmax.train;
import org.marginmax.run.Provenance;
import org.marginmax.run.AtomicFiles;
import org.marginmax.run.CheckpointState;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.RunDirectory;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSplit;
import org.marginmax.data.EpochBatchIterator;
import org.marginmax.data.ImageDataset;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.margin.EpochMeasurement;
import org.marginmax.margin.MarginListener;
import org.marginmax.margin.MarginStatistics;
import org.marginmax.margin.MarginTracker;
import org.marginmax.model.BackpropShortcuts;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.NetworkStructure;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plain minibatch SGD (no momentum, no weight decay) in the log-frame, with the per-epoch go/back decision of the
 * learning-rate schedule (protocol B). Writes one metrics row per accepted, measured epoch, checkpoints by the
 * config's policy, and stops cleanly on SIGINT/SIGTERM. A run continues exactly from a checkpoint
 * ({@link RunResumer}).
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How a run ended. */
    public record Result(RunDirectory run, int epochs, boolean completed, boolean interrupted, String stopReason,
                         Map<String, Object> lastRow) {}

    /** Where a resumed run starts: the restored network and its checkpoint's state. */
    record Start(MultiLayerNetwork net, CheckpointState state) {}

    private final ExperimentConfig cfg;
    private final DataSplit data;
    private final RunDirectory run;
    private final ProgressReporter progress;
    private final String configSha;
    private java.util.function.Consumer<MultiLayerNetwork> networkSetup = net -> { };
    private String runtimeNote;

    public Trainer(ExperimentConfig cfg, DataSplit data, RunDirectory run, ProgressReporter progress) {
        this.cfg = cfg;
        this.data = data;
        this.run = run;
        this.progress = progress;
        this.configSha = ConfigLoader.hash(cfg);
    }

    /**
     * Runtime settings applied to the network once it is built or restored (e.g. a CUDA profile's workspace mode),
     * and a note on them recorded in provenance.json.
     */
    public Trainer withRuntime(java.util.function.Consumer<MultiLayerNetwork> setup, String note) {
        this.networkSetup = setup;
        this.runtimeNote = note;
        return this;
    }

    /** A fresh run: writes the run header (config, provenance, structure), then trains. */
    public Result run() {
        return trainFrom(null);
    }

    /** Loads the data the config names (from {@code dataDir}, then the cache) and runs a fresh training. */
    public static Trainer forConfig(ExperimentConfig cfg, java.nio.file.Path dataDir, RunDirectory run, ProgressReporter progress) {
        DataSplit data = org.marginmax.data.Datasets.load(cfg.data(), dataDir, cfg.seed());
        return new Trainer(cfg, data, run, progress);
    }

    /** The network this config builds for this data (fresh parameters from the seed). */
    MultiLayerNetwork buildNetwork(FramedLoss loss, double lr) {
        ImageDataset train = data.train();
        int outputs = cfg.loss().binary() ? 1 : train.numClasses();
        return ModelFactory.build(cfg.model(), train.channels(), train.height(), train.width(), outputs, loss, lr, cfg.seed());
    }

    Result trainFrom(Start start) {
        ImageDataset train = data.train();
        ImageDataset test = data.test();
        boolean nchw = ModelFactory.nchw(cfg.model());
        LearningRateSchedule schedule = LearningRateSchedule.of(cfg.train().lr());
        MultiLayerNetwork net;
        FramedLoss loss;
        if (start == null) {
            loss = MarginLosses.create(cfg.loss());
            net = buildNetwork(loss, schedule.frameLearningRate(0));
        } else {
            net = start.net();
            loss = MarginLosses.of(net);
            schedule.restore(start.state().scheduleLr());
        }
        networkSetup.accept(net);
        BackpropShortcuts.forTraining(net);
        NetworkStructure structure = NetworkStructure.of(net);
        if (start == null) writeRunHeader(structure);

        INDArray trainX = train.features(nchw);
        int[] trainY = loss.labelsOf(train.labelMatrix());
        INDArray testX = test.size() == 0 ? null : test.features(nchw);
        int[] testY = test.size() == 0 ? new int[0] : loss.labelsOf(test.labelMatrix());
        MarginStatistics statistics = new MarginStatistics(structure, loss, MarginStatistics.chunkFor(nchw));
        EpochBatchIterator batches = new EpochBatchIterator(train, nchw, cfg.train().batchSize(), cfg.seed());
        MarginListener listener = new MarginListener(statistics, trainX, trainY, testX, testY,
                cfg.train().lr().maxLoss(), batches::stopEarly, cfg.train().alignmentPeriod(), batches::epoch);
        MarginTracker tracker = new MarginTracker(statistics);
        net.setListeners(listener);
        if (batches.batchesPerEpoch() == 0)
            throw new IllegalArgumentException("train.batch_size " + cfg.train().batchSize() + " exceeds the "
                    + train.size() + " training examples: lower it");
        CheckpointPolicy policy = new CheckpointPolicy(cfg.checkpoints(), cfg.train().epochs());

        int epochs = cfg.train().epochs();
        long wallStart = System.nanoTime();
        double wallOffset = 0;
        StopSignal.install();
        try (MetricsLog metrics = new MetricsLog(run.path(), tracker.columns())) {
            double logFrame;
            int rollbacks;
            int epoch;
            Map<String, Object> last;
            if (start == null) {
                EpochMeasurement m0 = listener.measure(net);
                logFrame = m0.train().logMeanLoss();
                if (!Double.isFinite(logFrame))
                    throw new IllegalStateException("the initial training loss is " + logFrame + ": check the data and model");
                rollbacks = 0;
                epoch = 0;
                last = tracker.row(0, m0, 0, schedule.frameLearningRate(logFrame), logFrame, 0, 0);
                metrics.append(last);
                progress.epoch(run, 0, epochs, last, 0);
                List<String> reasons = policy.reasons(0, m0.train().log10MeanLoss(), false);
                checkpoint(net, structure, schedule, 0, logFrame, 0, tracker, policy, reasons, last);
            } else {
                CheckpointState st = start.state();
                logFrame = st.logFrame();
                rollbacks = st.rollbacks();
                epoch = st.epoch();
                last = st.metrics();
                tracker.restore(st.separatedSince(), st.lastSmoothed(), st.smoothedDecreases());
                policy.restore(st.epoch(), st.lossMilestone());
                Object w = last.get("wall_seconds");
                wallOffset = w instanceof Number n ? n.doubleValue() : 0;
                LOG.info("resuming {} from epoch {} (log10 loss {}, lr {})", run.path(), epoch, last.get("log10_loss"), st.scheduleLr());
            }
            loss.setLogFrame(logFrame);

            INDArray accepted = net.params().dup();
            String stopReason = null;
            boolean interrupted = false;
            while (epoch < epochs && stopReason == null) {
                int next = epoch + 1;
                boolean measure = cfg.train().lr().lossBased() || next % cfg.train().statsEvery() == 0
                        || next == epochs || policy.wantsStatistics(next);
                for (int attempt = 0; ; attempt++) {
                    double frameLr = schedule.frameLearningRate(logFrame);
                    net.setLearningRate(frameLr);
                    loss.setLogFrame(logFrame);
                    batches.setEpoch(next, attempt);
                    listener.measureNextEpoch(measure);
                    long t0 = System.nanoTime();
                    net.fit(batches);
                    EpochMeasurement m = listener.latest();
                    double trainSeconds = (System.nanoTime() - t0) / 1e9 - (m == null ? 0 : m.seconds());
                    boolean aborted = listener.aborted();
                    if (m == null && !aborted) { // constant schedule between measured epochs: accepted, no row
                        accepted.assign(net.params());
                        epoch = next;
                        break;
                    }
                    double logFrameLoss = aborted ? Double.POSITIVE_INFINITY : m.train().logMeanLoss() - logFrame;
                    LearningRateSchedule.Decision decision = schedule.afterEpoch(logFrameLoss);
                    if (decision == LearningRateSchedule.Decision.ACCEPT) {
                        logFrame = m.train().logMeanLoss();
                        accepted.assign(net.params());
                        epoch = next;
                        double wall = wallOffset + (System.nanoTime() - wallStart) / 1e9;
                        last = tracker.row(epoch, m, rollbacks, frameLr, loss.getLogFrame(), trainSeconds, wall);
                        metrics.append(last);
                        progress.epoch(run, epoch, epochs, last, wall);
                        break;
                    }
                    net.params().assign(accepted); // exact: plain SGD keeps no other state
                    String why = aborted
                            ? "a minibatch loss was " + listener.worstBatchLoss() + " (frame units; max_loss "
                            + cfg.train().lr().maxLoss() + ")"
                            : "full training loss e^" + String.format("%.3g", logFrameLoss) + " > 1 in frame units";
                    if (decision == LearningRateSchedule.Decision.STOP) {
                        stopReason = schedule.stopReason() + " (epoch " + next + ": " + why + ")";
                        break;
                    }
                    rollbacks++;
                    LOG.info("epoch {} rejected ({}): parameters restored, lr {} -> {}, rollbacks {}",
                            next, why, String.format("%.4g", frameLr), String.format("%.4g", schedule.lr()), rollbacks);
                }
                if (stopReason != null) break;
                interrupted = StopSignal.requested();
                boolean measured = listener.latest() != null;
                List<String> reasons = measured
                        ? policy.reasons(epoch, ((Number) last.get("log10_loss")).doubleValue(), interrupted)
                        : List.of();
                if (!reasons.isEmpty())
                    checkpoint(net, structure, schedule, epoch, logFrame, rollbacks, tracker, policy, reasons, last);
                if (interrupted) {
                    stopReason = "interrupted by a signal after epoch " + epoch;
                    break;
                }
            }
            progress.finish();
            net.params().assign(accepted);
            if (!interrupted) saveFinalModel(net);
            writeSummary(epoch, stopReason, interrupted, last);
            if (interrupted)
                LOG.warn("stopped after epoch {} with a checkpoint; continue with: margin-max resume {}", epoch, run.path());
            else if (stopReason != null) LOG.warn("run stopped: {}", stopReason);
            return new Result(run, epoch, stopReason == null, interrupted, stopReason, last);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void checkpoint(MultiLayerNetwork net, NetworkStructure structure, LearningRateSchedule schedule, int epoch,
                            double logFrame, int rollbacks, MarginTracker tracker, CheckpointPolicy policy,
                            List<String> reasons, Map<String, Object> row) {
        CheckpointState st = new CheckpointState(epoch, schedule.lr(), logFrame, rollbacks, tracker.separatedSince(),
                tracker.lastSmoothed(), tracker.smoothedDecreases(), policy.milestone(), new ArrayList<>(reasons),
                null, null, configSha, data.sha256(), cfg.seed(), Provenance.gitCommit(), Provenance.backendName(),
                structure.totalParams(), row, Instant.now().toString());
        Checkpoints.save(run.path(), net, st);
        policy.saved(epoch);
        Checkpoints.prune(run.path(), cfg.checkpoints().keepLast());
    }

    private void writeRunHeader(NetworkStructure structure) {
        AtomicFiles.writeString(run.resolve(RunDirectory.CONFIG), ConfigLoader.toYaml(cfg));
        ObjectNode prov = Provenance.of(cfg, data.name(), data.sha256(), data.train().size(), data.test().size());
        prov.put("homogeneity_order", structure.order());
        prov.put("homogeneous", structure.homogeneous());
        prov.put("parameters", structure.totalParams());
        if (runtimeNote != null) prov.put("runtime", runtimeNote);
        AtomicFiles.writeString(run.resolve(RunDirectory.PROVENANCE), prov.toPrettyString());
        AtomicFiles.writeString(run.resolve(RunDirectory.STRUCTURE), structure.describe());
    }

    private void saveFinalModel(MultiLayerNetwork net) {
        AtomicFiles.write(run.resolve(RunDirectory.MODEL), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), false));
    }

    private void writeSummary(int epochs, String stopReason, boolean interrupted, Map<String, Object> last) {
        ObjectNode s = JSON.createObjectNode();
        s.put("epochs", epochs);
        s.put("completed", stopReason == null);
        s.put("interrupted", interrupted);
        if (stopReason != null) s.put("stop_reason", stopReason);
        s.put("config_sha256", configSha);
        s.put("git_commit", Provenance.gitCommit());
        s.set("last_row", JSON.valueToTree(last));
        AtomicFiles.writeString(run.resolve(RunDirectory.SUMMARY), s.toPrettyString());
    }
}
