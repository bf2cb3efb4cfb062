package org.marginmax.run;

import java.util.List;
import java.util.Map;

/**
 * The JSON sidecar of a checkpoint: everything a resumed run needs besides the parameters in the model zip, and
 * the provenance of the zip. Written after the zip and renamed into place, so its presence marks a complete
 * checkpoint.
 *
 * <p>{@code attempts} (epoch attempts so far, accepted and rejected) and {@code sgdSteps} (minibatch SGD steps of all
 * of them) came later: a sidecar written before reads them as null. So did {@code batchLogLoss}, the log of the last
 * kept epoch's mean minibatch loss (what a schedule that judges epochs by their minibatches compares the next one
 * with); null when unknown, and then the next epoch is judged by the full training set. And {@code activeExamples},
 * the examples the SGD steps train on ({@code train.skip_settled}, as {@code SettledExamples.encode} writes them);
 * null when all are, or when written before: a resumed run then trains on all until its next statistics pass.
 */
public record CheckpointState(
        int epoch,
        double scheduleLr,
        double logFrame,
        int rollbacks,
        int separatedSince,
        double lastSmoothed,
        int smoothedDecreases,
        int lossMilestone,
        List<String> reasons,
        String model,
        String modelSha256,
        String configSha256,
        String dataSha256,
        long seed,
        String gitCommit,
        String backend,
        long parameters,
        Map<String, Object> metrics,
        String created,
        Integer attempts,
        Long sgdSteps,
        Double batchLogLoss,
        String activeExamples) {

    /** The same state naming its model zip and that zip's SHA-256 (set once the zip is written). */
    public CheckpointState withModel(String modelFile, String sha256) {
        return new CheckpointState(epoch, scheduleLr, logFrame, rollbacks, separatedSince, lastSmoothed,
                smoothedDecreases, lossMilestone, reasons, modelFile, sha256, configSha256, dataSha256, seed, gitCommit,
                backend, parameters, metrics, created, attempts, sgdSteps, batchLogLoss, activeExamples);
    }

    /** Whether only the rolling rule asked for this checkpoint (it may be pruned). */
    public boolean rollingOnly() { return reasons.size() == 1 && reasons.get(0).equals("rolling"); }
}
