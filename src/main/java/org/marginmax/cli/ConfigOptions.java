package org.marginmax.cli;

import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The experiment file and its command-line overrides, shared by the commands that take a config. */
final class ConfigOptions {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "experiment file, e.g. experiments/quickstart.yaml")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a config field, e.g. --set train.epochs=50 (repeatable; VALUE is YAML)")
    List<String> overrides = new ArrayList<>();

    ExperimentConfig load() { return ConfigLoader.load(config, overrides); }
}
