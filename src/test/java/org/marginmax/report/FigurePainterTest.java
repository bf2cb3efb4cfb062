package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.marginmax.cli.PlotCommand;
import org.marginmax.io.UserInputException;

import javax.imageio.ImageIO;
import javax.imageio.metadata.IIOMetadataNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FigurePainterTest {
    @TempDir Path tmp;

    /** Every figure of one run, of several runs, and of seed groups with bands. */
    private List<Figure> allKindsOfFigures() throws Exception {
        Path a = SyntheticRuns.run(tmp.resolve("a"), "mlp-run", "none", "loss-based", 220, 0.15);
        SyntheticRuns.pgd(a);
        SyntheticRuns.minimal(a, true);
        Path b = SyntheticRuns.run(tmp.resolve("b"), "mlp-bias", "zero", "loss-based", 220, 10);
        Path c = SyntheticRuns.run(tmp.resolve("c"), "deep", "none", "constant", 3000, 0.8, 40, 100, 900);
        List<RunMetrics> runs = List.of(RunMetrics.read(a), RunMetrics.read(b), RunMetrics.read(c));
        List<Figure> all = new ArrayList<>(Figures.build(runs.subList(0, 1), Figures.Options.defaults()).figures());
        all.addAll(Figures.build(runs, Figures.Options.defaults()).figures());
        all.addAll(Figures.build(runs, Figures.Options.defaults().withLogEpochs(true)).figures());
        all.addAll(Figures.build(runs, Figures.Options.defaults().withGroups(Figures.Band.MINMAX)).figures());
        return all;
    }

    @Test void noAxisCarriesMoreThanTenLabelsAndLogAxesAreLabelledAtDecades() throws Exception {
        for (Figure f : allKindsOfFigures())
            for (PrintSize size : List.of(PrintSize.SINGLE, PrintSize.DOUBLE, PrintSize.parse("7x6"))) {
                FigurePainter.Layout l = FigurePainter.layout(f, size);
                for (FigurePainter.Axis axis : List.of(l.x(), l.y())) {
                    List<Ticks.Tick> labels = axis.labelled();
                    assertThat(labels.size()).as(f.name() + " " + size).isBetween(2, Ticks.MAX_LABELS);
                    double slack = 1e-9 * (axis.log() ? axis.hi() : axis.hi() - axis.lo());
                    assertThat(labels).allSatisfy(t -> assertThat(t.value()).isBetween(axis.lo() - slack, axis.hi() + slack));
                    if (axis.log() && axis.hi() / axis.lo() >= 30)
                        assertThat(labels).as(f.name() + " log axis")
                                .allSatisfy(t -> assertThat(Math.log10(t.value()) % 1).isCloseTo(0, within(1e-9)));
                }
                assertThat(l.x().labelled().size()).as(f.name() + " x").isGreaterThanOrEqualTo(3);
            }
    }

    @Test void ticksSitWhereXChartDrawsTheData() throws Exception {
        XYChart c = new XYChart(100, 100);
        c.setXAxisTitle("epoch");
        c.setYAxisTitle("value");
        XYSeries s = c.addSeries("step", new double[]{0, 100, 100, 200}, new double[]{0, 0, 1, 1});
        s.setLineColor(new Color(0, 0, 255));
        s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        Figure f = new Figure("step", c, List.of());
        FigurePainter.Layout l = FigurePainter.layout(f, PrintSize.SINGLE);
        assertThat(l.x().labelled()).extracting(Ticks.Tick::label).containsExactly("0", "50", "100", "150", "200");
        assertThat(l.y().labelled()).extracting(Ticks.Tick::label).contains("0", "1.0");
        double px = 300 / 72.0;
        BufferedImage img = FigureWriter.image(f, l, 300);
        var p = l.plot();

        // the vertical segment at x = 100, found in the middle row of the plot, and the tick marks under the frame
        int lineCol = centre(runs(img, (int) (p.getCenterY() * px), true, this::blue));
        List<Integer> tickCols = new ArrayList<>();
        for (int[] r : runsOf(img, (int) ((p.getMaxY() + 2) * px), true, this::dark)) tickCols.add((r[0] + r[1]) / 2);
        assertThat(tickCols).hasSize(5);
        assertThat(tickCols.get(2)).isCloseTo(lineCol, within(2));

        // the horizontal segment at y = 0 (left half), and the y tick marks left of the frame
        int lineRow = centre(runs(img, (int) ((p.getX() + p.getWidth() / 4) * px), false, this::blue));
        List<Integer> tickRows = new ArrayList<>();
        for (int[] r : runsOf(img, (int) ((p.getX() - 2) * px), false, this::dark)) tickRows.add((r[0] + r[1]) / 2);
        assertThat(tickRows).isNotEmpty();
        assertThat(tickRows.get(tickRows.size() - 1)).isCloseTo(lineRow, within(2)); // the lowest tick is 0

        // tick labels printed at least 7 pt tall, measured on the picture: the digits under the x = 100 tick
        int top = (int) ((p.getMaxY() + 3.5) * px), bottom = (int) ((p.getMaxY() + 14) * px);
        int first = -1, last = -1;
        for (int y = top; y < bottom; y++)
            for (int x = lineCol - 20; x <= lineCol + 20; x++)
                if (dark(img.getRGB(x, y))) { if (first < 0) first = y; last = y; }
        double digitPt = (last - first + 1) / px; // a digit's height is about 0.73 of the font size
        assertThat(digitPt / 0.73).isGreaterThanOrEqualTo(7);
    }

    @Test void sizesAreTruePhysicalSizesInEveryFormat() throws Exception {
        Path run = SyntheticRuns.run(tmp.resolve("r"), "mlp-run", "none", "loss-based", 60, 0.2);
        Figure f = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults()).get("loss");
        for (String size : List.of("single", "double", "5x3")) {
            PrintSize ps = PrintSize.parse(size);
            Path dir = tmp.resolve(size);
            FigureWriter.write(f, dir, FigureWriter.FORMATS, new FigureWriter.Print(ps, 150));
            double widthPt = ps.width() * 72;
            try (var doc = org.apache.pdfbox.Loader.loadPDF(dir.resolve("loss.pdf").toFile())) {
                var box = doc.getPage(0).getMediaBox();
                assertThat((double) box.getWidth()).as(size).isCloseTo(widthPt, within(0.5));
                if (!ps.autoHeight()) assertThat((double) box.getHeight()).isCloseTo(216, within(0.5));
            }
            BufferedImage img = ImageIO.read(dir.resolve("loss.png").toFile());
            assertThat(img.getWidth()).isEqualTo((int) Math.round(ps.width() * 150));
            if (!ps.autoHeight()) assertThat(img.getHeight()).isEqualTo(450);
            // the PNG says its resolution (pixels per metre) and carries the provenance caption
            try (var in = ImageIO.createImageInputStream(dir.resolve("loss.png").toFile())) {
                var reader = ImageIO.getImageReadersByFormatName("png").next();
                reader.setInput(in);
                var meta = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
                var phys = (IIOMetadataNode) meta.getElementsByTagName("pHYs").item(0);
                assertThat(phys.getAttribute("pixelsPerUnitXAxis")).isEqualTo(Long.toString(Math.round(150 / 0.0254)));
                var text = (IIOMetadataNode) meta.getElementsByTagName("iTXtEntry").item(0);
                assertThat(text.getAttribute("text")).contains("config sha256 0123456789ab");
            }
        }
    }

    @Test void aLegendTooTallForAnExplicitSizeIsAClearError() throws Exception {
        Path run = SyntheticRuns.run(tmp.resolve("r"), "mlp-run", "none", "loss-based", 60, 0.2);
        Figure support = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults()).get("support");
        assertThatThrownBy(() -> FigurePainter.layout(support, PrintSize.parse("1.5x1.2")))
                .isInstanceOf(UserInputException.class).hasMessageContaining("figure support does not fit in --size");
        assertThatThrownBy(() -> PrintSize.parse("3.3 by 2")).isInstanceOf(UserInputException.class)
                .hasMessageContaining("--size 3.3 by 2: use single");
        Cli.Result r = Cli.run(new PlotCommand(), run.toString(), "--size", "wide");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("--size wide: use single");
        Cli.Result d = Cli.run(new PlotCommand(), run.toString(), "--dpi", "5");
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.err()).contains("--dpi 5: use 50 to 1200");
        Cli.Result ok = Cli.run(new PlotCommand(), run.toString(), "--size", "double", "--dpi", "100", "--format", "png");
        assertThat(ok.code()).isZero();
        assertThat(ImageIO.read(run.resolve("report/loss.png").toFile()).getWidth()).isEqualTo(680);
        assertThat(Files.exists(run.resolve("report/loss.pdf"))).isFalse();
        assertThat(Set.of("png", "svg", "pdf")).isEqualTo(FigureWriter.FORMATS);
    }

    @Test void noCaptionLeavesTheProvenanceOutOfThePictureAndInThePngMetadata() throws Exception {
        Path run = SyntheticRuns.run(tmp.resolve("r"), "mlp-run", "none", "loss-based", 60, 0.2);
        Path with = tmp.resolve("with"), without = tmp.resolve("without");
        assertThat(Cli.run(new PlotCommand(), run.toString(), "--out", with.toString()).code()).isZero();
        assertThat(Cli.run(new PlotCommand(), run.toString(), "--out", without.toString(), "--no-caption").code()).isZero();
        String caption;
        try (var doc = org.apache.pdfbox.Loader.loadPDF(with.resolve("loss.pdf").toFile())) {
            caption = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
            assertThat(caption).contains("config sha256 0123456789ab");
        }
        try (var doc = org.apache.pdfbox.Loader.loadPDF(without.resolve("loss.pdf").toFile())) {
            assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(doc)).doesNotContain("sha256");
        }
        BufferedImage a = ImageIO.read(with.resolve("loss.png").toFile()), b = ImageIO.read(without.resolve("loss.png").toFile());
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).as("the caption's lines are gone from the height").isLessThan(a.getHeight() - 20);
        try (var in = ImageIO.createImageInputStream(without.resolve("loss.png").toFile())) {
            var reader = ImageIO.getImageReadersByFormatName("png").next();
            reader.setInput(in);
            var meta = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            var text = (IIOMetadataNode) meta.getElementsByTagName("iTXtEntry").item(0);
            assertThat(text.getAttribute("text")).contains("config sha256 0123456789ab");
        }
    }

    private boolean blue(int rgb) { Color c = new Color(rgb); return c.getBlue() > 180 && c.getRed() < 120 && c.getGreen() < 120; }

    private boolean dark(int rgb) { Color c = new Color(rgb); return c.getRed() + c.getGreen() + c.getBlue() < 300; }

    private interface Test2 { boolean test(int rgb); }

    /** The single run of matching pixels along row (or column) {@code at}. */
    private static int[] runs(BufferedImage img, int at, boolean row, Test2 match) {
        List<int[]> r = runsOf(img, at, row, match);
        assertThat(r).as("one run of matching pixels").hasSize(1);
        return r.get(0);
    }

    private static List<int[]> runsOf(BufferedImage img, int at, boolean row, Test2 match) {
        List<int[]> out = new ArrayList<>();
        int n = row ? img.getWidth() : img.getHeight(), start = -1;
        for (int i = 0; i <= n; i++) {
            boolean m = i < n && match.test(row ? img.getRGB(i, at) : img.getRGB(at, i));
            if (m && start < 0) start = i;
            if (!m && start >= 0) { out.add(new int[]{start, i - 1}); start = -1; }
        }
        return out;
    }

    private static int centre(int[] run) { return (run[0] + run[1]) / 2; }
}
