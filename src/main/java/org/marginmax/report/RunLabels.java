package org.marginmax.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Legend labels for runs shown together: the experiment name plus the config fields whose values differ between
 * the runs, e.g. "mnist-cnn (model.bias=all, train.lr.schedule=constant)". A single run is labelled by its name.
 * Runs that still share a label get their directory name added.
 */
public final class RunLabels {
    /** Fields that describe rather than configure, never used to tell runs apart. */
    private static final Set<String> IGNORED = Set.of("name", "description");
    private static final int MAX_FIELDS = 3;

    private RunLabels() {}

    /**
     * The dotted config keys whose values are not the same in every run, in order; a key a run's file leaves out
     * counts as its default ({@link RunMetrics#configValue}).
     */
    public static List<String> differingFields(List<RunMetrics> runs) {
        Set<String> keys = new LinkedHashSet<>();
        for (RunMetrics r : runs) keys.addAll(r.config().keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (IGNORED.contains(k)) continue;
            Set<String> values = new HashSet<>();
            for (RunMetrics r : runs) values.add(r.configValue(k));
            if (values.size() > 1) out.add(k);
        }
        return out;
    }

    /**
     * Each run's name and, in parentheses, the first few differing fields. When some differing fields are set in
     * every run, only those are named: the keys only one schedule or task has (absent from the others) are counted in
     * "+N more" rather than crowding out the ones that say how the runs differ.
     */
    public static List<String> of(List<RunMetrics> runs) {
        List<String> fields = differingFields(runs);
        List<String> everywhere = fields.stream()
                .filter(f -> runs.stream().noneMatch(r -> RunMetrics.ABSENT.equals(r.configValue(f)))).toList();
        List<String> named = everywhere.isEmpty() ? fields : everywhere;
        named = named.subList(0, Math.min(MAX_FIELDS, named.size()));
        List<String> labels = new ArrayList<>();
        for (RunMetrics r : runs) {
            List<String> parts = new ArrayList<>();
            for (String f : named) parts.add(f + "=" + r.configValue(f));
            if (fields.size() > named.size()) parts.add("+" + (fields.size() - named.size()) + " more");
            labels.add(parts.isEmpty() ? r.name() : r.name() + " (" + String.join(", ", parts) + ")");
        }
        Set<String> shared = duplicates(labels);
        for (int j = 0; j < labels.size(); j++)
            if (shared.contains(labels.get(j))) labels.set(j, labels.get(j) + " [" + runs.get(j).dir().getFileName() + "]");
        shared = duplicates(labels);
        for (int j = 0; j < labels.size(); j++)
            if (shared.contains(labels.get(j))) labels.set(j, labels.get(j) + " #" + (j + 1));
        return labels;
    }

    private static Set<String> duplicates(List<String> labels) {
        Set<String> seen = new HashSet<>(), dup = new HashSet<>();
        for (String l : labels) if (!seen.add(l)) dup.add(l);
        return dup;
    }
}
