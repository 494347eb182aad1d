package org.speech2face.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.speech2face.data.VideoLocator;
import org.speech2face.audio.VoiceClip;
import org.speech2face.config.S2fConfig;
import org.speech2face.data.RejectException;
import org.speech2face.jobs.generate.FaceFiles;
import org.speech2face.jobs.generate.GenerateFolderJob;
import org.speech2face.jobs.generate.VoiceToFace;
import org.speech2face.media.FFmpegLog;
import org.speech2face.model.io.CheckpointException;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code s2f generate --input <voice> --output face.png [--variant id]}: a face from a voice with the newest trained
 * networks. One file is drawn on this machine without Spark (a Spark session would cost more than the networks
 * on the tiny profile); a folder runs {@link GenerateFolderJob} on Spark, one PNG per file. A voice that cannot be
 * used is one line on stderr and exit code 1.
 */
final class GenerateCommand implements Command {
    private static final Pattern HAS_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    @Override
    public String summary() {
        return "a face PNG from a voice (wav, mp3, m4a, video) or from each voice in a folder";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        String input = required(args, "input", "a voice file (wav, mp3, m4a or a video) or a folder of them");
        String output = required(args, "output", "the face PNG to write, or a folder for a folder of voices");
        String variant = args.options().getOrDefault("variant", config.evaluate().generate().variant())
                .trim().toLowerCase(Locale.ROOT);
        Configuration conf = hadoopConf(config);
        Path in = new Path(uri(input));
        FileSystem fs = in.getFileSystem(conf);
        if (!fs.exists(in)) {
            throw new CommandFailure("The voice " + input + " does not exist.", null);
        }
        if (fs.getFileStatus(in).isDirectory()) {
            return S2f.runJobs(List.of(new GenerateFolderJob(in.toString(), uri(output), variant)), args, config, out);
        }
        long t0 = System.nanoTime();
        FFmpegLog.quiet();
        VoiceClip clip;
        try (VideoLocator.LocalVideo local = VideoLocator.local(in, conf, config.ingest().localTmp(), "s2f-voice-")) {
            clip = VoiceClip.read(local.file(), config.ingest().audio(), config.evaluate().generate().minSeconds(),
                    config.evaluate().generate().silenceDbfs());
        } catch (RejectException e) {
            throw new CommandFailure(e.getMessage() + " (" + e.reason().code() + ")", e);
        }
        VoiceToFace recipe;
        try {
            recipe = VoiceToFace.prepare(config, variant, conf);
        } catch (IllegalStateException | CheckpointException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        VoiceToFace.Face face = recipe.draw(List.of(clip)).get(0);
        Path target = target(new Path(uri(output)), in, conf);
        FaceFiles.write(target, face.png(), conf);
        out.printf(Locale.ROOT, "generate: %s -> %s (encoder %s, %.1f s of audio at %.1f dBFS%s), %.1f s%n", input,
                target, recipe.variant(), clip.seconds(), clip.rmsDbfs(), face.predictedGender() == null ? ""
                        : ", voice predicted " + face.predictedGender(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The PNG to write: {@code output} itself, or {@code <stem>.png} inside it when it is an existing folder. */
    private static Path target(Path output, Path input, Configuration conf) throws IOException {
        FileSystem fs = output.getFileSystem(conf);
        if (fs.exists(output) && fs.getFileStatus(output).isDirectory()) {
            String name = input.getName();
            return new Path(output, (name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name) + ".png");
        }
        return output;
    }

    private static String required(CliArgs args, String option, String what) {
        String v = args.options().get(option);
        if (v == null || v.isBlank()) {
            throw new CliArgs.UsageError("generate needs --" + option + ": " + what + ".");
        }
        return v;
    }

    /** A URI as written, or a local path made absolute, as config locations are. */
    private static String uri(String location) {
        return HAS_SCHEME.matcher(location).matches() ? location
                : new File(location).toPath().toAbsolutePath().normalize().toUri().toString();
    }

    /** Hadoop settings given as {@code spark.hadoop.*} in spark.conf, as Spark would pass them on. */
    private static Configuration hadoopConf(S2fConfig config) {
        Configuration conf = new Configuration();
        for (Map.Entry<String, String> e : config.spark().conf().entrySet()) {
            if (e.getKey().startsWith("spark.hadoop.")) {
                conf.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
            }
        }
        return conf;
    }
}
