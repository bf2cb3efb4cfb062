package org.marginmax;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Real JVMs started the way a user starts the CLI, with their output in a log file; and run-directory snapshots. */
public final class ChildJvms {
    private ChildJvms() {}

    public static String java() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    /** {@code java -cp <test classpath> org.marginmax.cli.Main ARGS}, as documented for a development checkout. */
    public static List<String> mainCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "org.marginmax.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Starts {@code cmd}; {@code relaunch} false sets OMP_WAIT_POLICY so that the CLI stays in one JVM, true removes it
     * (and the no-relaunch flag) so that the launcher re-runs itself in a child JVM, as for a user.
     */
    public static Process start(List<String> cmd, boolean relaunch, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.remove("MARGIN_MAX_PARENT");
        if (relaunch) {
            env.remove("OMP_WAIT_POLICY");
            env.remove("MARGIN_MAX_NO_RELAUNCH");
        } else {
            env.put("OMP_WAIT_POLICY", "PASSIVE");
        }
        env.put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    public static String log(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable log " + log + ")";
        }
    }

    /** Every file under {@code dir} with its size and modification time: equal snapshots, nothing written between. */
    public static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                File f = p.toFile();
                m.put(dir.relativize(p).toString(), f.length() + "@" + f.lastModified());
            }
        }
        return m;
    }

    /** A tiny real experiment (an MLP on a few hundred mnist-10k digits) that trains for {@code epochs} epochs. */
    public static Path tinyConfig(Path dir, String name, int epochs, int trainN) throws IOException {
        String yaml = """
                name: %s
                seed: 1
                data:
                  dataset: idx:%s
                  train: {first: %d}
                  test: {first: 200}
                model:
                  arch: mlp
                  hidden: [32]
                  bias: none
                loss: cross-entropy
                train:
                  epochs: %d
                  batch_size: 50
                  lr:
                    schedule: loss-based
                    lr: 0.1
                checkpoints:
                  epochs: [2]
                  keep_last: 2
                  rolling_epochs: 2
                """.formatted(name, TestPaths.mnist10k(), trainN, epochs);
        Files.createDirectories(dir);
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
