package org.speech2face.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import org.speech2face.audio.SpectrogramSpec;
import org.speech2face.data.Split;
import org.speech2face.video.FaceCropSpec;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The whole validated configuration of one s2f run. Immutable and serialisable, so the driver binds it once and
 * executors receive the typed values, never a string map.
 */
public record S2fConfig(
        String dataRoot,
        Input input,
        SparkSettings spark,
        ProfileName profile,
        boolean overwrite,
        SplitFractions split,
        Ingest ingest,
        Features features,
        Gender gender,
        Priors priors,
        TrainingSettings training,
        EvaluateSettings evaluate,
        int reportSampleRejects,
        int progressIntervalSeconds,
        String rendered) implements Serializable {

    /** The model size profile; see DESIGN.md "Model profiles". */
    public enum ProfileName { TINY, PAPER }

    /** Where the AVSpeech CSV and the downloaded clips are read from. */
    public record Input(String csv, String videos, List<String> videoExtensions) implements Serializable {
        public Input {
            videoExtensions = List.copyOf(videoExtensions);
            for (String ext : videoExtensions) {
                if (!ext.matches("[a-z0-9]{2,5}")) {
                    throw new ConfigError("Config key 'input.video-extensions' holds '" + ext
                            + "', which is not a plain file extension like mp4.");
                }
            }
        }
    }

    /** Master, app name and pass-through SparkConf entries. */
    public record SparkSettings(String master, String appName, Map<String, String> conf) implements Serializable {
        public SparkSettings {
            conf = Map.copyOf(conf);
        }
    }

    /** Fractions of youtube_ids assigned to train and val; test gets the rest. */
    public record SplitFractions(double train, double val) implements Serializable {
        public SplitFractions {
            if (train + val > 1.0 + 1e-9) {
                throw new ConfigError("Config keys 'split.train' (" + train + ") and 'split.val' (" + val
                        + ") add up to more than 1.");
            }
        }

        public Split assign(String youtubeId) {
            return Split.of(youtubeId, train, val);
        }
    }

    /** Settings shared by the ingest jobs, and the face and spectrogram recipes they apply. */
    public record Ingest(int partitions, String localTmp, FaceCropSpec faces, SpectrogramSpec audio)
            implements Serializable {
    }

    /**
     * VGGFace feature caching. {@code vggfaceWeights} is {@code random:<seed>} or the location of a weights file;
     * {@code partitions} 0 means the cluster's default parallelism.
     */
    public record Features(String vggfaceWeights, int batchSize, int partitions) implements Serializable {
        public Features {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1; got " + batchSize + ".");
            }
            if (partitions < 0) {
                throw new IllegalArgumentException("partitions must be 0 (the default parallelism) or more; got "
                        + partitions + ".");
            }
        }
    }

    /** The voice gender classifier: where its labels come from and how it is trained. */
    public record Gender(String labels, int epochs, int batchSize, double learningRate, long seed)
            implements Serializable {
        public Gender {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1; got " + epochs + ".");
            }
            if (batchSize < 2) {
                throw new IllegalArgumentException("batchSize must be at least 2 (batch normalisation needs two "
                        + "examples); got " + batchSize + ".");
            }
            if (!(learningRate > 0 && learningRate < 1)) {
                throw new IllegalArgumentException("learningRate must be in (0, 1); got " + learningRate + ".");
            }
        }
    }

    /** Where the male and female priors take a face's gender from. */
    public enum GenderSource { PREDICTED, LABELS }

    /** The face priors: the face counts n (ascending), the sampling seed and the gender source. */
    public record Priors(List<Integer> n, long seed, GenderSource genderFrom) implements Serializable {
        public Priors {
            n = List.copyOf(n);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("n must list at least one face count.");
            }
            for (int i = 0; i < n.size(); i++) {
                if (n.get(i) < 1) {
                    throw new IllegalArgumentException("n must hold positive face counts; got " + n.get(i) + ".");
                }
                if (i > 0 && n.get(i) <= n.get(i - 1)) {
                    throw new IllegalArgumentException("n must be strictly ascending; got " + n.get(i) + " after "
                            + n.get(i - 1) + ".");
                }
            }
        }
    }

    /** Binds a merged, resolved config; every failure names its key. */
    static S2fConfig from(Config c) {
        Settings s = new Settings(c);
        Input input = new Input(s.location("input.csv"), s.location("input.videos"), s.strings("input.video-extensions"));
        SparkSettings spark = new SparkSettings(s.string("spark.master"), s.string("spark.app-name"),
                flatten(c.getConfig("spark.conf")));
        SplitFractions split = new SplitFractions(s.doubleIn("split.train", 0, 1), s.doubleIn("split.val", 0, 1));
        Ingest ingest = new Ingest(s.intIn("ingest.partitions", 0, 1_000_000), s.location("ingest.local-tmp"),
                faceCropSpec(s), spectrogramSpec(s));
        String rendered = c.withOnlyPath("data").withFallback(c.withOnlyPath("input")).withFallback(c.withOnlyPath("spark"))
                .withFallback(c.withOnlyPath("model")).withFallback(c.withOnlyPath("overwrite"))
                .withFallback(c.withOnlyPath("split")).withFallback(c.withOnlyPath("ingest"))
                .withFallback(c.withOnlyPath("vggface")).withFallback(c.withOnlyPath("features"))
                .withFallback(c.withOnlyPath("gender")).withFallback(c.withOnlyPath("priors"))
                .withFallback(c.withOnlyPath("training")).withFallback(c.withOnlyPath("encoder"))
                .withFallback(c.withOnlyPath("report")).withFallback(c.withOnlyPath("progress"))
                .withFallback(c.withOnlyPath("evaluate"))
                .root().render(com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true).setJson(false));
        return new S2fConfig(
                s.location("data.root"),
                input,
                spark,
                s.oneOf("model.profile", ProfileName.class),
                s.bool("overwrite"),
                split,
                ingest,
                s.record("features", () -> new Features(s.location("vggface.weights"),
                        s.intIn("features.batch-size", 1, 100_000), s.intIn("features.partitions", 0, 1_000_000))),
                s.record("gender", () -> new Gender(s.location("gender.labels"), s.intIn("gender.epochs", 1, 100_000),
                        s.intIn("gender.batch-size", 1, 100_000), s.doubleIn("gender.learning-rate", 0, 1),
                        s.longIn("gender.seed"))),
                s.record("priors", () -> new Priors(s.ints("priors.n", 1, Integer.MAX_VALUE), s.longIn("priors.seed"),
                        s.oneOf("priors.gender-from", GenderSource.class))),
                TrainingSettings.from(s),
                EvaluateSettings.from(s),
                s.intIn("report.sample-rejects", 0, 10_000),
                s.intIn("progress.interval-seconds", 1, 86_400),
                rendered);
    }

    private static FaceCropSpec faceCropSpec(Settings s) {
        String p = "ingest.faces.";
        return s.record("ingest.faces", () -> new FaceCropSpec(
                s.intIn(p + "frames-per-segment", 1, 1000),
                s.doubleIn(p + "margin", 0, 100),
                s.intIn(p + "output-size", 1, 100_000),
                s.intIn(p + "detection-max-side", 1, 100_000),
                s.doubleIn(p + "min-face-fraction", 0, 1),
                s.doubleIn(p + "max-hint-distance", 0, 1000),
                s.bool(p + "hint-only-crop"),
                s.doubleIn(p + "hint-crop-fraction", 0, 1),
                s.doubleIn(p + "haar-scale-factor", 0, 100),
                s.intIn(p + "haar-min-neighbors", 0, 1000)));
    }

    private static SpectrogramSpec spectrogramSpec(Settings s) {
        String p = "ingest.audio.";
        int rate = s.intIn(p + "sample-rate", 1, 1_000_000);
        double seconds = s.doubleIn(p + "segment-seconds", 0, 3600);
        return s.record("ingest.audio", () -> new SpectrogramSpec(rate, (int) Math.round(rate * seconds),
                s.intIn(p + "window", 1, 1 << 20), s.intIn(p + "hop", 1, 1 << 20), s.intIn(p + "fft-size", 1, 1 << 20),
                s.doubleIn(p + "compression-power", 0, 10)));
    }

    private static Map<String, String> flatten(Config section) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : section.entrySet()) {
            out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
        }
        return out;
    }
}
