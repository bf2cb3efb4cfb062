package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KktFiguresTest {
    @TempDir Path tmp;

    /** A kkt/kkt.csv as {@code margin-max kkt} writes it (the columns the figures read), margins of about 2e-3. */
    private static Path kkt(Path run, double marginScale) throws IOException {
        List<String> lines = new ArrayList<>(List.of("epoch,kkt_eps,alignment,margin_q01,margin_q10,margin_q50,"
                + "test_margin_q01,test_margin_q10,test_margin_q50"));
        int[] epochs = {0, 10, 50, 100};
        for (int i = 0; i < epochs.length; i++) {
            double m = marginScale * (i + 1);
            lines.add(epochs[i] + "," + (0.9 - 0.1 * i) + "," + (0.1 + 0.05 * i) + "," + (-m / 4) + "," + (m / 2) + "," + m
                    + "," + (-m / 3) + "," + (m / 3) + "," + (0.9 * m));
        }
        Files.createDirectories(run.resolve("kkt"));
        Files.writeString(run.resolve(KktFigures.CSV), String.join("\n", lines) + "\n");
        return run;
    }

    private static Figure get(List<Figure> figures, String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test void captionsUseTheMathSymbolsNotAsciiSpellings() throws Exception {
        Path run = kkt(SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 5, 1), 5e-4);
        List<Figure> fs = KktFigures.build(List.of(run), List.of("r"));
        String residual = String.join(" ", get(fs, "kkt-residual").caption());
        assertThat(residual).contains("min over λ ≥ 0 of ‖θ̃ − Σ λ_a ∇q_a‖ / ‖θ̃‖", "cos(θ, −∇ℒ)")
                .doesNotContain("theta", "lambda", "grad", "||", ">=");
        String margins = String.join(" ", get(fs, "kkt-margins").caption());
        assertThat(margins).contains("q_n / ρᴸ").doesNotContain("rho");
        // the PDF's fonts are WinAnsi: the symbols must not come out as "?" text (they are drawn as outlines)
        Path out = tmp.resolve("fig");
        FigureWriter.write(get(fs, "kkt-residual"), out);
        try (var doc = org.apache.pdfbox.Loader.loadPDF(out.resolve("kkt-residual.pdf").toFile())) {
            assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(doc)).doesNotContain("?");
        }
    }

    @Test void smallMarginQuantilesAreDrawnInPowersOfTenNamedOnTheAxisAndTheCsvKeepsTheirUnits() throws IOException {
        Path run = kkt(SyntheticRuns.run(tmp.resolve("a"), "r", "none", "loss-based", 5, 1), 5e-4); // median up to 2e-3
        Figure f = get(KktFigures.build(List.of(run), List.of("r")), "kkt-margins");
        assertThat(f.yScale()).isEqualTo(1e3);
        assertThat(f.chart().getYAxisTitle()).isEqualTo("quantile of q_n / ρᴸ (×10⁻³)");
        double[] median = f.chart().getSeriesMap().get("train q50").getYData();
        assertThat(median).hasSize(4);
        for (int i = 0; i < 4; i++) assertThat(median[i]).isCloseTo(0.5 * (i + 1), within(1e-12));
        String row = FigureWriter.dataCsv(f).lines().filter(l -> l.startsWith("kkt-margins,train q50,100.0,")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(row.split(",")[3])).isCloseTo(2e-3, within(1e-15));
        // margins of order 1 are drawn as they are
        Path big = kkt(SyntheticRuns.run(tmp.resolve("b"), "r", "none", "loss-based", 5, 1), 0.5);
        Figure g = get(KktFigures.build(List.of(big), List.of("r")), "kkt-margins");
        assertThat(g.yScale()).isEqualTo(1);
        assertThat(g.chart().getYAxisTitle()).isEqualTo("quantile of q_n / ρᴸ");
    }

    @Test void legendsNameAnInitScaleARunLeavesOutByItsDefault() throws IOException {
        Path a = kkt(SyntheticRuns.run(tmp.resolve("a"), "q", "none", "loss-based", 5, 1), 5e-4);
        Path b = kkt(SyntheticRuns.run(tmp.resolve("b"), "q", "none", "loss-based", 5, 1), 5e-4);
        Files.writeString(b.resolve("config.yaml"), Files.readString(b.resolve("config.yaml"))
                .replace("  bias: none\n", "  bias: none\n  init_scale: 0.1\n"));
        List<String> labels = RunLabels.of(List.of(RunMetrics.read(a), RunMetrics.read(b)));
        List<Figure> fs = KktFigures.build(List.of(a, b), labels);
        assertThat(get(fs, "kkt-residual").seriesNames()).containsExactly("q (model.init_scale=1): kkt_eps",
                "q (model.init_scale=1): 1 − alignment", "q (model.init_scale=0.1): kkt_eps", "q (model.init_scale=0.1): 1 − alignment");
        assertThat(get(fs, "kkt-margins").legendEntries()).extracting(Figure.LegendEntry::label)
                .contains("q (model.init_scale=1): train", "q (model.init_scale=0.1): test")
                .noneMatch(l -> l.contains("absent"));
    }
}
