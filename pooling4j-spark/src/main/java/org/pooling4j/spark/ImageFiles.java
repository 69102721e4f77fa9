package org.pooling4j.spark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import javax.imageio.ImageIO;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.pooling4j.spark.internal.ImagePooler;

/**
 * Writes image structs (the schema of Spark's image data source, as {@link PoolingTransformer} outputs them)
 * back to PNG files with {@code javax.imageio}: 1 channel as 8-bit grey, 3 channels (BGR) as RGB, 4 channels
 * (BGRA) as RGB with alpha.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * The picture an image struct holds.
     *
     * @throws IllegalArgumentException when the struct is not an 8-bit image with 1, 3 or 4 channels whose data
     *     length is height × width × nChannels
     */
    public static BufferedImage toBufferedImage(Row image) {
        if (image == null) throw new IllegalArgumentException("image = null: nothing to write");
        int h = image.getInt(index(image, "height", 1));
        int w = image.getInt(index(image, "width", 2));
        int c = image.getInt(index(image, "nChannels", 3));
        int mode = image.getInt(index(image, "mode", 4));
        byte[] d = (byte[]) image.get(index(image, "data", 5));
        if (h < 1 || w < 1 || ImagePooler.mode8u(c) < 0 || mode != ImagePooler.mode8u(c)) {
            throw new IllegalArgumentException("image " + h + " x " + w + ", nChannels " + c + ", mode " + mode
                    + ": must be at least 1 x 1, 8-bit with 1, 3 or 4 channels (modes 0, 16, 24)");
        }
        if (d == null || d.length != (long) h * w * c) {
            throw new IllegalArgumentException("image data has " + (d == null ? "no" : d.length) + " bytes: must have "
                    + ((long) h * w * c) + " (height x width x nChannels)");
        }
        if (c == 1) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, w, h, d);
            return img;
        }
        BufferedImage img = new BufferedImage(w, h, c == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] argb = new int[w * h];
        for (int i = 0, o = 0; i < argb.length; i++, o += c) {
            int b = d[o] & 0xFF;
            int g = d[o + 1] & 0xFF;
            int r = d[o + 2] & 0xFF;
            int a = c == 4 ? d[o + 3] & 0xFF : 0xFF;
            argb[i] = (a << 24) | (r << 16) | (g << 8) | b;
        }
        img.setRGB(0, 0, w, h, argb, 0, w);
        return img;
    }

    // A row without a schema (built by hand) is read in the image source's field order.
    private static int index(Row image, String field, int position) {
        return image.schema() == null ? position : image.fieldIndex(field);
    }

    /** Writes one image struct to a PNG file (replacing it). */
    public static void writePng(Row image, Path file) throws IOException {
        BufferedImage img = toBufferedImage(image);
        try (OutputStream out = Files.newOutputStream(file)) {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this JVM");
        }
    }

    /**
     * Writes every non-null image of {@code column} to a PNG file in {@code dir} (created if missing), from the
     * executors: on a cluster {@code dir} must be a directory every executor sees (a shared file system). A
     * file is named after its image's origin (the file name without its extension, plus {@code .png}); when
     * that name is taken, or the origin is empty, {@code image-PARTITION-INDEX.png}.
     */
    public static void writePngs(Dataset<Row> images, String column, String dir) {
        int index = images.schema().fieldIndex(column);
        images.foreachPartition((ForeachPartitionFunction<Row>) rows -> {
            Path d = Paths.get(dir);
            Files.createDirectories(d);
            TaskContext tc = TaskContext.get();
            int partition = tc == null ? 0 : tc.partitionId();
            long i = 0;
            while (rows.hasNext()) {
                Row r = rows.next();
                long n = i++;
                if (r.isNullAt(index)) continue;
                Row img = r.getStruct(index);
                BufferedImage picture = toBufferedImage(img);
                String base = baseName(img.getString(index(img, "origin", 0)));
                Path file = base.isEmpty() ? null : d.resolve(base + ".png");
                if (file == null || !create(file, picture)) {
                    Path other = d.resolve("image-" + partition + "-" + n + ".png");
                    if (!create(other, picture)) throw new FileAlreadyExistsException(other.toString());
                }
            }
        });
    }

    private static boolean create(Path file, BufferedImage picture) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (!ImageIO.write(picture, "png", out)) throw new IOException("no PNG writer in this JVM");
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static String baseName(String origin) {
        if (origin == null) return "";
        String s = origin;
        int slash = s.lastIndexOf('/');
        if (slash >= 0) s = s.substring(slash + 1);
        int dot = s.lastIndexOf('.');
        if (dot > 0) s = s.substring(0, dot);
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
