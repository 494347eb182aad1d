package org.speech2face.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.speech2face.config.S2fConfig;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;
import org.speech2face.faceapi.fetch.NpmPackage;

/**
 * {@code s2f models fetch [--models-dir DIR]}: the pretrained face networks (face-api's weights) from the npm
 * registry into the models folder, hash-checked; a second fetch finds them there and downloads nothing.
 */
final class ModelsCommand implements Command {
    @Override
    public String summary() {
        return "'models fetch [--models-dir DIR]': download the pretrained face networks (hash-checked, cached)";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) {
        if (!args.positional().equals(List.of("fetch"))) {
            throw new CliArgs.UsageError("models takes one action, 'fetch' (s2f models fetch [--models-dir DIR]);"
                    + " got " + (args.positional().isEmpty() ? "none" : "'" + String.join(" ", args.positional()) + "'")
                    + ".");
        }
        NpmPackage pkg = NpmPackage.FACE_API;
        try {
            Path dir = ModelsDirectory.resolve(args.options().get("models-dir"), config.modelsDir());
            ModelFetcher.Result r = ModelFetcher.faceApi(System.getenv()).fetch(dir);
            if (r.downloaded()) {
                out.printf("Fetched %s %s (%d bytes, integrity %s checked) into %s:%n", pkg.name(), pkg.version(),
                        r.tarballBytes(), pkg.integrity(), dir);
            } else {
                out.printf("The %s %s models are already in %s (SHA-256 verified; nothing downloaded):%n",
                        pkg.name(), pkg.version(), dir);
            }
            for (Path f : r.files()) {
                out.printf("  %s%n", f.getFileName());
            }
            return 0;
        } catch (ModelFetchException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }
}
