package org.pooling4j.draw;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * An opaque RGB picture to draw on: filled and outlined rectangles, anti-aliased lines (solid or
 * dashed) and discs, pictures copied in, and text in the {@link BitmapFont}. Colours are
 * {@code 0xRRGGBB}. Everything drawn outside the picture is clipped, never an error. No AWT text or
 * fonts are involved, so it works on a headless machine without any fonts installed.
 */
public final class Canvas {
    private final BufferedImage image;
    private final int[] px;
    private final int width;
    private final int height;

    /** A {@code width x height} canvas filled with {@code background}. */
    public Canvas(int width, int height, int background) {
        if (width < 1 || height < 1)
            throw new IllegalArgumentException("canvas " + width + "x" + height + ": sides must be at least 1");
        this.width = width;
        this.height = height;
        this.image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        this.px = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        java.util.Arrays.fill(px, background & 0xffffff);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The picture drawn so far (shared, not a copy: later drawing shows in it). */
    public BufferedImage image() {
        return image;
    }

    /** The colour at (x, y) as {@code 0xRRGGBB}. */
    public int get(int x, int y) {
        return px[y * width + x] & 0xffffff;
    }

    /** Sets one pixel; outside the canvas nothing happens. */
    public void set(int x, int y, int rgb) {
        if (x >= 0 && y >= 0 && x < width && y < height) px[y * width + x] = rgb & 0xffffff;
    }

    /** Mixes {@code rgb} into the pixel at (x, y) with weight {@code alpha} in [0, 1]. */
    public void blend(int x, int y, int rgb, double alpha) {
        if (x < 0 || y < 0 || x >= width || y >= height || !(alpha > 0)) return;
        if (alpha >= 1) {
            px[y * width + x] = rgb & 0xffffff;
            return;
        }
        int old = px[y * width + x];
        int r = mix(old >> 16 & 0xff, rgb >> 16 & 0xff, alpha);
        int g = mix(old >> 8 & 0xff, rgb >> 8 & 0xff, alpha);
        int b = mix(old & 0xff, rgb & 0xff, alpha);
        px[y * width + x] = r << 16 | g << 8 | b;
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    /** Fills the rectangle of {@code w x h} pixels with its top-left corner at (x, y). */
    public void fillRect(int x, int y, int w, int h, int rgb) {
        int x0 = Math.max(0, x);
        int y0 = Math.max(0, y);
        int x1 = Math.min(width, x + w);
        int y1 = Math.min(height, y + h);
        if (x0 >= x1) return;
        for (int yy = y0; yy < y1; yy++) java.util.Arrays.fill(px, yy * width + x0, yy * width + x1, rgb & 0xffffff);
    }

    /** The border, {@code t} pixels thick, of the {@code w x h} rectangle at (x, y), drawn inside it. */
    public void strokeRect(int x, int y, int w, int h, int t, int rgb) {
        fillRect(x, y, w, t, rgb);
        fillRect(x, y + h - t, w, t, rgb);
        fillRect(x, y, t, h, rgb);
        fillRect(x + w - t, y, t, h, rgb);
    }

    /** Copies {@code src} with its top-left corner at (x, y) (alpha is ignored). */
    public void drawImage(BufferedImage src, int x, int y) {
        for (int yy = 0; yy < src.getHeight(); yy++) {
            for (int xx = 0; xx < src.getWidth(); xx++) set(x + xx, y + yy, src.getRGB(xx, yy));
        }
    }

    /**
     * A line {@code lineWidth} pixels wide from (x0, y0) to (x1, y1), with round ends and smooth
     * edges. Coordinates are of pixel centres: (0, 0) is the middle of the top-left pixel.
     */
    public void line(double x0, double y0, double x1, double y1, double lineWidth, int rgb) {
        double half = lineWidth / 2;
        int ax = (int) Math.floor(Math.min(x0, x1) - half - 1);
        int bx = (int) Math.ceil(Math.max(x0, x1) + half + 1);
        int ay = (int) Math.floor(Math.min(y0, y1) - half - 1);
        int by = (int) Math.ceil(Math.max(y0, y1) + half + 1);
        double dx = x1 - x0;
        double dy = y1 - y0;
        double len2 = dx * dx + dy * dy;
        for (int y = Math.max(0, ay); y <= Math.min(height - 1, by); y++) {
            for (int x = Math.max(0, ax); x <= Math.min(width - 1, bx); x++) {
                // Distance from the pixel centre to the segment; coverage falls from 1 to 0 over the
                // pixel that straddles the edge.
                double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len2));
                double ex = x - (x0 + t * dx);
                double ey = y - (y0 + t * dy);
                double cover = half + 0.5 - Math.sqrt(ex * ex + ey * ey);
                if (cover > 0) blend(x, y, rgb, Math.min(1, cover));
            }
        }
    }

    /** A dashed line: dashes of {@code dash} pixels with gaps of {@code gap} pixels, starting with a dash. */
    public void dashedLine(
            double x0, double y0, double x1, double y1, double lineWidth, double dash, double gap, int rgb) {
        double len = Math.hypot(x1 - x0, y1 - y0);
        if (len == 0) return;
        double ux = (x1 - x0) / len;
        double uy = (y1 - y0) / len;
        for (double s = 0; s < len; s += dash + gap) {
            double e = Math.min(len, s + dash);
            // Butt ends: the round caps of line() would close the gaps of thin dashes.
            double inset = Math.min(lineWidth / 2, (e - s) / 2);
            line(
                    x0 + ux * (s + inset),
                    y0 + uy * (s + inset),
                    x0 + ux * (e - inset),
                    y0 + uy * (e - inset),
                    lineWidth,
                    rgb);
        }
    }

    /** A filled disc of radius {@code r} centred on (cx, cy) (pixel centres, as for lines), smooth edged. */
    public void disc(double cx, double cy, double r, int rgb) {
        disc(cx, cy, r, rgb, 1);
    }

    /** A filled disc mixed in with weight {@code alpha} (for many overlapping dots). */
    public void disc(double cx, double cy, double r, int rgb, double alpha) {
        for (int y = (int) Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
            for (int x = (int) Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
                double cover = r + 0.5 - Math.hypot(x - cx, y - cy);
                if (cover > 0) blend(x, y, rgb, Math.min(1, cover) * alpha);
            }
        }
    }

    /** Text at scale {@code scale} with the top-left corner of its first glyph cell at (x, y). */
    public void text(int x, int y, String text, int rgb, int scale) {
        BitmapFont.draw(this, x, y, text, rgb, scale);
    }

    /** Text centred on x, top at y. */
    public void textCentred(int x, int y, String text, int rgb, int scale) {
        BitmapFont.draw(this, x - BitmapFont.width(text, scale) / 2, y, text, rgb, scale);
    }

    /** Text ending at x (its right edge one pixel left of x), top at y. */
    public void textRight(int x, int y, String text, int rgb, int scale) {
        BitmapFont.draw(this, x - BitmapFont.width(text, scale), y, text, rgb, scale);
    }

    /** Writes the canvas as a PNG file, creating its folder. */
    public void writePng(Path file) throws IOException {
        writePng(image, file);
    }

    /**
     * Writes {@code img} as a PNG file, creating its folder.
     *
     * @throws IOException when the file cannot be written (a directory, no permission), with the
     *     file system's reason; nothing is printed
     */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        // Through a stream of our own: given a File, ImageIO prints the stack trace of a file it cannot
        // open (a directory, no permission) and then fails with a message that does not say why.
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            if (!ImageIO.write(img, "png", out)) throw new IOException(file + ": no PNG writer in this JVM");
        }
    }
}
