package org.marginmax.robust;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import org.marginmax.backend.OneDnn;
import org.marginmax.cli.Main;
import org.marginmax.cli.ProbeCommand;
import org.marginmax.data.Sha256;
import org.marginmax.run.Checkpoints;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The probe end to end on a small real run trained in this JVM: checkpoints at epochs 0 (initial), 1, 2 and 3. */
class ProbeTest {
    private static final int N = 40;

    @TempDir static Path dir;
    private static Path run;

    @BeforeAll
    static void trainTinyRun() throws IOException {
        OneDnn.enable();
        String yaml = """
                name: tiny-probe
                seed: 3
                data:
                  dataset: idx:%s
                  train: {first: 400}
                  test: {first: 100}
                model:
                  arch: mlp
                  hidden: [32]
                  bias: none
                loss: cross-entropy
                train:
                  epochs: 3
                  batch_size: 50
                  lr:
                    schedule: loss-based
                    lr: 0.1
                checkpoints:
                  epochs: [1, 2, 3]
                """.formatted(TestPaths.mnist10k());
        Path cfg = dir.resolve("tiny-probe.yaml");
        Files.writeString(cfg, yaml);
        run = dir.resolve("run");
        assertThat(Main.run("train", cfg.toString(), "--run-dir", run.toString())).isEqualTo(0);
        assertThat(Checkpoints.list(run, new java.util.ArrayList<>())).extracting(e -> e.info().epoch())
                .containsExactly(0, 1, 2, 3);
    }

    private static Path copyOfRun(String name) throws IOException {
        Path to = dir.resolve(name);
        try (Stream<Path> s = Files.walk(run)) {
            for (Path p : s.toList()) {
                if (p.startsWith(run.resolve(RobustnessProbe.DIR))) continue;
                Path q = to.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return to;
    }

    private static RobustnessProbe.Report probe(Path runDir, String checkpoints, Attack attack, double... eps) {
        return new RobustnessProbe(ProbeProgress.quiet())
                .run(new RobustnessProbe.Request(runDir, null, checkpoints, "train", N, attack, eps, 16));
    }

    private static PgdLinf pgd() { return new PgdLinf(new ProjectedGradientAttack.Settings(5, 0.25, 1, 0)); }

    /** Clean accuracy of a checkpoint on the first N training digits, straight from DL4J's output. */
    private static double cleanAccuracy(Path runDir, int epoch) throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(Checkpoints.modelFile(runDir, epoch).toFile(), false);
        var data = org.marginmax.data.Datasets.load(
                org.marginmax.config.ConfigLoader.bind("run", Files.readString(runDir.resolve("config.yaml"))).data(),
                null, 3);
        INDArray x = data.train().features().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, N),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray pred = Nd4j.argMax(net.output(x), 1);
        int ok = 0;
        for (int i = 0; i < N; i++) if (pred.getInt(i) == data.train().label(i)) ok++;
        return (double) ok / N;
    }

