import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the ten digits with every TrueType font found under a font directory into MNIST-style IDX
 * files, to check how a network trained on generated digits does on digits drawn by real fonts.
 *
 * <p>Not part of the library. Run it with the single-file launcher:
 * <pre>java tools/fontdigits/FontDigits.java OUTDIR [--copies N] [--seed S] [--fonts DIR]</pre>
 *
 * <p>Each glyph is drawn white on black, scaled so that its bounding box fits 20x20 (aspect ratio
 * kept), placed so that its centre of mass falls on the centre of the 28x28 frame, then translated by
 * a random whole-pixel shift in -3..3 on each axis (vacated pixels stay black). Every font file is
 * one face (regular, bold, italic, ...), so the faces a family ships are all used. Writes
 * {@code font-images-idx3-ubyte} and {@code font-labels-idx1-ubyte} into OUTDIR.
 */
public final class FontDigits {
    private static final int SIDE = 28;
    private static final int BOX = 20;
    private static final int MAX_SHIFT = 3;
    // Glyphs are drawn at this many sub-pixels per output pixel and box-filtered down, which gives
    // the same anti-aliasing for every font whatever its hinting.
    private static final int SUPER = 8;

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java FontDigits.java OUTDIR [--copies N] [--seed S] [--fonts DIR]");
            System.exit(2);
        }
        Path out = Paths.get(args[0]);
        int copies = 5;
        long seed = 20_240_101L;
        Path fontDir = Paths.get("/usr/share/fonts");
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + ": missing value");
            switch (args[i]) {
                case "--copies": copies = Integer.parseInt(args[i + 1]); break;
                case "--seed": seed = Long.parseLong(args[i + 1]); break;
                case "--fonts": fontDir = Paths.get(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (copies < 1) throw new IllegalArgumentException("--copies = " + copies + ": must be >= 1");

        List<Path> files;
        try (Stream<Path> s = Files.walk(fontDir)) {
            files = s.filter(p -> p.toString().toLowerCase().endsWith(".ttf")).sorted().collect(Collectors.toList());
        }
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Random rnd = new Random(seed);
        int used = 0;
        for (Path file : files) {
            Font font;
            try {
                font = Font.createFont(Font.TRUETYPE_FONT, file.toFile()).deriveFont(100f);
            } catch (Exception e) {
                System.err.println("skipped " + file.getFileName() + ": " + e.getMessage());
                continue;
            }
            if (font.canDisplayUpTo("0123456789") != -1) {
                System.err.println("skipped " + file.getFileName() + ": no digits");
                continue;
            }
            used++;
            for (int d = 0; d <= 9; d++) {
                float[] centred = render(font, (char) ('0' + d));
                for (int c = 0; c < copies; c++) {
                    int dx = rnd.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
                    int dy = rnd.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
                    images.add(shift(centred, dx, dy));
                    labels.add(d);
                }
            }
        }
        Files.createDirectories(out);
        writeImages(out.resolve("font-images-idx3-ubyte"), images);
        writeLabels(out.resolve("font-labels-idx1-ubyte"), labels);
        System.out.println(images.size() + " images from " + used + " font files (" + copies + " shifted copies per digit) in " + out);
    }

    /** The glyph fitted into the 20x20 box and centred by centre of mass in 28x28, grey levels in [0, 1]. */
    static float[] render(Font font, char ch) {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        GlyphVector gv = font.createGlyphVector(frc, String.valueOf(ch));
        Shape outline = gv.getOutline();
        Rectangle2D b = outline.getBounds2D();
        double scale = BOX / Math.max(b.getWidth(), b.getHeight());
        int big = SIDE * SUPER;
        BufferedImage img = new BufferedImage(big, big, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        AffineTransform t = new AffineTransform();
        t.scale(SUPER, SUPER);
        t.translate(SIDE / 2.0, SIDE / 2.0);
        t.scale(scale, scale);
        t.translate(-b.getCenterX(), -b.getCenterY());
        g.setColor(java.awt.Color.WHITE);
        g.fill(t.createTransformedShape(outline));
        g.dispose();
        float[] px = new float[SIDE * SIDE];
        var raster = img.getRaster();
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int sum = 0;
                for (int sy = 0; sy < SUPER; sy++) {
                    for (int sx = 0; sx < SUPER; sx++) sum += raster.getSample(x * SUPER + sx, y * SUPER + sy, 0);
                }
                px[y * SIDE + x] = sum / (255f * SUPER * SUPER);
            }
        }
        double m = 0, mx = 0, my = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = px[y * SIDE + x];
                m += v;
                mx += v * x;
                my += v * y;
            }
        }
        if (m == 0) return px;
        // MNIST moves the centre of mass to the frame's centre by a whole-pixel translation.
        int dx = (int) Math.round((SIDE - 1) / 2.0 - mx / m);
        int dy = (int) Math.round((SIDE - 1) / 2.0 - my / m);
        return shift(px, dx, dy);
    }

    static float[] shift(float[] src, int dx, int dy) {
        float[] dst = new float[src.length];
        for (int y = 0; y < SIDE; y++) {
            int sy = y - dy;
            if (sy < 0 || sy >= SIDE) continue;
            for (int x = 0; x < SIDE; x++) {
                int sx = x - dx;
                if (sx >= 0 && sx < SIDE) dst[y * SIDE + x] = src[sy * SIDE + sx];
            }
        }
        return dst;
    }

    static void writeImages(Path path, List<float[]> images) throws IOException {
        try (OutputStream os = Files.newOutputStream(path);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            out.writeInt(0x00000803);
            out.writeInt(images.size());
            out.writeInt(SIDE);
            out.writeInt(SIDE);
            for (float[] img : images) {
                for (float v : img) out.writeByte(Math.round(Math.max(0f, Math.min(1f, v)) * 255f));
            }
        }
    }

    static void writeLabels(Path path, List<Integer> labels) throws IOException {
        try (OutputStream os = Files.newOutputStream(path);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            out.writeInt(0x00000801);
            out.writeInt(labels.size());
            for (int l : labels) out.writeByte(l);
        }
    }
}
