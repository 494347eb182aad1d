package org.speech2face.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The reference pairs written by bench/msssim/make_vectors.py (NumPy), read from the test classpath. */
public final class MsSsimVectors {
    /** One pair: images as planar RGB float CHW in [0, 1]. */
    public record Case(String a, String b, int size, int scales, double msSsim, double l1, float[] x, float[] y) {
    }

    private MsSsimVectors() {
    }

    public static List<Case> load() {
        try (InputStream in = MsSsimVectors.class.getResourceAsStream("/msssim/vectors.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                cases.add(new Case(c.get("a").asText(), c.get("b").asText(), c.get("size").asInt(), c.get("scales").asInt(),
                        c.get("msssim").asDouble(), c.get("l1").asDouble(), image(c.get("a").asText()), image(c.get("b").asText())));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a PNG from /msssim/ as planar RGB in [0, 1]. */
    public static float[] image(String name) {
        try (InputStream in = MsSsimVectors.class.getResourceAsStream("/msssim/" + name)) {
            BufferedImage img = ImageIO.read(in);
            int h = img.getHeight();
            int w = img.getWidth();
            float[] out = new float[3 * h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    out[y * w + x] = ((rgb >> 16) & 0xff) / 255f;
                    out[h * w + y * w + x] = ((rgb >> 8) & 0xff) / 255f;
                    out[2 * h * w + y * w + x] = (rgb & 0xff) / 255f;
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
