package org.marginmax.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The rejected attempts of one epoch, counted by cause, for the epoch's console line. */
final class Rejections {
    /** Why an attempt was rejected: its rollbacks.csv token and its words on the console. */
    enum Cause {
        BATCH_LOSS_NAN("batch-loss-nan", "batch loss NaN"),
        BATCH_LOSS_HIGH("batch-loss-high", "batch loss > max_loss"),
        LOSS_NAN("loss-nan", "loss NaN"),
        LOSS_ROSE("loss-rose", "loss rose"),
        BATCH_MEAN_ROSE("batch-mean-rose", "mean batch loss rose"),
        /** Not an attempt: the run went back to the last verified epoch, whose number is the detail. */
        BACK_TO_VERIFIED("back-to-verified", "back to the last verified epoch");

        final String token;
        final String words;

        Cause(String token, String words) {
            this.token = token;
            this.words = words;
        }
    }

    private final Map<Cause, Integer> counts = new LinkedHashMap<>();

    void add(Cause c) { counts.merge(c, 1, Integer::sum); }

    int total() { return counts.values().stream().mapToInt(Integer::intValue).sum(); }

    /** e.g. {@code 3 rejected: 2 batch loss > max_loss, 1 loss rose}; empty when none was. */
    String summary() {
        if (counts.isEmpty()) return "";
        return total() + " rejected: " + counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().words).collect(Collectors.joining(", "));
    }
}
