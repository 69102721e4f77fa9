package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pooling4j.cli.pictures.Charts;

class StudyChartsTest {
    @TempDir
    Path dir;

    /** The tables of a study.md as the study writes them, for two kinds and two epochs. */
    private static final String MD = """
            # Pooling study

            Some text.

            | pooling | test acc | shifted 1 px | 2 px | 3 px | 4 px | head input | head params | s / epoch | pooling share |
            |---|---|---|---|---|---|---|---|---|---|
            | max | 99.50 % | 99.00 % | 95.00 % | 85.00 % | 70.00 % | 32×4×4 | 66,954 | 6.0 | 17.6 % |
            | none | 99.00 % | 98.00 % | 92.00 % | 80.00 % | 65.00 % | 32×4×4 | 66,954 | 2.0 | 0.0 % |

            Test accuracy per epoch:

            | pooling | 1 | 2 |
            |---|---|---|
            | max | 98.00 % | 99.50 % |
            | none | 97.00 % | 99.00 % |

            ![test accuracy per epoch](accuracy.png)
            """;

    @Test
    void redrawsTheChartsFromTheTablesOfAStudy() throws Exception {
        Path md = dir.resolve("study.md");
        Files.writeString(md, MD, StandardCharsets.UTF_8);
        Object[] r = CliTest.cli("study", "--charts-from", md.toString());
        assertEquals(0, r[0], (String) r[1]);
        for (String png : new String[] {"accuracy.png", "shift.png"}) {
            BufferedImage img = ImageIO.read(dir.resolve(png).toFile());
            assertEquals(Charts.WIDTH, img.getWidth(), png);
            // Both series are drawn, each in its palette colour.
            for (int i = 0; i < 2; i++) {
                int colour = org.pooling4j.draw.Chart.PALETTE[i];
                boolean found = false;
                for (int y = 0; y < img.getHeight() && !found; y++) {
                    for (int x = 0; x < img.getWidth() && !found; x++) found = (img.getRGB(x, y) & 0xffffff) == colour;
                }
                assertTrue(found, png + " series " + i);
            }
        }
    }

    @Test
    void aFileWithoutTheTablesIsRefused() throws Exception {
        Path md = dir.resolve("other.md");
        Files.writeString(md, "# Not a study\n", StandardCharsets.UTF_8);
        Object[] r = CliTest.cli("study", "--charts-from", md.toString());
        assertTrue((int) r[0] != 0, (String) r[1]);
        assertTrue(((String) r[1]).contains("no study tables"), (String) r[1]);
    }
}
