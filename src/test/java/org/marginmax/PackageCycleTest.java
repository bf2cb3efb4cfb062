package org.marginmax;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of org.marginmax.* has no cycle, as the JDK's own jdeps reads it from the compiled classes
 * (target/classes). A new cycle fails CI with the packages on it.
 */
class PackageCycleTest {
    private static final Pattern EDGE = Pattern.compile("^\\s*(org\\.marginmax\\.[\\w.]+)\\s+->\\s+(org\\.marginmax\\.[\\w.]+)");

    @Test void noCycleAmongProjectPackages() {
        Map<String, Set<String>> graph = jdepsGraph(Path.of("target/classes"));
        assertThat(graph).as("jdeps found the project's packages").containsKeys("org.marginmax.train", "org.marginmax.run");
        assertThat(graph.get("org.marginmax.robust")).as("robust reads runs only through run").doesNotContain("org.marginmax.train");
        assertThat(findCycle(graph)).as("a package cycle").isEmpty();
    }

    @Test void theCycleFinderFindsACycle() {
        Map<String, Set<String>> g = new TreeMap<>();
        g.put("a", Set.of("b"));
        g.put("b", Set.of("c"));
        g.put("c", Set.of("a"));
        assertThat(findCycle(g)).containsExactly("a", "b", "c", "a");
    }

    static Map<String, Set<String>> jdepsGraph(Path classes) {
        assertThat(Files.isDirectory(classes)).as(classes + " (compiled classes)").isTrue();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps is not in this JDK"));
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                "-e", "org\\.marginmax\\..*", classes.toString());
        assertThat(rc).as("jdeps exit code; output:\n" + out).isZero();
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && !m.group(1).equals(m.group(2)))
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
        }
        return graph;
    }

    /** One cycle as a path that starts and ends at the same package, or an empty list. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new HashMap<>();
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> c = visit(start, graph, state, path, new HashSet<>());
            if (!c.isEmpty()) return c;
        }
        return List.of();
    }

    private static List<String> visit(String n, Map<String, Set<String>> g, Map<String, Integer> state, List<String> path,
                                      Set<String> onPath) {
        if (onPath.contains(n)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(n), path.size()));
            cycle.add(n);
            return cycle;
        }
        if (state.getOrDefault(n, 0) == 2) return List.of();
        onPath.add(n);
        path.add(n);
        for (String m : g.getOrDefault(n, Set.of())) {
            List<String> c = visit(m, g, state, path, onPath);
            if (!c.isEmpty()) return c;
        }
        path.remove(path.size() - 1);
        onPath.remove(n);
        state.put(n, 2);
        return List.of();
    }
}
