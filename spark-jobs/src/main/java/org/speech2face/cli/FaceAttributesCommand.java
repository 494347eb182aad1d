package org.speech2face.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.speech2face.config.S2fConfig;
import org.speech2face.faceapi.FaceAttributes;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;
import org.speech2face.faceapi.nets.SsdPostProcessing.Detection;

/**
 * {@code s2f face-attributes --input IMAGE [--no-detect] [--json] [--models-dir DIR]}: the 128-D descriptor, age and
 * gender of the face in an image, with face-api's pretrained networks, without Spark. By default the best face the
 * SSD detector finds is used; {@code --no-detect} takes the whole image as the face.
 */
final class FaceAttributesCommand implements Command {
    @Override
    public String summary() {
        return "128-D descriptor, age and gender of the face in an image (--input IMAGE [--no-detect] [--json])";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws IOException {
        String input = args.options().get("input");
        if (input == null || input.isBlank()) {
            throw new CliArgs.UsageError("face-attributes needs --input: an image file (JPEG, PNG, ...).");
        }
        boolean detect = !args.flags().contains("no-detect");
        Path models;
        try {
            models = ModelsDirectory.resolve(args.options().get("models-dir"), config.modelsDir());
            ModelFetcher.faceApi(System.getenv()).require(models);
        } catch (ModelFetchException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        RgbImage image;
        try {
            image = RgbImage.read(Path.of(input));
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        FaceAttributes.Result r;
        try {
            FaceAttributes nets = FaceAttributes.load(models, detect);
            r = detect ? nets.ofBestFace(image, input) : nets.ofAlignedFace(image);
        } catch (FaceAttributes.NoFaceException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        out.print(args.flags().contains("json") ? json(r) : text(r));
        return 0;
    }

    static String json(FaceAttributes.Result r) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        ArrayNode d = o.putArray("descriptor");
        for (float v : r.descriptor()) {
            d.add(v);
        }
        o.put("age", r.age()).put("gender", r.gender()).put("genderProbability", r.genderProbability());
        if (r.face().isPresent()) {
            Detection f = r.face().get();
            o.putObject("face").put("x", f.x()).put("y", f.y()).put("width", f.width()).put("height", f.height())
                    .put("score", f.score());
        } else {
            o.putNull("face");
        }
        return m.writeValueAsString(o) + System.lineSeparator();
    }

    static String text(FaceAttributes.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(r.face().map(f -> String.format(Locale.ROOT, "face: x %.1f, y %.1f, %.1f x %.1f pixels, score %.3f",
                f.x(), f.y(), f.width(), f.height(), f.score())).orElse("face: the whole image (--no-detect)"));
        b.append(String.format(Locale.ROOT, "%nage: %.1f%ngender: %s (probability %.3f)%ndescriptor (128-D):",
                r.age(), r.gender(), r.genderProbability()));
        float[] d = r.descriptor();
        for (int i = 0; i < d.length; i++) {
            b.append(i % 8 == 0 ? String.format("%n ") : "").append(String.format(Locale.ROOT, " %+.6f", d[i]));
        }
        return b.append(System.lineSeparator()).toString();
    }
}
