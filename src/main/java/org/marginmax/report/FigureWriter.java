package org.marginmax.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
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
import java.util.List;

/**
 * Writes a {@link Figure} as PNG and SVG, headless, with its caption lines (provenance) in a strip under the chart.
 */
public final class FigureWriter {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final int LINE = 15;
    private static final int PAD = 6;

    private FigureWriter() {}

    /** Writes {@code dir/<name>.png} and {@code dir/<name>.svg}; returns both paths. */
    public static List<Path> write(Figure f, Path dir) {
        try {
            Files.createDirectories(dir);
            Path png = dir.resolve(f.name() + ".png");
            Path svg = dir.resolve(f.name() + ".svg");
            try (OutputStream out = Files.newOutputStream(png)) {
                ImageIO.write(png(f), "png", out);
            }
            try (OutputStream out = Files.newOutputStream(svg)) {
                writeSvg(f, out);
            }
            return List.of(png, svg);
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
        int w = f.chart().getWidth(), h = f.chart().getHeight();
        VectorGraphics2D g = new VectorGraphics2D();
        f.chart().paint(g, w, h);
        drawCaption(g, f, h);
        new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, w, h + stripHeight(f))).writeTo(out);
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
