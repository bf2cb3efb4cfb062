package org.marginmax.robust;

import org.marginmax.io.UserInputException;
import org.marginmax.run.Checkpoints;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code --checkpoints}: {@code all}, or a comma list of epochs and {@code last} (the newest checkpoint). */
public final class CheckpointSelection {
    private CheckpointSelection() {}

    /** The chosen checkpoints, oldest first, each once; an epoch without a checkpoint is an error listing those there are. */
    public static List<Checkpoints.Entry> select(String spec, List<Checkpoints.Entry> available, Path runDir) {
        if (available.isEmpty())
            throw new UserInputException(runDir + " has no complete checkpoint in " + Checkpoints.dir(runDir)
                    + ": train with a checkpoints: section (e.g. epochs: [1, 10, 100])");
        String s = spec == null ? "last" : spec.trim();
        if (s.equalsIgnoreCase("all")) return List.copyOf(available);
        Set<Integer> epochs = new LinkedHashSet<>();
        for (String token : s.split(",")) {
            String t = token.trim();
            if (t.isEmpty()) continue;
            if (t.equalsIgnoreCase("last")) {
                epochs.add(available.get(available.size() - 1).info().epoch());
                continue;
            }
            int epoch;
            try {
                epoch = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new UserInputException("--checkpoints: '" + t + "' is not an epoch: give epochs and 'last'"
                        + " separated by commas (e.g. 100,1000,last), or 'all'");
            }
            if (available.stream().noneMatch(c -> c.info().epoch() == epoch))
                throw new UserInputException("--checkpoints: " + runDir + " has no checkpoint at epoch " + epoch
                        + "; available: " + available.stream().map(c -> String.valueOf(c.info().epoch()))
                        .collect(Collectors.joining(", ")));
            epochs.add(epoch);
        }
        if (epochs.isEmpty()) throw new UserInputException("--checkpoints is empty: give epochs, 'last' or 'all'");
        List<Checkpoints.Entry> out = new ArrayList<>();
        for (Checkpoints.Entry c : available) if (epochs.contains(c.info().epoch())) out.add(c);
        return out;
    }
}
