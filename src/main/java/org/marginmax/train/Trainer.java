package org.marginmax.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.marginmax.config.ConfigException;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.DataSplit;
import org.marginmax.data.Datasets;
import org.marginmax.data.EpochBatchIterator;
import org.marginmax.data.ImageDataset;
import org.marginmax.io.Json;
import org.marginmax.io.UserInputException;
import org.marginmax.loss.FramedLoss;
import org.marginmax.loss.MarginLosses;
import org.marginmax.margin.EpochMeasurement;
import org.marginmax.margin.MarginListener;
import org.marginmax.margin.MarginStatistics;
import org.marginmax.margin.MarginTracker;
import org.marginmax.margin.ScheduleCounts;
import org.marginmax.margin.SettledExamples;
import org.marginmax.model.BackpropShortcuts;
import org.marginmax.model.ModelFactory;
import org.marginmax.model.NetworkStructure;
import org.marginmax.run.AtomicFiles;
import org.marginmax.run.CheckpointState;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.MetricsLog;
import org.marginmax.run.ModelZip;
import org.marginmax.run.Provenance;
import org.marginmax.run.RollbackLog;
import org.marginmax.run.RunCheck;
import org.marginmax.run.RunDirectory;
import org.marginmax.train.LearningRateSchedule.Decision;
import org.marginmax.train.Rejections.Cause;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Plain minibatch SGD (no momentum, no weight decay) in the log-frame, with the per-epoch go/back decision of the
 * learning-rate schedule (protocol B). {@link #train} reads top to bottom: start (fresh or resumed), then for each
 * epoch attempt until accepted (exact rollback on reject), record, checkpoint; then finish. Stops cleanly on
 * SIGINT/SIGTERM with a checkpoint; a resumed run continues exactly ({@link RunResumer}).
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** How a run ended. */
    public record Result(RunDirectory run, int epochs, boolean completed, boolean interrupted, String stopReason,
                         Map<String, Object> lastRow) {}

    /** Where a resumed run starts: the restored network and its checkpoint's state. */
    record Start(MultiLayerNetwork net, CheckpointState state) {}

    /** The pieces one training run wires together once, then uses every epoch. */
    private record Session(MultiLayerNetwork net, FramedLoss loss, LearningRateSchedule schedule,
                           NetworkStructure structure, MarginListener listener, MarginTracker tracker,
                           EpochBatchIterator batches, CheckpointPolicy policy, INDArray accepted, ObjectNode provenance,
                           MetricsLog metrics, RollbackLog rollbackLog, long startNanos, VerifiedEpoch verified) {}

    /** One pass over the data at one learning rate, before the schedule has judged it. */
    private record Attempt(int epoch, int attempt, double frameLr, double logFrame, double referenceLogLoss,
                           EpochMeasurement measurement, boolean aborted, int steps, double worstBatchLoss,
                           double batchLogLoss, double previousBatchLogLoss, double trainSeconds) {
        boolean unmeasured() { return measurement == null && !aborted; }

        /** Abandoned at its first minibatch, whose loss is taken before the step: the starting parameters are broken. */
        boolean brokenStart() { return aborted && steps == 1; }

        /**
         * The change of the full training set's log loss since the reference (the last kept epoch's, or the last
         * verified epoch's when the epochs between were judged by their minibatches); for an epoch without a
         * statistics pass, the change of the log mean minibatch loss since the last kept epoch; +inf when a minibatch
         * abandoned the epoch.
         */
        double logFrameLoss() {
            if (aborted) return Double.POSITIVE_INFINITY;
            return measurement == null ? batchLogLoss - previousBatchLogLoss
                    : measurement.train().logMeanLoss() - referenceLogLoss;
        }

        Cause cause() {
            if (aborted) return Double.isNaN(worstBatchLoss) ? Cause.BATCH_LOSS_NAN : Cause.BATCH_LOSS_HIGH;
            if (Double.isNaN(logFrameLoss())) return Cause.LOSS_NAN;
            return measurement == null ? Cause.BATCH_MEAN_ROSE : Cause.LOSS_ROSE;
        }

        double causeDetail() { return aborted ? worstBatchLoss : logFrameLoss(); }
    }

    private final ExperimentConfig cfg;
    private final DataSplit data;
    private final RunDirectory run;
    private final ProgressReporter progress;
    private final String configSha;
    private Consumer<MultiLayerNetwork> networkSetup = net -> { };
    private String runtimeNote;

    public Trainer(ExperimentConfig cfg, DataSplit data, RunDirectory run, ProgressReporter progress) {
        this.cfg = cfg;
        this.data = data;
        this.run = run;
        this.progress = progress;
        this.configSha = ConfigLoader.hash(cfg);
    }

    /** Loads the data the config names (from {@code dataDir}, then the cache) for a fresh training. */
    public static Trainer forConfig(ExperimentConfig cfg, Path dataDir, RunDirectory run, ProgressReporter progress) {
        return new Trainer(cfg, Datasets.load(cfg.data(), dataDir, cfg.seed()), run, progress);
    }

    /**
     * Runtime settings applied to the network once it is built or restored (e.g. a CUDA profile's workspace mode),
     * and a note on them recorded in provenance.json.
     */
    public Trainer withRuntime(Consumer<MultiLayerNetwork> setup, String note) {
        this.networkSetup = setup;
        this.runtimeNote = note;
        return this;
    }

    /** A fresh run: writes the run header (config, provenance, structure), then trains. */
    public Result run() { return train(null); }

    /** The training loop; {@code start} is null for a fresh run. */
    Result train(Start start) {
        Session s = open(start);
        try (MetricsLog metrics = s.metrics(); RollbackLog rollbacks = s.rollbackLog()) {
            TrainingState state = start == null ? begin(s) : resume(s, start.state());
            if (s.verified() != null) s.verified().keep(s.accepted(), state, s.schedule());
            StopSignal.install();
            while (state.running(cfg.train().epochs())) {
                if (!attemptUntilAccepted(s, state)) break;
                state.interrupted = StopSignal.requested();
                checkpointIfDue(s, state);
            }
            return finish(s, state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds (or takes the restored) network and wires the listener, schedule, batches and logs around it. */
    private Session open(Start start) {
        LearningRateSchedule schedule = LearningRateSchedule.of(cfg.train().lr());
        MultiLayerNetwork net = start == null ? RunCheck.expectedNetwork(cfg, data.train()) : start.net();
        FramedLoss loss = MarginLosses.of(net);
        if (start != null) schedule.restore(start.state().scheduleLr(), start.state().logFrame());
        networkSetup.accept(net);
        BackpropShortcuts.forTraining(net);
        NetworkStructure structure = NetworkStructure.of(net);
        EpochBatchIterator batches = batches();
        loss.setHostLabels(batches::hostLabelsOf);
        loss.setRowWeight(batches::rowWeightOf);
        MarginStatistics statistics = new MarginStatistics(structure, loss, MarginStatistics.chunkFor(nchw()));
        MarginListener listener = listener(statistics, loss, batches);
        net.setListeners(listener);
        MarginTracker tracker = new MarginTracker(statistics);
        ObjectNode provenance = provenance(structure);
        if (start == null) writeRunHeader(structure, provenance);
        return new Session(net, loss, schedule, structure, listener, tracker, batches,
                new CheckpointPolicy(cfg.checkpoints(), cfg.train().epochs(), cfg.train().statsEvery()),
                net.params().dup(), provenance, new MetricsLog(run.path(), tracker.columns()),
                RollbackLog.open(run.path()), System.nanoTime(),
                schedule.judgesUnmeasuredEpochs() && cfg.train().statsEvery() > 1 ? new VerifiedEpoch(net.params()) : null);
    }

    private EpochBatchIterator batches() {
        EpochBatchIterator batches = new EpochBatchIterator(data.train(), nchw(), cfg.train().batchSize(), cfg.seed());
        if (batches.batchesPerEpoch() == 0)
            throw new ConfigException("train.batch_size " + cfg.train().batchSize() + " exceeds the "
                    + data.train().size() + " training examples: lower it");
        return batches;
    }

    private MarginListener listener(MarginStatistics statistics, FramedLoss loss, EpochBatchIterator batches) {
        ImageDataset train = data.train(), test = data.test();
        INDArray testX = test.size() == 0 ? null : test.features(nchw());
        int[] testY = test.size() == 0 ? new int[0] : loss.labelsOf(test.labelMatrix());
        return new MarginListener(statistics, train.features(nchw()), loss.labelsOf(train.labelMatrix()), testX, testY,
                cfg.train().lr().maxLoss(), batches::stopEarly, cfg.train().alignmentPeriod(), batches::epoch);
    }

    private boolean nchw() { return ModelFactory.nchw(cfg.model()); }

    /** Epoch 0 of a fresh run: the initial statistics, the frame they set, row 0 and the initial checkpoint. */
    private TrainingState begin(Session s) {
        EpochMeasurement m0 = s.listener().measure(s.net());
        double logFrame = m0.train().logMeanLoss();
        if (!Double.isFinite(logFrame))
            throw new UserInputException("the initial training loss is " + logFrame + ": check the data and model");
        s.loss().setLogFrame(logFrame);
        Map<String, Object> row0 = s.tracker().row(0, m0, ScheduleCounts.NONE, s.schedule().frameLearningRate(logFrame),
                logFrame, 0, 0);
        TrainingState state = TrainingState.fresh(logFrame, row0);
        settle(s, m0);
        s.metrics().append(row0);
        progress.epoch(run, 0, cfg.train().epochs(), row0, 0, "");
        checkpoint(s, state, s.policy().reasons(0, m0.train().log10MeanLoss(), false));
        return state;
    }

    private TrainingState resume(Session s, CheckpointState st) {
        s.tracker().restore(st.separatedSince(), st.lastSmoothed(), st.smoothedDecreases());
        s.policy().restore(st.epoch(), st.lossMilestone());
        s.loss().setLogFrame(st.logFrame());
        LOG.info("resuming {} from epoch {} (log10 loss {}, lr {})", run.path(), st.epoch(),
                st.metrics().get("log10_loss"), st.scheduleLr());
        TrainingState state = TrainingState.resumed(st);
        if (st.activeExamples() != null && cfg.train().settledShare() > 0) {
            try {
                s.batches().setActive(SettledExamples.decode(st.activeExamples(), data.train().size()));
            } catch (IllegalArgumentException e) {
                Path sidecar = Checkpoints.stateFile(run.path(), st.epoch());
                throw new UserInputException(sidecar + ": its active_examples is broken (" + e.getMessage() + "): move it"
                        + " and its .zip out of checkpoints/ to resume from the checkpoint before it");
            }
        }
        return state;
    }

    /**
     * {@code train.skip_settled}: after a kept statistics pass that finds the training set separated, the SGD steps until
     * the next one leave out the examples that together carry at most that share of the training loss
     * ({@link SettledExamples}). Before separation every example trains: the loss is not yet carried by the smallest
     * margins, and an epoch moves it so far that left-out examples can hold 1e-4 of it at the next pass.
     */
    private void settle(Session s, EpochMeasurement m) {
        double share = cfg.train().settledShare();
        if (share == 0) return;
        s.batches().setActive(m.train().qMin() > 0 ? SettledExamples.active(m.train().logLosses(), share) : null);
    }

    /**
     * Runs the next epoch until the schedule accepts it, restoring the accepted parameters exactly after each rejected
     * attempt (plain SGD keeps no other state). Returns false when the schedule stops the run instead.
     */
    private boolean attemptUntilAccepted(Session s, TrainingState state) {
        int next = state.epoch + 1;
        boolean judgesByBatches = s.verified() != null; // statistics thinned: the epochs between judged by minibatches
        boolean measure = s.schedule().needsFullLoss() || judgesByBatches && Double.isNaN(state.batchLogLoss)
                || next % cfg.train().statsEvery() == 0 || next == cfg.train().epochs()
                || s.policy().wantsStatistics(next, judgesByBatches ? state.logFrame / Math.log(10) : Double.NaN);
        Rejections rejected = new Rejections();
        for (int attempt = 0; ; attempt++) {
            Attempt a = attempt(s, state, next, attempt, measure);
            Decision decision = a.unmeasured() && !judgesByBatches ? Decision.ACCEPT
                    : s.schedule().afterEpoch(a.logFrameLoss());
            if (decision == Decision.ACCEPT) {
                accept(s, state, a, rejected);
                return true;
            }
            s.net().params().assign(s.accepted());
            if (decision == Decision.STOP) {
                state.stopReason = s.schedule().stopReason() + " (epoch " + next + ": " + a.cause().words + ", "
                        + a.causeDetail() + ")";
                return false;
            }
            reject(s, state, a, rejected);
            if ((a.brokenStart() || a.measurement() != null) && s.verified() != null && s.verified().behind(state))
                return backToVerified(s, state, a);
        }
    }

    /**
     * The epochs since the last verified one are undone: the full training loss rose over them, or their last steps
     * broke the parameters, without their minibatch losses showing it. The schedule rejects the verified epoch's
     * successor, so it continues from there with a smaller rate (smaller again at each return).
     */
    private boolean backToVerified(Session s, TrainingState state, Attempt a) {
        s.verified().restore(s.net().params(), s.accepted(), state, s.schedule(), false);
        double lr = s.schedule().frameLearningRate(state.logFrame);
        Decision d = s.schedule().afterEpoch(Double.POSITIVE_INFINITY);
        s.rollbackLog().append(a.epoch(), a.attempt(), Cause.BACK_TO_VERIFIED.token, state.epoch, lr,
                s.schedule().frameLearningRate(state.logFrame));
        LOG.warn("epoch {}: {} ({}) over the epochs judged by their minibatches: back to epoch {}, the last whose full "
                + "training loss was checked", a.epoch(), a.brokenStart() ? "first batch loss > max_loss" : a.cause().words,
                a.causeDetail(), state.epoch);
        if (d == Decision.STOP) {
            state.stopReason = s.schedule().stopReason() + " (back at epoch " + state.epoch + ")";
            return false;
        }
        s.verified().keep(s.accepted(), state, s.schedule()); // its smaller rate, and the attempts spent, stay
        return true;
    }

    private Attempt attempt(Session s, TrainingState state, int epoch, int attempt, boolean measure) {
        double frameLr = s.schedule().frameLearningRate(state.logFrame);
        s.net().setLearningRate(frameLr);
        s.loss().setLogFrame(state.logFrame);
        s.batches().setEpoch(epoch, attempt);
        s.listener().measureNextEpoch(measure);
        long t0 = System.nanoTime();
        s.net().fit(s.batches());
        if (s.batches().takeUnweightedBatches() > 0) // the loss never saw a reduced batch's labels: its steps were wrong
            throw new UserInputException(run.path() + ": train.skip_settled: the loss did not weigh the reduced"
                    + " minibatches of epoch " + epoch + " (DL4J passed it other label arrays), so the epoch was not"
                    + " kept: train again with --set train.skip_settled=0");
        state.attempted(s.listener().steps());
        EpochMeasurement m = s.listener().latest();
        double trainSeconds = (System.nanoTime() - t0) / 1e9 - (m == null ? 0 : m.seconds());
        double reference = s.verified() != null ? s.verified().logLoss() : state.logFrame;
        return new Attempt(epoch, attempt, frameLr, state.logFrame, reference, m, s.listener().aborted(),
                s.listener().steps(), s.listener().worstBatchLoss(),
                state.logFrame + Math.log(s.listener().meanBatchLoss()), state.batchLogLoss, trainSeconds);
    }

    private void reject(Session s, TrainingState state, Attempt a, Rejections rejected) {
        state.rollbacks++;
        rejected.add(a.cause());
        s.rollbackLog().append(a.epoch(), a.attempt(), a.cause().token, a.causeDetail(), a.frameLr(),
                s.schedule().frameLearningRate(state.logFrame));
        LOG.debug("epoch {} attempt {} rejected ({} {}): parameters restored, lr {} -> {}, rollbacks {}", a.epoch(),
                a.attempt(), a.cause().words, a.causeDetail(), a.frameLr(), s.schedule().lr(), state.rollbacks);
    }

    /**
     * Keeps the attempt's parameters; a measured epoch moves the frame to its loss and writes its metrics row. Between
     * statistics passes the frame of a schedule that judges by minibatches follows their mean loss; the constant
     * schedule's stays.
     */
    private void accept(Session s, TrainingState state, Attempt a, Rejections rejected) {
        s.accepted().assign(s.net().params());
        state.epoch = a.epoch();
        state.batchLogLoss = a.batchLogLoss();
        if (a.unmeasured()) {
            if (s.verified() != null) state.logFrame += a.logFrameLoss();
            return; // no row
        }
        state.logFrame = a.measurement().train().logMeanLoss();
        record(s, state, a.measurement(), a.frameLr(), a.logFrame(), a.trainSeconds(), rejected.summary());
        settle(s, a.measurement());
        if (s.verified() != null) s.verified().keep(s.accepted(), state, s.schedule());
    }

    private void record(Session s, TrainingState state, EpochMeasurement m, double frameLr, double logFrame,
                        double trainSeconds, String note) {
        double wall = state.wallOffset + (System.nanoTime() - s.startNanos()) / 1e9;
        state.lastRow = s.tracker().row(state.epoch, m, state.spent(), frameLr, logFrame, trainSeconds, wall);
        if (cfg.train().settledShare() > 0) { // the set the epochs since the last row trained on, and what it left out
            state.lastRow.put("active_examples", s.batches().activeCount());
            state.lastRow.put("log10_skipped_share",
                    s.batches().active() == null ? null
                            : SettledExamples.log10Share(m.train().logLosses(), s.batches().active()));
        }
        s.metrics().append(state.lastRow);
        progress.epoch(run, state.epoch, cfg.train().epochs(), state.lastRow, wall, note);
    }

    /**
     * Checkpoints when the policy asks. A stop signal after an epoch the constant schedule did not measure measures
     * it first, so the stop checkpoint has its statistics row; after epochs the predictive schedule judged by their
     * minibatches, the stop checkpoint is of the last verified epoch, whose row is the last one written.
     */
    private void checkpointIfDue(Session s, TrainingState state) {
        boolean measured = s.listener().latest() != null;
        if (!measured && state.interrupted && s.verified() != null) {
            if (s.verified().behind(state)) s.verified().restore(s.net().params(), s.accepted(), state, s.schedule(), true);
            measured = true;
        }
        if (!measured && !state.interrupted) return;
        if (!measured) {
            // the stop row must not move the tracker's cross-epoch state: the resumed run continues as if unmeasured
            MarginTracker t = s.tracker();
            int since = t.separatedSince(), decreases = t.smoothedDecreases();
            double smoothed = t.lastSmoothed();
            EpochMeasurement m = s.listener().measure(s.net());
            record(s, state, m, s.schedule().frameLearningRate(state.logFrame), state.logFrame, 0, "");
            t.restore(since, smoothed, decreases);
        }
        List<String> reasons = s.policy().reasons(state.epoch,
                ((Number) state.lastRow.get("log10_loss")).doubleValue(), state.interrupted);
        if (!reasons.isEmpty()) checkpoint(s, state, reasons);
    }

    private void checkpoint(Session s, TrainingState state, List<String> reasons) {
        MarginTracker t = s.tracker();
        CheckpointState st = new CheckpointState(state.epoch, s.schedule().lr(), state.logFrame, state.rollbacks,
                t.separatedSince(), t.lastSmoothed(), t.smoothedDecreases(), s.policy().milestone(),
                new ArrayList<>(reasons), null, null, configSha, data.sha256(), cfg.seed(), Provenance.gitCommit(),
                Provenance.backendName(), s.structure().totalParams(), state.lastRow, Instant.now().toString(),
                state.attempts, state.sgdSteps, Double.isNaN(state.batchLogLoss) ? null : state.batchLogLoss,
                s.batches().active() == null ? null : SettledExamples.encode(s.batches().active(), data.train().size()));
        Checkpoints.save(run.path(), s.net(), st, s.provenance());
        s.policy().saved(state.epoch);
        Checkpoints.prune(run.path(), cfg.checkpoints().keepLast());
    }

    private Result finish(Session s, TrainingState state) {
        progress.finish();
        if (s.verified() != null && s.verified().behind(state)) // stopped by the schedule after unverified epochs
            s.verified().restore(s.net().params(), s.accepted(), state, s.schedule(), false);
        s.net().params().assign(s.accepted());
        if (!state.interrupted) {
            ObjectNode prov = s.provenance().deepCopy();
            prov.putObject("final_model").put("epoch", state.epoch);
            ModelZip.write(run.resolve(RunDirectory.MODEL), s.net(), prov);
        }
        if (state.interrupted) state.stopReason = "interrupted by a signal after epoch " + state.epoch;
        writeSummary(state);
        if (state.interrupted)
            LOG.warn("stopped after epoch {} with a checkpoint; continue with: margin-max resume {}", state.epoch, run.path());
        else if (state.stopReason != null) LOG.warn("run stopped: {}", state.stopReason);
        return new Result(run, state.epoch, state.stopReason == null, state.interrupted, state.stopReason, state.lastRow);
    }

    /** What made this run's artifacts: written to provenance.json (fresh runs) and inside every model zip. */
    private ObjectNode provenance(NetworkStructure structure) {
        ObjectNode prov = Provenance.of(cfg, data.name(), data.sha256(), data.train().size(), data.test().size());
        prov.put("homogeneity_order", structure.order());
        prov.put("homogeneous", structure.homogeneous());
        prov.put("parameters", structure.totalParams());
        if (runtimeNote != null) prov.put("runtime", runtimeNote);
        return prov;
    }

    private void writeRunHeader(NetworkStructure structure, ObjectNode provenance) {
        AtomicFiles.writeString(run.resolve(RunDirectory.CONFIG), ConfigLoader.toYaml(cfg));
        AtomicFiles.writeString(run.resolve(RunDirectory.PROVENANCE), provenance.toPrettyString());
        AtomicFiles.writeString(run.resolve(RunDirectory.STRUCTURE), structure.describe());
    }

    private void writeSummary(TrainingState state) {
        ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("epochs", state.epoch);
        s.put("completed", state.stopReason == null);
        s.put("interrupted", state.interrupted);
        if (state.stopReason != null) s.put("stop_reason", state.stopReason);
        s.put("config_sha256", configSha);
        s.put("git_commit", Provenance.gitCommit());
        s.set("last_row", Json.MAPPER.valueToTree(state.lastRow));
        AtomicFiles.writeString(run.resolve(RunDirectory.SUMMARY), s.toPrettyString());
    }
}
