package org.marginmax.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.marginmax.backend.BackendInfo;
import org.marginmax.backend.OneDnn;
import org.marginmax.bench.Benchmark;
import org.marginmax.io.Json;
import org.marginmax.run.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time a training epoch, the statistics pass and attacks for the quickstart MLP and the MNIST CNN.",
                "float32, batch 100, plus a large matrix product as the machine's ceiling. Run it alone on the machine."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--dataset", defaultValue = "idx:../shared/data/mnist-10k",
            description = "MNIST-format data to time on (default: ${DEFAULT-VALUE})")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR") Path dataDir;

    @Option(names = "--epochs", defaultValue = "3", description = "timed epochs per model (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed epochs first, while the JIT compiles DL4J's "
            + "Java code (default ${DEFAULT-VALUE}; their times are in the JSON)")
    int warmup;

    @Option(names = "--skip-cnn", description = "time the MLP only") boolean skipCnn;

    @Option(names = "--pgd-mlp", defaultValue = "500", description = "test examples for the MLP's PGD throughput (default ${DEFAULT-VALUE}; 0 skips)")
    int pgdMlp;

    @Option(names = "--pgd-cnn", defaultValue = "100", description = "test examples for the CNN's PGD throughput (default ${DEFAULT-VALUE}; 0 skips)")
    int pgdCnn;

    @Option(names = "--json", description = "print one JSON object instead of the table") boolean json;

    @Override public Integer call() {
        Backend.init();
        Benchmark.ModelTimes mlp = new Benchmark(dataset, dataDir, epochs, warmup, pgdMlp).time(Benchmark.quickstartMlp(), "MLP 784-512-512-10");
        Benchmark bench = new Benchmark(dataset, dataDir, epochs, warmup, pgdCnn);
        Benchmark.ModelTimes cnn = skipCnn ? null : bench.time(Benchmark.paperCnn(), "paper MNIST CNN");
        double gemm = Benchmark.gemmGflops(2048, 5);
        BackendInfo info = BackendInfo.gather();
        boolean oneDnn = OneDnn.enabled();
        if (json) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("train_examples", bench.data().train().size());
            o.put("mlp_epoch_s", mlp.epochSeconds());
            o.put("mlp_stats_s", mlp.statsSeconds());
            o.put("mlp_gflops", mlp.gflops());
            o.put("mlp_pgd_linf_examples_per_s", mlp.pgdExamplesPerSecond());
            putSeconds(o, "mlp_epochs_s", mlp.epochs());
            putSeconds(o, "mlp_warmup_epochs_s", mlp.warmupEpochs());
            if (cnn != null) {
                o.put("cnn_epoch_s", cnn.epochSeconds());
                o.put("cnn_stats_s", cnn.statsSeconds());
                o.put("cnn_gflops", cnn.gflops());
                o.put("cnn_pgd_linf_examples_per_s", cnn.pgdExamplesPerSecond());
                putSeconds(o, "cnn_epochs_s", cnn.epochs());
                putSeconds(o, "cnn_warmup_epochs_s", cnn.warmupEpochs());
            }
            ObjectNode pgd = o.putObject("pgd_linf_examples_per_s");
            pgd.put("mlp", mlp.pgdExamplesPerSecond());
            if (cnn != null) pgd.put("cnn", cnn.pgdExamplesPerSecond());
            ObjectNode ratio = o.putObject("stats_over_epoch");
            ratio.put("mlp", mlp.statsOverEpoch());
            if (cnn != null) ratio.put("cnn", cnn.statsOverEpoch());
            o.put("gemm_gflops", gemm);
            o.put("onednn", oneDnn);
            o.put("classifier", info.nativeClassifier());
            o.put("omp_num_threads", String.valueOf(System.getenv("OMP_NUM_THREADS")));
            peakResidentMb().ifPresent(mb -> o.put("peak_rss_mb", mb));
            o.put("git_commit", Provenance.gitCommit());
            o.put("backend", Provenance.backendName());
            o.put("created", Instant.now().toString());
            System.out.println(o.toPrettyString());
        } else {
            System.out.printf(Locale.ROOT, "%-22s %10s %10s %12s %9s %14s%n", "model", "epoch_s", "stats_s", "stats/epoch",
                    "GFLOP/s", "PGD-Linf ex/s");
            for (Benchmark.ModelTimes t : cnn == null ? new Benchmark.ModelTimes[]{mlp} : new Benchmark.ModelTimes[]{mlp, cnn})
                System.out.printf(Locale.ROOT, "%-22s %10.3f %10.3f %12.3f %9.1f %14.1f%n", t.model(), t.epochSeconds(),
                        t.statsSeconds(), t.statsOverEpoch(), t.gflops(), t.pgdExamplesPerSecond());
            System.out.printf(Locale.ROOT, "%-22s %45.1f%n", "GEMM 2048^3 float32", gemm);
            System.out.println("oneDNN conv/pooling helpers: " + (oneDnn ? "on" : "off") + "; native build: "
                    + info.nativeClassifier() + "; " + bench.data().train().size() + " training examples, batch 100; "
                    + "medians of " + epochs + " epochs after " + warmup + " warm-up epochs"
                    + peakResidentMb().stream().mapToObj(mb -> String.format(Locale.ROOT, "; peak resident %.0f MB", mb))
                    .findFirst().orElse(""));
        }
        return 0;
    }

    /** This process's peak resident set (VmHWM of /proc/self/status, Linux), in MB; the launcher's child runs bench. */
    static java.util.OptionalDouble peakResidentMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:"))
                    return java.util.OptionalDouble.of(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return java.util.OptionalDouble.empty();
    }

    private static void putSeconds(ObjectNode o, String key, java.util.List<Double> seconds) {
        var a = o.putArray(key);
        seconds.forEach(a::add);
    }
}
