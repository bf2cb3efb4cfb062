package org.marginmax.train;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSplit;
import org.marginmax.data.Datasets;
import org.marginmax.data.EpochBatchIterator;
import org.marginmax.data.ImageDataset;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.margin.EpochMeasurement;
import org.marginmax.margin.MarginListener;
import org.marginmax.margin.MarginStatistics;
import org.marginmax.margin.MarginTracker;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.NetworkStructure;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Plain minibatch SGD (no momentum, no weight decay) in the log-frame, with the per-epoch go/back decision of the
 * learning-rate schedule (protocol B). Writes one metrics row per accepted, measured epoch.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How a run ended. */
    public record Result(RunDirectory run, int epochs, boolean completed, String stopReason, Map<String, Object> lastRow) {}

    private final ExperimentConfig cfg;
    private final DataSplit data;
    private final RunDirectory run;
    private final ProgressReporter progress;

    public Trainer(ExperimentConfig cfg, DataSplit data, RunDirectory run, ProgressReporter progress) {
        this.cfg = cfg;
        this.data = data;
        this.run = run;
        this.progress = progress;
    }

    /** Loads the data named by the config (from {@code dataDir} or the cache) and trains. */
    public static Result train(ExperimentConfig cfg, Path dataDir, RunDirectory run, ProgressReporter progress) {
        DataSplit data = Datasets.load(cfg.data(), dataDir, cfg.seed());
        return new Trainer(cfg, data, run, progress).run();
    }

    public Result run() {
        ImageDataset train = data.train();
        ImageDataset test = data.test();
        boolean nchw = ModelFactory.nchw(cfg.model());
        FramedLoss loss = MarginLosses.create(cfg.loss());
        int outputs = cfg.loss().binary() ? 1 : train.numClasses();
        LearningRateSchedule schedule = LearningRateSchedule.of(cfg.train().lr());
        MultiLayerNetwork net = ModelFactory.build(cfg.model(), train.channels(), train.height(), train.width(),
                outputs, loss, schedule.frameLearningRate(0), cfg.seed());
        NetworkStructure structure = NetworkStructure.of(net);

        writeRunHeader(structure);

        INDArray trainX = train.features(nchw);
        int[] trainY = loss.labelsOf(train.labelMatrix());
        INDArray testX = test.size() == 0 ? null : test.features(nchw);
        int[] testY = test.size() == 0 ? new int[0] : loss.labelsOf(test.labelMatrix());
        MarginStatistics statistics = new MarginStatistics(structure, loss, nchw ? 1000 : 5000);
        MarginListener listener = new MarginListener(statistics, trainX, trainY, testX, testY, cfg.train().lr().maxLoss());
        MarginTracker tracker = new MarginTracker(statistics);
        net.setListeners(listener);
        EpochBatchIterator batches = new EpochBatchIterator(train, nchw, cfg.train().batchSize(), cfg.seed());
        if (batches.batchesPerEpoch() == 0)
            throw new IllegalArgumentException("train.batch_size " + cfg.train().batchSize() + " exceeds the "
                    + train.size() + " training examples: lower it");

        int epochs = cfg.train().epochs();
        long wallStart = System.nanoTime();
        try (MetricsLog metrics = new MetricsLog(run.path(), tracker.columns())) {
            EpochMeasurement m0 = listener.measure(net);
            double logFrame = m0.train().logMeanLoss();
            if (!Double.isFinite(logFrame))
                throw new IllegalStateException("the initial training loss is " + logFrame + ": check the data and model");
            Map<String, Object> last = tracker.row(0, m0, 0, schedule.frameLearningRate(logFrame), logFrame, 0, 0);
            metrics.append(last);
            progress.epoch(0, epochs, last, 0);

            INDArray accepted = net.params().dup();
            int rollbacks = 0;
            int lastAccepted = 0;
            String stopReason = null;
            int epoch = 1;
            for (; epoch <= epochs && stopReason == null; epoch++) {
                boolean lossBased = cfg.train().lr().lossBased();
                boolean measure = lossBased || epoch % cfg.train().statsEvery() == 0 || epoch == epochs;
                for (int attempt = 0; ; attempt++) {
                    double frameLr = schedule.frameLearningRate(logFrame);
                    net.setLearningRate(frameLr);
                    loss.setLogFrame(logFrame);
                    batches.setEpoch(epoch, attempt);
                    listener.measureNextEpoch(measure);
                    long t0 = System.nanoTime();
                    net.fit(batches);
                    EpochMeasurement m = listener.latest();
                    double trainSeconds = (System.nanoTime() - t0) / 1e9 - (m == null ? 0 : m.seconds());
                    if (listener.batchLossExceeded() && !Double.isNaN(listener.worstBatchLoss())) {
                        net.params().assign(accepted);
                        stopReason = "a minibatch loss reached " + listener.worstBatchLoss() + " (frame units) > max_loss "
                                + cfg.train().lr().maxLoss() + " in epoch " + epoch + ": the run diverged; parameters "
                                + "are those of epoch " + (epoch - 1);
                        break;
                    }
                    if (m == null) { // constant schedule between measured epochs
                        accepted.assign(net.params());
                        lastAccepted = epoch;
                        break;
                    }
                    double logFrameLoss = m.train().logMeanLoss() - logFrame;
                    LearningRateSchedule.Decision decision = schedule.afterEpoch(logFrameLoss);
                    if (decision == LearningRateSchedule.Decision.ACCEPT) {
                        logFrame = m.train().logMeanLoss();
                        accepted.assign(net.params());
                        lastAccepted = epoch;
                        double wall = (System.nanoTime() - wallStart) / 1e9;
                        last = tracker.row(epoch, m, rollbacks, frameLr, loss.getLogFrame(), trainSeconds, wall);
                        metrics.append(last);
                        progress.epoch(epoch, epochs, last, wall);
                        break;
                    }
                    net.params().assign(accepted); // exact: SGD keeps no other state
                    if (decision == LearningRateSchedule.Decision.STOP) {
                        stopReason = schedule.stopReason() + " (epoch " + epoch + ")";
                        break;
                    }
                    rollbacks++;
                    LOG.info("epoch {} rejected (frame loss e^{} > 1): parameters restored, lr {} -> {}, rollbacks {}",
                            epoch, String.format("%.3g", logFrameLoss), frameLr, schedule.lr(), rollbacks);
                }
            }
            int done = lastAccepted;
            saveModel(net);
            writeSummary(done, stopReason, last);
            if (stopReason != null) LOG.warn("run stopped: {}", stopReason);
            return new Result(run, done, stopReason == null, stopReason, last);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void writeRunHeader(NetworkStructure structure) {
        AtomicFiles.writeString(run.resolve(RunDirectory.CONFIG), ConfigLoader.toYaml(cfg));
        ObjectNode prov = Provenance.of(cfg, data.name(), data.sha256(), data.train().size(), data.test().size());
        prov.put("homogeneity_order", structure.order());
        prov.put("homogeneous", structure.homogeneous());
        prov.put("parameters", structure.totalParams());
        AtomicFiles.writeString(run.resolve(RunDirectory.PROVENANCE), prov.toPrettyString());
        AtomicFiles.writeString(run.resolve(RunDirectory.STRUCTURE), structure.describe());
    }

    private void saveModel(MultiLayerNetwork net) {
        AtomicFiles.write(run.resolve(RunDirectory.MODEL), tmp -> ModelSerializer.writeModel(net, tmp.toFile(), false));
    }

    private void writeSummary(int epochs, String stopReason, Map<String, Object> last) {
        ObjectNode s = JSON.createObjectNode();
        s.put("epochs", epochs);
        s.put("completed", stopReason == null);
        if (stopReason != null) s.put("stop_reason", stopReason);
        s.set("last_row", JSON.valueToTree(last));
        AtomicFiles.writeString(run.resolve(RunDirectory.SUMMARY), s.toPrettyString());
    }
}
