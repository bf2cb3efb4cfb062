package org.marginmax;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find {@code ../shared} (the data at hand), as CI lays it beside the clone. */
public final class TestPaths {
    private TestPaths() {}

    public static Path shared() {
        String p = System.getProperty("marginmax.shared", "../shared");
        return Path.of(p).toAbsolutePath().normalize();
    }

    /** 10,000 real MNIST digits in MNIST layout: 8,000 train / 2,000 test. */
    public static Path mnist10k() {
        Path p = shared().resolve("data/mnist-10k");
        if (!Files.isDirectory(p)) throw new IllegalStateException("test data missing: " + p + " (../shared must sit beside the clone)");
        return p;
    }
}
