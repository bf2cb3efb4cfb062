package org.marginmax.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.pdf.PDFProcessor;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * Writes a {@link Figure} at a print size ({@link PrintSize}: single column by default) as PDF and SVG (vector, by
 * VectorGraphics2D, LGPL-3.0, which XChart ships) and PNG (at a chosen dpi, 300 by default, recorded in the file),
 * headless, drawn by {@link FigurePainter} with its provenance caption under the legend; and beside it
 * {@code <name>.csv}: the points of every series drawn, so that it can be redrawn elsewhere. Every file is written
 * whole and then renamed into place.
 */
public final class FigureWriter {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    public static final int DEFAULT_DPI = 300;

    private FigureWriter() {}

    /**
     * How a figure is printed: its size, for PNG its resolution, and whether the provenance caption is drawn under it
     * (without it, for a paper's camera-ready figure, the PNG still carries the caption in its metadata).
     */
    public record Print(PrintSize size, int dpi, boolean caption) {
        public static final Print DEFAULT = new Print(PrintSize.SINGLE, DEFAULT_DPI, true);

        public Print(PrintSize size, int dpi) { this(size, dpi, true); }
    }

    @FunctionalInterface
    private interface Encoder { byte[] write(Figure f, FigurePainter.Layout l, Print p) throws IOException; }

    /** The formats {@code plot --format} takes, in the order they are written. */
    private static final Map<String, Encoder> ENCODERS = new LinkedHashMap<>();
    static {
        ENCODERS.put("png", FigureWriter::png);
        ENCODERS.put("svg", (f, l, p) -> svg(f, l));
        ENCODERS.put("pdf", (f, l, p) -> pdf(f, l));
    }
    public static final Set<String> FORMATS = Set.copyOf(ENCODERS.keySet());

    /** Writes {@code dir/<name>.png}, {@code .svg}, {@code .pdf} and {@code .csv}; returns their paths. */
    public static List<Path> write(Figure f, Path dir) { return write(f, dir, FORMATS, Print.DEFAULT); }

    /** Writes the figure in the given formats (of {@link #FORMATS}) and its data CSV; returns the paths. */
    public static List<Path> write(Figure f, Path dir, Set<String> formats, Print print) {
        try {
            Files.createDirectories(dir);
            FigurePainter.Layout layout = FigurePainter.layout(f, print.size(), print.caption());
            List<Path> written = new ArrayList<>();
            for (Map.Entry<String, Encoder> e : ENCODERS.entrySet()) {
                if (!formats.contains(e.getKey())) continue;
                Path file = dir.resolve(f.name() + "." + e.getKey());
                AtomicFiles.writeBytes(file, e.getValue().write(f, layout, print));
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

    /** The figure as an image at {@code dpi} (points times dpi/72 pixels). */
    static BufferedImage image(Figure f, FigurePainter.Layout l, int dpi) {
        double scale = dpi / 72.0;
        BufferedImage img = new BufferedImage((int) Math.round(l.width() * scale), (int) Math.round(l.height() * scale),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.scale(scale, scale);
            FigurePainter.paint(f, l, g);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** PNG with its resolution (pHYs, pixels per metre) and the caption as an iTXt "Comment". */
    static byte[] png(Figure f, FigurePainter.Layout l, Print p) throws IOException {
        BufferedImage img = image(f, l, p.dpi());
        ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = w.getDefaultWriteParam();
        IIOMetadata meta = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
        IIOMetadataNode phys = new IIOMetadataNode("pHYs");
        String ppm = Long.toString(Math.round(p.dpi() / 0.0254));
        phys.setAttribute("pixelsPerUnitXAxis", ppm);
        phys.setAttribute("pixelsPerUnitYAxis", ppm);
        phys.setAttribute("unitSpecifier", "meter");
        root.appendChild(phys);
        IIOMetadataNode text = new IIOMetadataNode("iTXt");
        IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
        entry.setAttribute("keyword", "Comment");
        entry.setAttribute("compressionFlag", "FALSE");
        entry.setAttribute("compressionMethod", "0");
        entry.setAttribute("languageTag", "");
        entry.setAttribute("translatedKeyword", "");
        entry.setAttribute("text", String.join("\n", f.caption()));
        text.appendChild(entry);
        root.appendChild(text);
        meta.mergeTree("javax_imageio_png_1.0", root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, meta), param);
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    /** SVG at its physical size: VectorGraphics2D writes px (1/96 in), so points are scaled by 96/72. */
    static byte[] svg(Figure f, FigurePainter.Layout l) throws IOException {
        double px = 96.0 / 72;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SVGProcessor().getDocument(vector(f, l, px).getCommands(), page(l, px)).writeTo(out);
        return out.toByteArray();
    }

    /** PDF at its physical size: VectorGraphics2D's PDF units are millimetres, for the page and the drawing alike. */
    static byte[] pdf(Figure f, FigurePainter.Layout l) throws IOException {
        double mm = 25.4 / 72;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PDFProcessor(true).getDocument(vector(f, l, mm).getCommands(), page(l, mm)).writeTo(out);
        return out.toByteArray();
    }

    /** The figure drawn as vector commands, every coordinate (in points) times {@code scale}. */
    private static VectorGraphics2D vector(Figure f, FigurePainter.Layout l, double scale) {
        VectorGraphics2D g = new VectorGraphics2D();
        g.scale(scale, scale);
        FigurePainter.paint(f, l, g);
        return g;
    }

    private static PageSize page(FigurePainter.Layout l, double scale) {
        return new PageSize(0, 0, l.width() * scale, l.height() * scale);
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
}
