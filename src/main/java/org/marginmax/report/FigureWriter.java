package org.marginmax.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.pdf.PDFProcessor;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.XYSeries;
import org.marginmax.io.Csv;
import org.marginmax.run.AtomicFiles;

/**
 * Writes a {@link Figure} as PNG, SVG and PDF (vector, by VectorGraphics2D, LGPL-3.0, which XChart ships), headless,
 * with its caption lines (provenance) in a strip under the chart, and beside it {@code <name>.csv}: the points of
 * every series drawn, so that it can be redrawn elsewhere.
 */
public final class FigureWriter {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final int LINE = 15;
    private static final int PAD = 6;

    private FigureWriter() {}

    @FunctionalInterface
    private interface Encoder { void write(Figure f, OutputStream out) throws IOException; }

    /** The formats {@code plot --format} takes, in the order they are written. */
    private static final Map<String, Encoder> ENCODERS = new LinkedHashMap<>();
    static {
        ENCODERS.put("png", (f, out) -> ImageIO.write(png(f), "png", out));
        ENCODERS.put("svg", FigureWriter::writeSvg);
        ENCODERS.put("pdf", FigureWriter::writePdf);
    }
    public static final Set<String> FORMATS = Set.copyOf(ENCODERS.keySet());

    /** Writes {@code dir/<name>.png}, {@code .svg}, {@code .pdf} and {@code .csv}; returns their paths. */
    public static List<Path> write(Figure f, Path dir) { return write(f, dir, FORMATS); }

    /** Writes the figure in the given formats (of {@link #FORMATS}) and its data CSV; returns the paths. */
    public static List<Path> write(Figure f, Path dir, Set<String> formats) {
        try {
            Files.createDirectories(dir);
            List<Path> written = new ArrayList<>();
            for (Map.Entry<String, Encoder> e : ENCODERS.entrySet()) {
                if (!formats.contains(e.getKey())) continue;
                Path file = dir.resolve(f.name() + "." + e.getKey());
                try (OutputStream out = Files.newOutputStream(file)) {
                    e.getValue().write(f, out);
                }
                written.add(file);
            }
            Path csv = dir.resolve(f.name() + ".csv");
            AtomicFiles.writeString(csv, dataCsv(f));
            written.add(csv);
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write figure " + f.name() + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    static BufferedImage png(Figure f) {
        int w = f.chart().getWidth(), h = f.chart().getHeight();
        BufferedImage img = new BufferedImage(w, h + stripHeight(f), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            f.chart().paint(g, w, h);
            drawCaption(g, f, h);
        } finally {
            g.dispose();
        }
        return img;
    }

    static void writeSvg(Figure f, OutputStream out) throws IOException {
        new SVGProcessor().getDocument(vector(f, 1).getCommands(), page(f, 1)).writeTo(out);
    }

    static void writePdf(Figure f, OutputStream out) throws IOException {
        // VectorGraphics2D's PDF units are millimetres, for the page and the drawing alike: scaled so that one pixel of
        // the chart becomes one PostScript point (1/72 in)
        double mm = 25.4 / 72;
        new PDFProcessor(true).getDocument(vector(f, mm).getCommands(), page(f, mm)).writeTo(out);
    }

    /** The chart and its caption drawn as vector commands, every coordinate times {@code scale}. */
    private static VectorGraphics2D vector(Figure f, double scale) {
        VectorGraphics2D g = new VectorGraphics2D();
        if (scale != 1) g.scale(scale, scale);
        f.chart().paint(g, f.chart().getWidth(), f.chart().getHeight());
        drawCaption(g, f, f.chart().getHeight());
        return g;
    }

    private static PageSize page(Figure f, double scale) {
        return new PageSize(0, 0, f.chart().getWidth() * scale, (f.chart().getHeight() + stripHeight(f)) * scale);
    }

    /** Tidy long format: one line per point drawn, {@code figure,series,x,y}, y in the metric's units. */
    static String dataCsv(Figure f) {
        StringBuilder sb = new StringBuilder(Csv.line(List.of("figure", "series", "x", "y")));
        for (XYSeries s : f.chart().getSeriesMap().values()) {
            double[] x = s.getXData(), y = s.getYData();
            for (int i = 0; i < x.length; i++)
                sb.append(Csv.line(List.of(f.name(), s.getName(), String.valueOf(x[i]), String.valueOf(y[i] / f.yScale()))));
        }
        return sb.toString();
    }

    private static int stripHeight(Figure f) { return f.caption().isEmpty() ? 0 : PAD * 2 + LINE * f.caption().size(); }

    private static void drawCaption(Graphics2D g, Figure f, int top) {
        g.setColor(Color.WHITE);
        g.fillRect(0, top, f.chart().getWidth(), stripHeight(f));
        g.setColor(new Color(70, 70, 70));
        g.setFont(CAPTION_FONT);
        int y = top + PAD;
        for (String line : f.caption()) {
            y += LINE;
            g.drawString(line, 10, y - 4);
        }
    }
}
