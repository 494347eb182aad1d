package org.speech2face.faceapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.speech2face.video.FaceFixtures;

/**
 * The pixels the face networks are compared with face-api's JavaScript on: the three test photos whole (padded and
 * resized by each network; the detector reads them too) and three face crops, one exactly 150x150 and one exactly
 * 112x112 (no resize) and one 121x130 (odd padding). {@link #write} puts them where
 * {@code bench/faceapi/make-reference.js} reads them.
 */
public final class ReferenceInputs {
    /** Inputs by name; the photos (whole images) are also run through the detector. */
    public static final Map<String, RgbImage> ALL = load();
    static final java.util.Set<String> PHOTOS = java.util.Set.of("astronaut", "obama", "biden");

    private ReferenceInputs() {
    }

    private static Map<String, RgbImage> load() {
        Map<String, RgbImage> m = new LinkedHashMap<>();
        for (String name : new String[] {"astronaut", "obama", "biden"}) {
            try (Mat bgr = FaceFixtures.photo(name + ".jpg")) {
                m.put(name, RgbImage.fromBgr(bgr));
            }
        }
        m.put("obama-face-150", m.get("obama").crop(141, 33, 150, 150));
        m.put("astronaut-face-112", m.get("astronaut").crop(56, 0, 112, 112));
        m.put("biden-face-121x130", m.get("biden").crop(183, 87, 121, 130));
        return m;
    }

    public static String sha256(RgbImage image) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image.rgb()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes each input as raw RGB plus an {@code inputs.json} index into {@code dir}. */
    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        ArrayNode index = json.createArrayNode();
        for (Map.Entry<String, RgbImage> e : ALL.entrySet()) {
            String file = e.getKey() + ".rgb";
            Files.write(dir.resolve(file), e.getValue().rgb());
            ObjectNode o = index.addObject();
            o.put("name", e.getKey()).put("file", file).put("width", e.getValue().width())
                    .put("height", e.getValue().height()).put("detect", PHOTOS.contains(e.getKey()));
        }
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("inputs.json").toFile(), index);
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args.length > 0 ? args[0] : "target/faceapi-inputs"));
    }
}
