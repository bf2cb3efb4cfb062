package org.marginmax.config;

import org.marginmax.data.DataSpec;
import org.marginmax.loss.LossKind;
import org.marginmax.model.ModelSpec;
import org.marginmax.config.CheckpointSpec;
import org.marginmax.config.TrainSpec;

/** One experiment, read top to bottom from one YAML file in {@code experiments/}. */
public record ExperimentConfig(String name, String description, Long seed, DataSpec data, ModelSpec model,
                               LossKind loss, TrainSpec train, CheckpointSpec checkpoints) {
    public ExperimentConfig {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
        if (!name.matches("[A-Za-z0-9._-]+"))
            throw new IllegalArgumentException("name may hold letters, digits, '.', '_' and '-' only, got '" + name + "'");
        if (seed == null) seed = 0L;
        if (data == null) throw new IllegalArgumentException("the data: section is required");
        if (model == null) throw new IllegalArgumentException("the model: section is required");
        if (loss == null) throw new IllegalArgumentException("loss is required (cross-entropy, logistic or exponential)");
        if (train == null) throw new IllegalArgumentException("the train: section is required");
        if (checkpoints == null) checkpoints = CheckpointSpec.defaults();
        boolean binaryData = data.binary() != null;
        if (loss.binary() != binaryData)
            throw new IllegalArgumentException(loss.binary()
                    ? "loss " + loss.key() + " needs a binary task: set data.binary (e.g. \"0,1\" or even-vs-odd)"
                    : "data.binary is set: use loss logistic or exponential, not " + loss.key());
    }
}
