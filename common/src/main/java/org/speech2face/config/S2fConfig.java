package org.speech2face.config;

import com.typesafe.config.Config;
import org.speech2face.audio.SpectrogramSpec;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.data.Split;
import org.speech2face.video.FaceCropSpec;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

import static org.speech2face.config.ConfigKeys.*;

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
        String modelsDir,
        SplitFractions split,
        Ingest ingest,
        Features features,
        Gender gender,
        Priors priors,
        TrainingSettings training,
        EvaluateSettings evaluate,
        DatasetsSettings datasets,
        int reportSampleRejects,
        int progressIntervalSeconds,
        String rendered) implements Serializable {

    /** The model size profile: {@code tiny} trains on a laptop in minutes, {@code paper} has the paper's sizes. */
    public enum ProfileName { TINY, PAPER }

    /** Where the AVSpeech CSV and the downloaded clips are read from. */
    public record Input(String csv, String videos, List<String> videoExtensions) implements Serializable {
        public Input {
            videoExtensions = List.copyOf(videoExtensions);
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
        public Split assign(String youtubeId) {
            return Split.of(youtubeId, train, val);
        }
    }

    /**
     * Settings shared by the ingest jobs, and the face and spectrogram recipes they apply.
     *
     * @param detector which face detector ingest-faces runs (the SSD reads its weights from {@link #modelsDir()})
     */
    public record Ingest(int partitions, String localTmp, FaceCropSpec faces, FaceDetectorName detector,
                         SpectrogramSpec audio) implements Serializable {
    }

    /** ingest-faces' face detector: OpenCV's frontal Haar cascade, or face-api's SSD MobileNet v1. */
    public enum FaceDetectorName { HAAR, SSD_MOBILENET }

    /**
     * Face feature caching. {@code network} is the face network whose features Ff every later stage regresses to;
     * {@code vggfaceWeights} is {@code random:<seed>} or the location of a weights file (used when the network is
     * VGGFace); {@code partitions} 0 means the cluster's default parallelism.
     */
    public record Features(FeatureNetwork network, String vggfaceWeights, int batchSize, int partitions)
            implements Serializable {
    }

    /** The voice gender classifier: where its labels come from and how it is trained. */
    public record Gender(String labels, int epochs, int batchSize, double learningRate, long seed)
            implements Serializable {
    }

    /** Where the male and female priors take a face's gender from. */
    public enum GenderSource { PREDICTED, LABELS }

    /** The face priors: the face counts n (ascending), the sampling seed and the gender source. */
    public record Priors(List<Integer> n, long seed, GenderSource genderFrom) implements Serializable {
        public Priors {
            n = List.copyOf(n);
        }
    }

    /**
     * Binds a merged, resolved config. Every value is read through its {@link ConfigKeys key}, which is the one place
     * its bounds are checked; the records above hold the result and check nothing again.
     */
    static S2fConfig from(Config c) {
        return bind(new Settings(c), c);
    }

    /** The keys {@link #from} reads, for the test that holds the code, reference.conf and the registry together. */
    static java.util.Set<String> keysRead(Config c) {
        Settings s = new Settings(c);
        bind(s, c);
        return s.keysRead();
    }

    private static S2fConfig bind(Settings s, Config c) {
        s.get(HOME); // only used by ${home} substitutions, but checked like every other key
        Input input = new Input(s.get(INPUT_CSV), s.get(INPUT_VIDEOS), s.get(INPUT_VIDEO_EXTENSIONS));
        SparkSettings spark = new SparkSettings(s.get(SPARK_MASTER), s.get(SPARK_APP_NAME), s.get(SPARK_CONF));
        SplitFractions split = new SplitFractions(s.get(SPLIT_TRAIN), s.get(SPLIT_VAL));
        Ingest ingest = new Ingest(s.get(INGEST_PARTITIONS), s.get(INGEST_LOCAL_TMP), faceCropSpec(s),
                s.get(FACES_DETECTOR), spectrogramSpec(s));
        S2fConfig config = new S2fConfig(
                s.get(DATA_ROOT),
                input,
                spark,
                s.get(MODEL_PROFILE),
                s.get(OVERWRITE),
                s.get(MODELS_DIR),
                split,
                ingest,
                new Features(s.get(FEATURES_NETWORK), s.get(VGGFACE_WEIGHTS), s.get(FEATURES_BATCH_SIZE),
                        s.get(FEATURES_PARTITIONS)),
                new Gender(s.get(GENDER_LABELS), s.get(GENDER_EPOCHS), s.get(GENDER_BATCH_SIZE),
                        s.get(GENDER_LEARNING_RATE), s.get(GENDER_SEED)),
                new Priors(s.get(PRIORS_N), s.get(PRIORS_SEED), s.get(PRIORS_GENDER_FROM)),
                TrainingSettings.from(s),
                EvaluateSettings.from(s),
                DatasetsSettings.from(s),
                s.get(REPORT_SAMPLE_REJECTS),
                s.get(PROGRESS_INTERVAL_SECONDS),
                render(c));
        ConfigKeys.RULES.forEach(r -> r.enforce(s));
        return config;
    }

    /** The user-facing sections of the merged config, as HOCON, for show-config and run reports. */
    private static String render(Config c) {
        Config out = com.typesafe.config.ConfigFactory.empty();
        for (String section : List.of("data", "input", "spark", "model", "overwrite", "models", "split", "ingest",
                "vggface", "features", "gender", "priors", "training", "encoder", "report", "progress", "evaluate", "datasets")) {
            out = out.withFallback(c.withOnlyPath(section));
        }
        return out.root().render(com.typesafe.config.ConfigRenderOptions.concise().setFormatted(true).setJson(false));
    }

    private static FaceCropSpec faceCropSpec(Settings s) {
        return new FaceCropSpec(s.get(FACES_FRAMES), s.get(FACES_MARGIN), s.get(FACES_OUTPUT_SIZE),
                s.get(FACES_DETECTION_MAX_SIDE), s.get(FACES_MIN_FACE_FRACTION), s.get(FACES_MAX_HINT_DISTANCE),
                s.get(FACES_HINT_ONLY_CROP), s.get(FACES_HINT_CROP_FRACTION), s.get(FACES_HAAR_SCALE_FACTOR),
                s.get(FACES_HAAR_MIN_NEIGHBORS));
    }

    private static SpectrogramSpec spectrogramSpec(Settings s) {
        int rate = s.get(AUDIO_SAMPLE_RATE);
        long samples = ConfigKeys.segmentSamples(rate, s.get(AUDIO_SEGMENT_SECONDS));
        return new SpectrogramSpec(rate, (int) samples, s.get(AUDIO_WINDOW), s.get(AUDIO_HOP), s.get(AUDIO_FFT_SIZE),
                s.get(AUDIO_COMPRESSION_POWER));
    }
}
