package org.marginmax.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI end to end, in this JVM: help everywhere, describe, a short train run and what it writes. */
class CliTest {
    @TempDir Path dir;

    private static String captureOut(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test void everyCommandHasHelp() {
        CommandLine cl = new CommandLine(new Main());
        assertThat(cl.getSubcommands().keySet()).contains("train", "resume", "checkpoints", "describe", "data", "info");
        for (String name : cl.getSubcommands().keySet()) {
            if (name.equals("help")) continue;
            String out = captureOut(() -> assertThat(Main.run(name, "--help")).as(name).isEqualTo(0));
            assertThat(out).as(name).contains("Usage: margin-max " + name);
        }
    }

    /** picocli lists a command by the first line of its description: that line must be a whole sentence. */
    @Test void everyCommandSummaryInHelpIsOneWholeSentence() {
        String help = captureOut(() -> assertThat(Main.run("--help")).isEqualTo(0)).replaceAll("\\s+", " ");
        CommandLine cl = new CommandLine(new Main());
        java.util.Deque<CommandLine> todo = new java.util.ArrayDeque<>(cl.getSubcommands().values());
        int checked = 0;
        while (!todo.isEmpty()) {
            CommandLine c = todo.pop();
            todo.addAll(c.getSubcommands().values());
            if (c.getCommandName().equals("help")) continue;
            String first = c.getCommandSpec().usageMessage().description()[0];
            assertThat(first).as(c.getCommandName()).matches("[A-Z].*[^.]\\.").doesNotContain(". ");
            if (c.getParent() == cl) assertThat(help).as(c.getCommandName()).contains(c.getCommandName() + " " + first);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(13);
    }

    @Test void describePrintsTheOrderAndTheParameterTable() {
        String out = captureOut(() -> assertThat(Main.run("describe", "experiments/paper-mnist-cnn-nobias-lossbased.yaml")).isEqualTo(0));
        assertThat(out).contains("conv1").contains("output").containsPattern("L\\s*[=:]\\s*4").containsIgnoringCase("homogeneous");
        String mlp = captureOut(() -> assertThat(Main.run("describe", "experiments/quickstart.yaml")).isEqualTo(0));
        assertThat(mlp).containsPattern("L\\s*[=:]\\s*3");
    }

    @Test void badConfigIsOneLineAndExitTwo() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "name: bad\nmodle: {}\n");
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("train", bad.toString())).isEqualTo(2);
        } finally {
            System.setErr(oldErr);
        }
        String msg = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(msg.lines()).hasSize(1);
        assertThat(msg).startsWith("error: " + bad + ":2:").contains("modle");
    }

    @Test void benchPrintsItsFiguresAsJson() throws Exception {
        String out = captureOut(() -> assertThat(Main.run("bench", "--json", "--skip-cnn", "--epochs", "2", "--warmup", "1", "--pgd-mlp", "20",
                "--dataset", "idx:" + TestPaths.mnist10k())).isEqualTo(0));
        JsonNode j = JsonMapper.builder().build().readTree(out);
        for (String key : List.of("mlp_epoch_s", "stats_over_epoch", "pgd_linf_examples_per_s", "gemm_gflops", "onednn", "classifier"))
            assertThat(j.has(key)).as(key).isTrue();
        assertThat(j.path("mlp_epoch_s").asDouble()).isPositive();
        assertThat(j.path("pgd_linf_examples_per_s").path("mlp").asDouble()).isPositive();
        assertThat(j.path("train_examples").asInt()).isEqualTo(8000);
        assertThat(j.path("mlp_epochs_s")).hasSize(2);
        assertThat(j.path("mlp_warmup_epochs_s")).hasSize(1);
        // what made it (results-tables.py captions the bench with these, not with the reproduction's commit)
        assertThat(j.path("git_commit").asText()).isEqualTo(org.marginmax.run.Provenance.gitCommit());
        assertThat(j.path("backend").asText()).isNotBlank();
        assertThat(java.time.Instant.parse(j.path("created").asText())).isBefore(java.time.Instant.now().plusSeconds(1));
    }

    @Test void cudaProfileOnTheCpuBackendIsAClearError() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("train", "experiments/quickstart.yaml", "--cuda-profile", "a100-80gb",
                    "--run-dir", dir.resolve("gpu").toString())).isEqualTo(2);
            assertThat(Main.run("train", "experiments/quickstart.yaml", "--cuda-profile", "no-such-card")).isEqualTo(2);
        } finally {
            System.setErr(oldErr);
        }
        String[] lines = err.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines[lines.length - 2]).startsWith("error: ").contains("a100-80gb.yaml").contains("CPU backend").contains("-Pcuda");
        assertThat(lines[lines.length - 1]).startsWith("error: ").contains("no-such-card").contains("a100-80gb");
        assertThat(dir.resolve("gpu")).doesNotExist();
    }

    @Test void trainWritesACompleteRunDirectory() throws Exception {
        Path cfg = Files.writeString(dir.resolve("cli-run.yaml"), """
                name: cli-run
                seed: 3
                data:
                  dataset: idx:%s
                  train: {stratified: 20}
                  test: {first: 200}
                model: {arch: mlp, hidden: [64], bias: none}
                loss: cross-entropy
                train:
                  epochs: 12
                  batch_size: 10
                  lr: {schedule: loss-based, lr: 0.1}
                """.formatted(TestPaths.mnist10k()));
        Path run = dir.resolve("run");
        assertThat(Main.run("train", cfg.toString(), "--run-dir", run.toString(), "--set", "train.epochs=10")).isEqualTo(0);
        for (String f : List.of("config.yaml", "provenance.json", "structure.txt", "metrics.csv", "metrics.jsonl",
                "model.zip", "summary.json", "heartbeat.json", "checkpoints/epoch-000000.zip", "checkpoints/epoch-000010.json"))
            assertThat(run.resolve(f)).as(f).isRegularFile();
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("epochs: 10");

        JsonNode prov = JsonMapper.builder().build().readTree(run.resolve("provenance.json").toFile());
        assertThat(prov.path("config_sha256").asText()).hasSize(64);
        assertThat(prov.path("data").path("sha256").asText()).hasSize(64);
        assertThat(prov.path("data").path("train_size").asInt()).isEqualTo(20);
        assertThat(prov.path("seed").asLong()).isEqualTo(3);
        assertThat(prov.path("environment").path("backend").asText()).startsWith("CPU");
        assertThat(prov.path("environment").path("dl4j_version").asText()).isEqualTo("1.0.0-M2.1");
        assertThat(prov.path("code").path("git_commit").asText()).matches("[0-9a-f]{40}(\\+dirty)?");
        assertThat(prov.path("homogeneity_order").asInt()).isEqualTo(2);

        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(lines).hasSize(1 + 11);
        List<String> header = List.of(lines.get(0).split(","));
        assertThat(header).contains("epoch", "lr", "log10_loss", "train_acc", "test_acc", "train_seconds", "q_min",
                "normalized_margin", "smoothed_margin", "support_7", "rho_1", "rho_2", "log_frame");
        // 20 examples: the run separates them and takes the summed loss below ln 2, where the smoothed margin
        // ln(1/(e^L - 1))/rho^L turns positive (protocol A); from then on every column of a row is filled
        int separatedRows = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (!cells[header.indexOf("separated")].equals("true")
                    || !(Double.parseDouble(cells[header.indexOf("log10_loss_sum")]) < Math.log10(Math.log(2)) - 0.01)) continue;
            separatedRows++;
            for (int c = 0; c < cells.length; c++)
                if (!List.of("active_examples", "log10_skipped_share").contains(header.get(c))) // train.skip_settled's
                    assertThat(cells[c]).as("epoch " + cells[0] + ": " + header.get(c)).isNotEmpty();
                else assertThat(cells[c]).as("without train.skip_settled").isEmpty();
        }
        assertThat(separatedRows).as("separated rows with a summed loss below ln 2").isPositive();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(11);

        String listing = captureOut(() -> assertThat(Main.run("checkpoints", run.toString())).isEqualTo(0));
        assertThat(listing).contains("initial").contains("final");
    }
}
