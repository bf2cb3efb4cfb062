package org.marginmax.report;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import org.marginmax.cli.CompareCommand;
import org.marginmax.cli.ExportCommand;
import org.marginmax.cli.Main;
import org.marginmax.cli.PlotCommand;
import org.marginmax.model.NetworkStructure;
import org.marginmax.model.WeightLayer;
import org.marginmax.run.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** plot, compare and export on a run directory that `train` really wrote (a tiny MLP on mnist-10k digits). */
class RealRunTest {
    private static final int EPOCHS = 4;
    @TempDir static Path shared;
    static Path run;

    @BeforeAll static void train() throws IOException {
        String yaml = """
                name: tiny-report
                seed: 2
                data:
                  dataset: idx:%s
                  train: {first: 500}
                  test: {first: 200}
                model:
                  arch: mlp
                  hidden: [32]
                  bias: first-layer
                loss: cross-entropy
                train:
                  epochs: %d
                  lr: {schedule: loss-based, lr: 0.1}
                checkpoints:
                  epochs: [2]
                """.formatted(TestPaths.mnist10k(), EPOCHS);
        Path cfg = Files.writeString(shared.resolve("tiny-report.yaml"), yaml);
        run = shared.resolve("run");
        assertThat(Main.run("train", cfg.toString(), "--run-dir", run.toString())).isZero();
    }

    @TempDir Path tmp;

    @Test void figuresCoverEveryEpochRowOfTheRealMetrics() {
        RunMetrics m = RunMetrics.read(run);
        assertThat(m.name()).isEqualTo("tiny-report");
        assertThat(m.epochs()).containsExactly(0, 1, 2, 3, 4);
        assertThat(m.layerNormColumns()).containsExactly("rho_1", "rho_2");
        assertThat(m.provenance().configSha256()).hasSize(64);
        Figures.FigureSet set = Figures.build(List.of(m), Figures.Options.defaults());
        assertThat(set.get("loss").chart().getSeriesMap().get("tiny-report").getYData())
                .containsExactly(m.column("log10_loss"));
        assertThat(set.get("norms").seriesNames()).containsExactly("ρ", "ρ_1", "ρ_2");
        assertThat(set.get("lr").seriesNames()).containsExactly("tiny-report");
        assertThat(set.get("lr-real").chart().getSeriesMap().get("tiny-report").getYData())
                .containsExactly(m.column("log10_real_lr"));
        assertThat(m.checkpoints()).extracting(e -> e.info().epoch()).contains(0, 2, EPOCHS);
    }

    @Test void plotAndCompareCommandsRunOnIt() throws IOException {
        Cli.Result plot = Cli.run(new PlotCommand(), run.toString(), "--out", tmp.resolve("fig").toString());
        assertThat(plot.code()).as(plot.err()).isZero();
        assertThat(tmp.resolve("fig/loss.png")).isRegularFile();
        assertThat(Files.readString(tmp.resolve("fig/report.html"))).contains("<h3>Checkpoints</h3>");

        Path csv = tmp.resolve("c.csv");
        Cli.Result cmp = Cli.run(new CompareCommand(), run.toString(), "--epochs", "2,last", "--format", "csv", "--out", csv.toString());
        assertThat(cmp.code()).as(cmp.err()).isZero();
        CsvTable t = CsvTable.read(csv);
        assertThat(t.numbers("epoch")).containsExactly(2, EPOCHS);
        RunMetrics m = RunMetrics.read(run);
        assertThat(t.number(1, "log10_loss")).isEqualTo(m.metrics().number(m.rowOf(EPOCHS), "log10_loss"));
    }

    @Test void exportOfARealCheckpointMatchesTheRestoredNetwork() throws IOException {
        Path zip = Checkpoints.modelFile(run, 2);
        Path npz = tmp.resolve("e2.npz");
        Cli.Result r = Cli.run(new ExportCommand(), zip.toString(), "--npz", npz.toString());
        assertThat(r.code()).as(r.err()).isZero();
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        Map<String, NpyReader.Array> arrays = NpyReader.readNpz(npz);
        assertThat(arrays.keySet()).containsExactly("layer0_dense_W", "layer0_dense_b", "layer1_output_W", WeightExport.ARCHITECTURE);
        for (WeightLayer l : NetworkStructure.of(net).weightLayers()) {
            NpyReader.Array w = arrays.get(WeightExport.arrayName(l, "W"));
            assertThat(w.shape()).containsExactly(l.weightShape());
            // row-major: element [i][j] of W [nIn, nOut] sits at i * nOut + j
            long nOut = l.weightShape()[1];
            for (long i = 0; i < l.weightShape()[0]; i += 97)
                for (long j = 0; j < nOut; j++)
                    assertThat(w.values()[(int) (i * nOut + j)]).isEqualTo(l.weights(net).getDouble(i, j));
        }
        assertThat(arrays.get(WeightExport.ARCHITECTURE).strings()[0]).contains("\"epoch\":2", "\"config_sha256\"");
    }
}
