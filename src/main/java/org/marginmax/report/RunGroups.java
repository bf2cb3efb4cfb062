package org.marginmax.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs that differ only in {@code seed} form a group (e.g. the seeds of one grid point of a sweep). A group's label
 * names the config fields that differ between groups ({@code model.bias=all}); with one group, the experiment name.
 */
public final class RunGroups {
    private static final Set<String> NOT_CONFIG = Set.of("seed", "name", "description");

    private RunGroups() {}

    public record Group(String label, List<RunMetrics> runs) {}

    public static List<Group> bySeed(List<RunMetrics> runs) {
        Map<Map<String, String>, List<RunMetrics>> byKey = new LinkedHashMap<>();
        for (RunMetrics r : runs) byKey.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
        List<List<RunMetrics>> groups = new ArrayList<>(byKey.values());
        List<RunMetrics> firsts = groups.stream().map(g -> g.get(0)).toList();
        List<String> fields = RunLabels.differingFields(firsts).stream().filter(f -> !NOT_CONFIG.contains(f)).toList();
        List<Group> out = new ArrayList<>();
        for (List<RunMetrics> g : groups) {
            RunMetrics r = g.get(0);
            List<String> parts = new ArrayList<>();
            for (String f : fields) parts.add(f + "=" + r.configValue(f));
            out.add(new Group(parts.isEmpty() ? r.name() : String.join(", ", parts), List.copyOf(g)));
        }
        return out;
    }

    private static Map<String, String> key(RunMetrics r) {
        Map<String, String> k = new LinkedHashMap<>(r.config());
        NOT_CONFIG.forEach(k::remove);
        return k;
    }
}