    @Test
    void theCommandWritesOneRowPerCheckpointAndEpsilonAndPrintsTheTable() throws IOException {
        Path r = copyOfRun("command");
        var out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true));
            code = new CommandLine(new ProbeCommand()).execute(r.toString(), "--checkpoints", "1,2,last", "--n",
                    String.valueOf(N), "--steps", "5", "--eps", "0.1,0.05", "--batch", "16");
        } finally {
            System.setOut(old);
        }
        assertThat(code).isEqualTo(0);
        String table = out.toString();
        assertThat(table).contains("pgd-linf", "epoch 1", "epoch 2", "epoch 3", "0 (clean)", "0.05", "0.1");
        List<String> csv = Files.readAllLines(r.resolve("robustness/pgd-linf-train.csv"));
        assertThat(csv.get(0)).isEqualTo("epoch,attack,split,n,eps,robust_acc,clean_acc,seconds");
        assertThat(csv).hasSize(1 + 3 * 3);
        for (int epoch = 1; epoch <= 3; epoch++) {
            double clean = cleanAccuracy(r, epoch);
            double previous = 2;
            for (String line : csv.subList(1 + 3 * (epoch - 1), 1 + 3 * epoch)) {
                String[] c = line.split(",");
                assertThat(Integer.parseInt(c[0])).isEqualTo(epoch);
                assertThat(Double.parseDouble(c[6])).isEqualTo(clean);
                double acc = Double.parseDouble(c[5]);
                if (Double.parseDouble(c[4]) == 0) assertThat(acc).isEqualTo(clean);
                assertThat(acc).isLessThanOrEqualTo(previous);
                previous = acc;
            }
        }
        var json = org.marginmax.io.Json.MAPPER.readTree(r.resolve("robustness/pgd-linf-train.json").toFile());
        assertThat(json.path("checkpoints")).hasSize(3);
        assertThat(json.path("settings").path("steps").asInt()).isEqualTo(5);
    }

    @Test
    void addingACheckpointDoesNotRedoTheOthers() throws IOException {
        Path r = copyOfRun("cache");
        RobustnessProbe.Report first = probe(r, "1,3", pgd(), 0.05, 0.1);
        assertThat(first.results()).extracting(ProbeResult::epoch).containsExactly(1, 3);
        assertThat(first.results()).noneMatch(ProbeResult::cached);
        List<Path> cacheFiles = list(r.resolve("robustness/cache"));
        assertThat(cacheFiles).hasSize(2);
        long modified = Files.getLastModifiedTime(cacheFiles.get(0)).toMillis();

        RobustnessProbe.Report second = probe(r, "all", pgd(), 0.05, 0.1);
        assertThat(second.results()).extracting(ProbeResult::epoch).containsExactly(0, 1, 2, 3);
        assertThat(second.results()).extracting(ProbeResult::cached).containsExactly(false, true, false, true);
        assertThat(Files.getLastModifiedTime(cacheFiles.get(0)).toMillis()).isEqualTo(modified);
        for (int k : new int[]{0, 1})
            assertThat(second.results().get(2 * k + 1).brokenAt()).isEqualTo(first.results().get(k).brokenAt());

        // other settings: a new cache entry; the answers for the old settings stay
        RobustnessProbe.Report other = probe(r, "2", new PgdLinf(new ProjectedGradientAttack.Settings(6, 0.25, 1, 0)), 0.05, 0.1);
        assertThat(other.results()).extracting(ProbeResult::cached).containsExactly(false);
        assertThat(list(r.resolve("robustness/cache"))).hasSize(5);
    }

    @Test
    void aMinimalAttackReportsNormStatisticsAndAnotherEpsListReusesItsAnswers() throws IOException {
        Path r = copyOfRun("deepfool");
        RobustnessProbe.Report a = probe(r, "last", new DeepFool(DeepFool.Settings.defaults()), 0.5, 1.0);
        RobustnessProbe.Report b = probe(r, "last", new DeepFool(DeepFool.Settings.defaults()), 0.25, 2.0, 3.0);
        assertThat(b.results().get(0).cached()).isTrue();
        assertThat(b.results().get(0).brokenAt()).isEqualTo(a.results().get(0).brokenAt());
        List<String> csv = Files.readAllLines(r.resolve("robustness/deepfool-train.csv"));
        assertThat(csv.get(0)).isEqualTo("epoch,attack,split,n,eps,robust_acc,clean_acc,attacked,not_found,norm_mean,"
                + "norm_median,norm_q10,norm_q25,norm_q75,norm_q90,seconds");
        assertThat(csv).hasSize(1 + 4);
        ProbeResult.NormStats s = b.results().get(0).normStats();
        assertThat(s.attacked()).isEqualTo((int) Math.round(N * b.results().get(0).cleanAccuracy()));
        assertThat(s.q10()).isLessThanOrEqualTo(s.median());
        assertThat(s.median()).isLessThanOrEqualTo(s.q90()).isPositive();
    }

    @Test
    void aCorruptOrForeignCheckpointIsReportedAndSkipped() throws IOException {
        Path r = copyOfRun("damaged");
        // epoch 1: bytes changed after the sidecar recorded its hash
        Path zip1 = Checkpoints.modelFile(r, 1);
        byte[] bytes = Files.readAllBytes(zip1);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(zip1, bytes);
        // epoch 2: a valid model of another architecture, with a sidecar that vouches for it
        MultiLayerNetwork other = TinyNets.mlp(org.nd4j.linalg.api.buffer.DataType.FLOAT, 784, 10, 1);
        Path zip2 = Checkpoints.modelFile(r, 2);
        ModelSerializer.writeModel(other, zip2.toFile(), false);
        ObjectNode side = (ObjectNode) org.marginmax.io.Json.MAPPER.readTree(Checkpoints.stateFile(r, 2).toFile());
        side.put("model_sha256", Sha256.ofFile(zip2));
        Files.writeString(Checkpoints.stateFile(r, 2), org.marginmax.io.Json.MAPPER.writeValueAsString(side));

        RobustnessProbe.Report rep = probe(r, "all", pgd(), 0.1);
        assertThat(rep.results()).extracting(ProbeResult::epoch).containsExactly(0, 3);
        assertThat(rep.skipped()).hasSize(2);
        assertThat(rep.skipped().get(0)).startsWith("epoch 1: ").contains("corrupt");
        assertThat(rep.skipped().get(1)).startsWith("epoch 2: ").contains("another architecture");
    }

    @Test
    void anEpochWithoutACheckpointIsAnErrorListingTheAvailableOnes() {
        assertThatThrownBy(() -> probe(run, "1,7", pgd(), 0.1))
                .isInstanceOf(org.marginmax.io.UserInputException.class)
                .hasMessageContaining("no checkpoint at epoch 7").hasMessageContaining("available: 0, 1, 2, 3");
        assertThatThrownBy(() -> probe(run, "1,x", pgd(), 0.1)).hasMessageContaining("'x' is not an epoch");
        assertThatThrownBy(() -> new RobustnessProbe(ProbeProgress.quiet())
                .run(new RobustnessProbe.Request(run, null, "last", "validation", N, pgd(), null, 16)))
                .hasMessageContaining("--split must be train or test");
    }

    private static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted(Comparator.naturalOrder()).toList();
        }
    }
}
