package org.marginmax.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.marginmax.TestPaths;
import org.marginmax.run.Checkpoints;
import org.marginmax.run.ModelZip;
import org.marginmax.run.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run directory written by commit d353acb, before the run package existed (fixtures/run-d353acb: a first-layer-bias
 * MLP on 200 mnist-10k digits, checkpoints at epochs 0 and 2, killed after epoch 6 without its final checkpoint),
 * still resumes with today's code, continues exactly as the old code ran on (fixtures/run-d353acb-complete-metrics.csv,
 * the same run left to finish by the old code), keeps its own metrics header (so the columns added since, e.g.
 * attempts and sgd_steps, are not written), and plots.
 */
class PreMoveCheckpointTest {
    /**
     * The fixture's continuation was computed on one machine, where OpenBLAS ran its Haswell sgemm kernel; another CPU
     * gets another kernel (SkylakeX on AVX-512 Intel parts), which sums in another order: over these 4 epochs of a
     * float32 net that moves the metrics by up to 3e-7 relative (measured with OPENBLAS_CORETYPE set to each of
     * SkylakeX, Cooperlake, Sandybridge, Nehalem, Atom, Prescott). A resume that lost any state (the rate, the rollback
     * count, the data order, the parameters) moves them by 1e-3 or more. Same-machine exactness is KillAndResumeTest's.
     */
    private static final double FIXTURE_TOLERANCE = 1e-5;

    @TempDir Path dir;

    @Test void oldRunResumesAndMatchesTheOldCodesOwnContinuation() throws Exception {
        Path fixtures = Path.of("src/test/resources/fixtures");
        Path run = dir.resolve("run");
        copyTree(fixtures.resolve("run-d353acb"), run);
        Path expected = dir.resolve("expected");
        Files.createDirectories(expected);
        Files.copy(fixtures.resolve("run-d353acb-complete-metrics.csv"), expected.resolve("metrics.csv"));
        String oldHeader = Files.readAllLines(run.resolve("metrics.csv")).get(0);
        assertThat(ModelZip.provenance(Checkpoints.modelFile(run, 2))).as("old zips carry no provenance").isEmpty();

        Trainer.Result r = RunResumer.resume(run, TestPaths.mnist10k(), new ProgressReporter(false, System.err));

        assertThat(r.completed()).isTrue();
        assertThat(r.epochs()).isEqualTo(6);
        assertThat(Files.readAllLines(run.resolve("metrics.csv")).get(0)).isEqualTo(oldHeader)
                .doesNotContain("attempts", "sgd_steps");
        RunFixtures.assertCloseMetrics(expected, run, FIXTURE_TOLERANCE);
        assertThat(ModelZip.provenance(run.resolve(RunDirectory.MODEL))).get()
                .satisfies(p -> assertThat(p.path("config_sha256").asText()).hasSize(64))
                .satisfies(p -> assertThat(p.path("final_model").path("epoch").asInt()).isEqualTo(6));
        Path figures = dir.resolve("figures");
        assertThat(org.marginmax.cli.Main.run("plot", run.toString(), "--out", figures.toString())).isZero();
        try (Stream<Path> pngs = Files.list(figures)) {
            assertThat(pngs.filter(p -> p.toString().endsWith(".png")).count()).isPositive();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
