package org.marginmax.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FigureWriterTest {
    @TempDir Path tmp;

    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Parses SVG as XML without fetching its DTD (no network). */
    static Document parseSvg(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(svg.toFile());
    }

    static String allText(Document d) {
        NodeList texts = d.getElementsByTagNameNS("*", "text");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < texts.getLength(); i++) sb.append(texts.item(i).getTextContent()).append('\n');
        return sb.toString();
    }

    /** Every figure's PDF, parsed by PDFBox: one page drawn with vector paths, and no raster image anywhere in it. */
    @Test void pdfsAreVectorPagesWithoutRasterImages() throws Exception {
        Path run = SyntheticRuns.run(tmp.resolve("run"), "mlp-run", "none", "loss-based", 40, 10);
        SyntheticRuns.pgd(run);
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());
        Path out = tmp.resolve("fig");
        for (Figure f : set.figures()) {
            FigureWriter.write(f, out);
            try (var doc = org.apache.pdfbox.Loader.loadPDF(out.resolve(f.name() + ".pdf").toFile())) {
                assertThat(doc.getNumberOfPages()).as(f.name()).isEqualTo(1);
                var page = doc.getPage(0);
                for (var name : page.getResources().getXObjectNames())
                    assertThat(page.getResources().getXObject(name)).as(f.name() + " " + name)
                            .isNotInstanceOf(org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject.class);
                int paths = 0, inlineImages = 0;
                var parser = new org.apache.pdfbox.pdfparser.PDFStreamParser(page);
                for (Object token = parser.parseNextToken(); token != null; token = parser.parseNextToken()) {
                    if (!(token instanceof org.apache.pdfbox.contentstream.operator.Operator op)) continue;
                    switch (op.getName()) {
                        case "m", "l", "c", "re" -> paths++;
                        case "BI", "Do" -> inlineImages += op.getName().equals("BI") ? 1 : 0;
                        default -> { }
                    }
                }
                assertThat(inlineImages).as(f.name() + ": inline images").isZero();
                assertThat(paths).as(f.name() + ": path operators (curves, axes, text outlines)").isGreaterThan(100);
            }
        }
    }

    @Test void writesValidPngAndSvgWithTheCaptionUnderTheChart() throws Exception {
        Path run = SyntheticRuns.run(tmp.resolve("run"), "mlp-run", "none", "loss-based", 40, 10);
        SyntheticRuns.pgd(run);
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());
        Path out = tmp.resolve("fig");
        List<Path> written = new ArrayList<>();
        for (Figure f : set.figures()) written.addAll(FigureWriter.write(f, out));
        assertThat(written).hasSize(4 * set.figures().size()); // png, svg, pdf, csv

        for (Figure f : set.figures()) {
            Path png = out.resolve(f.name() + ".png");
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
            assertThat(head).as(png.toString()).isEqualTo(PNG_SIGNATURE);
            BufferedImage img = ImageIO.read(png.toFile());
            FigurePainter.Layout layout = FigurePainter.layout(f, PrintSize.SINGLE);
            assertThat(img.getWidth()).isEqualTo(990); // 3.3 in at 300 dpi
            assertThat(img.getHeight()).isEqualTo((int) Math.round(layout.height() * 300 / 72));

            Document svg = parseSvg(out.resolve(f.name() + ".svg"));
            assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
            var root = svg.getDocumentElement();
            // 1 px = 1/96 in: 3.3 in = 316.8 px
            assertThat(Double.parseDouble(root.getAttribute("width").replace("px", ""))).isCloseTo(316.8, within(0.01));
            assertThat(Double.parseDouble(root.getAttribute("height").replace("px", "")))
                    .isCloseTo(layout.height() * 96 / 72, within(0.01));
            // text is drawn as outlines; the series are paths, the caption is text
            assertThat(svg.getElementsByTagNameNS("*", "path").getLength()).isGreaterThan(f.seriesNames().size());
            assertThat(allText(svg)).contains("mlp-run (run): config sha256 0123456789ab, git fedcba9876");

            // a vector PDF: drawing operators, no raster image anywhere in it
            String pdf = new String(Files.readAllBytes(out.resolve(f.name() + ".pdf")), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(pdf).startsWith("%PDF-").contains("/Type /Page").doesNotContain("/Subtype /Image").doesNotContain("/XObject").contains("%%EOF");

            // the CSV beside it holds exactly the points of every series drawn, in order, y in the metric's units
            List<String> lines = Files.readAllLines(out.resolve(f.name() + ".csv"));
            assertThat(lines.get(0)).isEqualTo("figure,series,x,y");
            List<String> expected = new ArrayList<>();
            for (var series : f.chart().getSeriesMap().values())
                for (int i = 0; i < series.getXData().length; i++)
                    expected.add(series.getName() + "|" + series.getXData()[i] + "|"
                            + (f.yScale() == 1 ? series.getYData()[i] : series.getYData()[i] / f.yScale()));
            List<String> actual = new ArrayList<>();
            List<List<String>> rows = org.marginmax.io.Csv.read(out.resolve(f.name() + ".csv"));
            for (List<String> rec : rows.subList(1, rows.size()))
                actual.add(rec.get(1) + "|" + Double.parseDouble(rec.get(2)) + "|" + Double.parseDouble(rec.get(3)));
            assertThat(actual).as(f.name()).isEqualTo(expected);
        }
    }

    /** A run plotted right after it started: one metrics row, then a header only. */
    @Test void aRunWithOneRowOrNoneStillGivesAReport() throws Exception {
        Path run = SyntheticRuns.run(tmp.resolve("run"), "young", "none", "loss-based", 0, 1);
        Figures.FigureSet set = Figures.build(List.of(RunMetrics.read(run)), Figures.Options.defaults());
        assertThat(set.get("loss").chart().getSeriesMap().get("young").getXData()).containsExactly(0);
        for (Figure f : set.figures()) FigureWriter.write(f, tmp.resolve("one"));
        assertThat(ImageIO.read(tmp.resolve("one/loss.png").toFile())).isNotNull();

        Files.writeString(run.resolve("metrics.csv"), String.join(",", SyntheticRuns.COLUMNS) + "\n");
        RunMetrics empty = RunMetrics.read(run);
        Figures.FigureSet none = Figures.build(List.of(empty), Figures.Options.defaults());
        assertThat(none.figures()).isEmpty();
        assertThat(none.notes()).contains("figure loss: nothing to draw");
        Path page = ReportPage.write(tmp.resolve("none"), List.of(empty), none, none.notes());
        assertThat(Files.readString(page)).contains("nothing to draw");
    }
}
