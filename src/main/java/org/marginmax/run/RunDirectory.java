package org.marginmax.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A run's directory: {@code config.yaml} (the resolved config), {@code provenance.json}, {@code structure.txt},
 * {@code metrics.csv}, {@code metrics.jsonl}, {@code model.zip} (the final model), {@code summary.json}.
 */
public record RunDirectory(Path path) {
    public static final String CONFIG = "config.yaml";
    public static final String PROVENANCE = "provenance.json";
    public static final String STRUCTURE = "structure.txt";
    public static final String MODEL = "model.zip";
    public static final String SUMMARY = "summary.json";

    /** {@code outputs/<experiment>/<yyyyMMdd-HHmmss>} (with a suffix if that exists already). */
    public static RunDirectory fresh(Path outputs, String experiment) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path base = outputs.resolve(experiment).resolve(stamp);
        Path p = base;
        for (int i = 2; Files.exists(p); i++) p = base.resolveSibling(stamp + "-" + i);
        return create(p);
    }

    /** A directory the user named: it must not already hold a run. */
    public static RunDirectory create(Path p) {
        if (Files.exists(p.resolve(MetricsLog.CSV)))
            throw new RunDirectoryException(p + " already holds a run (metrics.csv): choose another --run-dir, "
                    + "or continue it with `margin-max resume " + p + "`");
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + p + ": " + e.getMessage(), e);
        }
        return new RunDirectory(p);
    }

    public Path resolve(String name) { return path.resolve(name); }
}
