package org.pooling4j.cli.pictures;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.pooling4j.Tensor;

/**
 * Pictures as pooling tensors and back: reading PNG/JPEG into a (1, C, H, W) channels-first tensor of
 * 0..255 values, writing such a tensor as PNG, nearest-neighbour upscaling, and the procedural sample
 * picture. No AWT text anywhere: labelled pictures are drawn with {@link org.pooling4j.draw.Canvas}.
 */
public final class Images {
    private Images() {}

    /** Largest picture side accepted or produced, in pixels. */
    static final int MAX_SIDE = 16_384;
    /** Most pixels of a picture accepted or produced. */
    static final long MAX_PIXELS = 1L << 26;

    /**
     * Reads a picture. Grey gives one channel, grey with alpha two (grey, alpha), colour three (red,
     * green, blue) and colour with alpha four (red, green, blue, alpha): alpha is kept as a channel
     * and pooled like the others. Values are 0..255.
     *
     * @throws IllegalArgumentException if the file is missing or not a picture ImageIO can read
     */
    static Tensor read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
        String notPicture = file + ": not a picture this JVM can read (PNG, JPEG, GIF, BMP)";
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) throw new IllegalArgumentException(notPicture);
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // The header's size is checked before the pixels are decoded, so a huge picture is
                // refused instead of exhausting the heap.
                checkSize(reader.getWidth(0), reader.getHeight(0), file.toString());
                BufferedImage img = reader.read(0);
                return toTensor(img, file.toString());
            } catch (javax.imageio.IIOException e) {
                throw new IllegalArgumentException(notPicture + ": " + e.getMessage());
            } finally {
                reader.dispose();
            }
        }
    }

    static Tensor toTensor(BufferedImage img, String name) {
        int w = img.getWidth();
        int h = img.getHeight();
        checkSize(w, h, name);
        boolean alpha = img.getColorModel().hasAlpha();
        boolean grey = img.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        int plane = w * h;
        if (grey) {
            // Read grey samples from the raster: getRGB would pass them through a colour conversion
            // that changes the levels of linear-grey pictures.
            WritableRaster r = img.getRaster();
            int bits = img.getColorModel().getComponentSize(0);
            double toByte = 255.0 / ((1L << bits) - 1);
            int c = alpha ? 2 : 1;
            float[] d = new float[c * plane];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[y * w + x] = (float) Math.rint(r.getSample(x, y, 0) * toByte);
                    if (alpha)
                        d[plane + y * w + x] = (float) Math.rint(r.getSample(x, y, 1)
                                * 255.0
                                / ((1L << img.getColorModel().getComponentSize(1)) - 1));
                }
            }
            return Tensor.of(d, 1, c, h, w);
        }
        int c = alpha ? 4 : 3;
        float[] d = new float[c * plane];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int i = y * w + x;
                d[i] = (argb >> 16) & 0xff;
                d[plane + i] = (argb >> 8) & 0xff;
                d[2 * plane + i] = argb & 0xff;
                if (alpha) d[3 * plane + i] = (argb >>> 24) & 0xff;
            }
        }
        return Tensor.of(d, 1, c, h, w);
    }

    static void checkSize(long w, long h, String name) {
        if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
            throw new IllegalArgumentException(name + ": " + w + "x" + h + " pixels: each side must be in [1, "
                    + MAX_SIDE + "] and the picture at most " + MAX_PIXELS + " pixels");
        }
    }

    private static int clamp(float v) {
        // NaN cannot come from 0..255 inputs through pooling, but a picture must not carry it either.
        if (!(v > 0)) return 0;
        return v >= 255 ? 255 : Math.round(v);
    }

    /**
     * A (1, C, H, W) tensor as a picture, values rounded and clamped to 0..255: one channel gives
     * grey, two grey with alpha (written as colour with alpha), three colour, four colour with alpha.
     */
    static BufferedImage toImage(Tensor t) {
        int c = t.dim(1);
        int h = t.dim(2);
        int w = t.dim(3);
        float[] d = t.data();
        int plane = h * w;
        if (c == 1) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster r = img.getRaster();
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) r.setSample(x, y, 0, clamp(d[y * w + x]));
            return img;
        }
        if (c < 1 || c > 4) throw new IllegalArgumentException("channels = " + c + ": a picture has 1 to 4");
        boolean alpha = c == 2 || c == 4;
        BufferedImage img = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r;
                int g;
                int b;
                int a = 255;
                if (c == 2) {
                    r = g = b = clamp(d[i]);
                    a = clamp(d[plane + i]);
                } else {
                    r = clamp(d[i]);
                    g = clamp(d[plane + i]);
                    b = clamp(d[2 * plane + i]);
                    if (c == 4) a = clamp(d[3 * plane + i]);
                }
                img.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    /** Each pixel as an {@code sx x sy} block (nearest neighbour). */
    static BufferedImage upscale(BufferedImage src, int sx, int sy) {
        if (sx == 1 && sy == 1) return src;
        long w = (long) src.getWidth() * sx;
        long h = (long) src.getHeight() * sy;
        checkSize(w, h, "upscaled picture");
        BufferedImage out = new BufferedImage(
                (int) w,
                (int) h,
                src.getType() == BufferedImage.TYPE_BYTE_GRAY
                        ? BufferedImage.TYPE_BYTE_GRAY
                        : src.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        if (out.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            WritableRaster in = src.getRaster();
            WritableRaster r = out.getRaster();
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) r.setSample(x, y, 0, in.getSample(x / sx, y / sy, 0));
        } else {
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out.setRGB(x, y, src.getRGB(x / sx, y / sy));
        }
        return out;
    }

    /** Nearest-neighbour resize to exactly w x h (each output pixel takes the input pixel it falls in). */
    static BufferedImage resizeNearest(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int sw = src.getWidth();
        int sh = src.getHeight();
        for (int y = 0; y < h; y++) {
            int syy = (int) ((long) y * sh / h);
            for (int x = 0; x < w; x++) out.setRGB(x, y, src.getRGB((int) ((long) x * sw / w), syy));
        }
        return out;
    }

    public static void writePng(BufferedImage img, Path out) throws IOException {
        org.pooling4j.draw.Canvas.writePng(img, out);
    }

    /**
     * The sample picture: 128x128 colour, no text, with smooth gradients (where max and average
     * pooling agree), one-pixel stripes and a checkerboard (where max brightens and average greys),
     * and filled shapes with hard edges.
     */
    static BufferedImage sample() {
        int n = 128;
        BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                // Background: a diagonal colour gradient.
                int r = x * 2;
                int g = y * 2;
                int b = 255 - (x + y);
                if (y < 32 && x >= 64) {
                    // Fine vertical stripes, one pixel wide.
                    int v = (x & 1) == 0 ? 255 : 30;
                    r = g = b = v;
                } else if (y >= 96 && x < 64) {
                    // A one-pixel checkerboard in yellow and dark blue.
                    boolean on = ((x + y) & 1) == 0;
                    r = on ? 250 : 20;
                    g = on ? 220 : 20;
                    b = on ? 40 : 110;
                } else if (y >= 96 && x >= 64) {
                    // Red lines one pixel high every third row: 2x2 max keeps some in every window row, average halves
                    // them.
                    boolean on = y % 3 == 0;
                    r = on ? 230 : 0;
                    g = b = 0;
                }
                double dx = x - 40.5;
                double dy = y - 56.5;
                double d = Math.sqrt(dx * dx + dy * dy);
                if (d < 22) {
                    // A disc with a radial gradient and a thin bright ring at its edge.
                    int v = (int) (255 - d * 8);
                    r = v;
                    g = v / 3;
                    b = 40;
                    if (d > 20) r = g = b = 255;
                }
                if (x >= 76 && x < 116 && y >= 44 && y < 84 && (x - 76) + (84 - y) <= 40) {
                    // A green triangle with a dotted interior.
                    r = 20;
                    g = ((x % 4 == 0) && (y % 4 == 0)) ? 255 : 170;
                    b = 60;
                }
                img.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return img;
    }
}
