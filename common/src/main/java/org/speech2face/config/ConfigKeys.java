package org.speech2face.config;

import org.speech2face.contracts.EncoderVariant;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.contracts.PriorFusion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every key s2f reads, with the one set of bounds each value must keep, and the rules that tie keys together. The
 * order is reference.conf's. A key's meaning and default live in reference.conf; {@link ConfigReference} joins the
 * two into {@code docs/configuration.md}, and ConfigReferenceTest fails when this list, reference.conf, the binding
 * in {@link S2fConfig} and the document disagree.
 */
final class ConfigKeys {
    private ConfigKeys() {
    }

    private static final int MANY = 1_000_000;

    static final ConfigKey.Location HOME = new ConfigKey.Location("home", false);

    static final ConfigKey.Location DATA_ROOT = new ConfigKey.Location("data.root", false);

    static final ConfigKey.Location INPUT_CSV = new ConfigKey.Location("input.csv", false);
    static final ConfigKey.Location INPUT_VIDEOS = new ConfigKey.Location("input.videos", false);
    static final ConfigKey.TextList INPUT_VIDEO_EXTENSIONS = new ConfigKey.TextList("input.video-extensions",
            "[a-z0-9]{2,5}", "a plain file extension like mp4 (2 to 5 of a-z, 0-9)");

    static final ConfigKey.Text SPARK_MASTER = new ConfigKey.Text("spark.master");
    static final ConfigKey.Text SPARK_APP_NAME = new ConfigKey.Text("spark.app-name");
    static final ConfigKey.Section SPARK_CONF = new ConfigKey.Section("spark.conf");

    static final ConfigKey.OneOf<S2fConfig.ProfileName> MODEL_PROFILE =
            new ConfigKey.OneOf<>("model.profile", S2fConfig.ProfileName.class);
    static final ConfigKey.Bool OVERWRITE = new ConfigKey.Bool("overwrite");

    static final ConfigKey.Location MODELS_DIR = new ConfigKey.Location("models.dir", false);

    static final ConfigKey.Decimal SPLIT_TRAIN = closed("split.train", 0, 1);
    static final ConfigKey.Decimal SPLIT_VAL = closed("split.val", 0, 1);

    static final ConfigKey.Int INGEST_PARTITIONS = new ConfigKey.Int("ingest.partitions", 0, MANY);
    static final ConfigKey.Location INGEST_LOCAL_TMP = new ConfigKey.Location("ingest.local-tmp", false);

    static final ConfigKey.Int FACES_FRAMES = new ConfigKey.Int("ingest.faces.frames-per-segment", 1, 50);
    static final ConfigKey.Decimal FACES_MARGIN = closed("ingest.faces.margin", 0, 2);
    static final ConfigKey.Int FACES_OUTPUT_SIZE = new ConfigKey.Int("ingest.faces.output-size", 8, 2048);
    static final ConfigKey.Int FACES_DETECTION_MAX_SIDE =
            new ConfigKey.Int("ingest.faces.detection-max-side", 64, 8192);
    static final ConfigKey.Decimal FACES_MIN_FACE_FRACTION =
            new ConfigKey.Decimal("ingest.faces.min-face-fraction", 0, true, 1, true);
    static final ConfigKey.Decimal FACES_MAX_HINT_DISTANCE = openClosed("ingest.faces.max-hint-distance", 0, 10);
    static final ConfigKey.Bool FACES_HINT_ONLY_CROP = new ConfigKey.Bool("ingest.faces.hint-only-crop");
    static final ConfigKey.Decimal FACES_HINT_CROP_FRACTION = openClosed("ingest.faces.hint-crop-fraction", 0, 1);
    static final ConfigKey.Decimal FACES_HAAR_SCALE_FACTOR = openClosed("ingest.faces.haar-scale-factor", 1, 2);
    static final ConfigKey.Int FACES_HAAR_MIN_NEIGHBORS = new ConfigKey.Int("ingest.faces.haar-min-neighbors", 0, 100);
    static final ConfigKey.OneOf<S2fConfig.FaceDetectorName> FACES_DETECTOR =
            new ConfigKey.OneOf<>("ingest.faces.detector", S2fConfig.FaceDetectorName.class);

    static final ConfigKey.Int AUDIO_SAMPLE_RATE = new ConfigKey.Int("ingest.audio.sample-rate", 1000, 384_000);
    static final ConfigKey.Decimal AUDIO_SEGMENT_SECONDS = openClosed("ingest.audio.segment-seconds", 0, 3600);
    static final ConfigKey.Int AUDIO_WINDOW = new ConfigKey.Int("ingest.audio.window", 1, 1 << 20);
    static final ConfigKey.Int AUDIO_HOP = new ConfigKey.Int("ingest.audio.hop", 1, 1 << 20);
    static final ConfigKey.Int AUDIO_FFT_SIZE = new ConfigKey.Int("ingest.audio.fft-size", 2, 1 << 20);
    static final ConfigKey.Decimal AUDIO_COMPRESSION_POWER = openClosed("ingest.audio.compression-power", 0, 1);

    static final ConfigKey.Weights VGGFACE_WEIGHTS = new ConfigKey.Weights("vggface.weights");

    static final ConfigKey.OneOf<FeatureNetwork> FEATURES_NETWORK =
            new ConfigKey.OneOf<>("features.network", FeatureNetwork.class);
    static final ConfigKey.Int FEATURES_BATCH_SIZE = new ConfigKey.Int("features.batch-size", 1, 100_000);
    static final ConfigKey.Int FEATURES_PARTITIONS = new ConfigKey.Int("features.partitions", 0, MANY);

    static final ConfigKey.Location GENDER_LABELS = new ConfigKey.Location("gender.labels", false);
    static final ConfigKey.Int GENDER_EPOCHS = new ConfigKey.Int("gender.epochs", 1, 100_000);
    /** Batch normalisation needs two examples in a batch. */
    static final ConfigKey.Int GENDER_BATCH_SIZE = new ConfigKey.Int("gender.batch-size", 2, 100_000);
    static final ConfigKey.Decimal GENDER_LEARNING_RATE =
            new ConfigKey.Decimal("gender.learning-rate", 0, true, 1, true);
    static final ConfigKey.Long64 GENDER_SEED = new ConfigKey.Long64("gender.seed");

    static final ConfigKey.IntList PRIORS_N = new ConfigKey.IntList("priors.n", 1, Integer.MAX_VALUE, true);
    static final ConfigKey.Long64 PRIORS_SEED = new ConfigKey.Long64("priors.seed");
    static final ConfigKey.OneOf<S2fConfig.GenderSource> PRIORS_GENDER_FROM =
            new ConfigKey.OneOf<>("priors.gender-from", S2fConfig.GenderSource.class);

    static final ConfigKey.Int TRAINING_EPOCHS = new ConfigKey.Int("training.epochs", 1, 100_000);
    static final ConfigKey.Int TRAINING_WORKERS = new ConfigKey.Int("training.workers", 0, MANY);
    static final ConfigKey.Int TRAINING_BATCH_PER_WORKER = new ConfigKey.Int("training.batch-per-worker", 1, MANY);
    static final ConfigKey.Int TRAINING_AVERAGING_FREQUENCY =
            new ConfigKey.Int("training.averaging-frequency", 1, MANY);
    static final ConfigKey.Int TRAINING_PREFETCH = new ConfigKey.Int("training.prefetch", 0, 10_000);
    static final ConfigKey.OneOf<TrainingSettings.Approach> TRAINING_APPROACH =
            new ConfigKey.OneOf<>("training.approach", TrainingSettings.Approach.class);
    static final ConfigKey.Choice TRAINING_STORAGE_LEVEL =
            new ConfigKey.Choice("training.storage-level", TrainingSettings.STORAGE_LEVELS);
    static final ConfigKey.Long64 TRAINING_SEED = new ConfigKey.Long64("training.seed");
    static final ConfigKey.Int TRAINING_EVAL_EXAMPLES =
            new ConfigKey.Int("training.eval-examples", 0, Integer.MAX_VALUE);
    static final ConfigKey.Bool TRAINING_UI_STATS = new ConfigKey.Bool("training.ui-stats");

    static final ConfigKey.OneOf<EncoderVariant.Prior> ENCODER_PRIOR =
            new ConfigKey.OneOf<>("encoder.prior", EncoderVariant.Prior.class);
    static final ConfigKey.OneOf<PriorFusion> ENCODER_FUSION =
            new ConfigKey.OneOf<>("encoder.fusion", PriorFusion.class);

    static final ConfigKey.Int EVALUATE_FIGURE_CLIPS = new ConfigKey.Int("evaluate.figure-clips", 1, 1000);
    static final ConfigKey.Long64 EVALUATE_FIGURE_SEED = new ConfigKey.Long64("evaluate.figure-seed");
    static final ConfigKey.Int EVALUATE_BATCH_SIZE = new ConfigKey.Int("evaluate.batch-size", 1, 100_000);
    static final ConfigKey.Location EVALUATE_AGE_LABELS = new ConfigKey.Location("evaluate.age-labels", true);
    static final ConfigKey.OneOf<EvaluateSettings.Recogniser> RECOGNISER_KIND =
            new ConfigKey.OneOf<>("evaluate.recogniser.kind", EvaluateSettings.Recogniser.class);
    static final ConfigKey.Int RECOGNISER_MAX_ITER = new ConfigKey.Int("evaluate.recogniser.max-iter", 1, 100_000);
    static final ConfigKey.Decimal RECOGNISER_REG_PARAM = closed("evaluate.recogniser.reg-param", 0, 1e6);
    static final ConfigKey.Decimal GENERATE_MIN_SECONDS = openClosed("evaluate.generate.min-seconds", 0, 3600);
    static final ConfigKey.Decimal GENERATE_SILENCE_DBFS =
            new ConfigKey.Decimal("evaluate.generate.silence-dbfs", -200, false, 0, true);
    static final ConfigKey.Choice GENERATE_VARIANT = new ConfigKey.Choice("evaluate.generate.variant", variants());
    static final ConfigKey.Location GENERATE_INPUT = new ConfigKey.Location("evaluate.generate.input", false);
    static final ConfigKey.Location GENERATE_OUTPUT = new ConfigKey.Location("evaluate.generate.output", false);

    static final ConfigKey.Int DATASETS_TARGET_FILE_SIZE_MB =
            new ConfigKey.Int("datasets.target-file-size-mb", 1, 65_536);
    static final ConfigKey.Int DATASETS_VACUUM_RETENTION_HOURS =
            new ConfigKey.Int("datasets.vacuum-retention-hours", 0, 876_000);
    static final ConfigKey.Bool DATASETS_VACUUM_ALLOW_SHORT_RETENTION =
            new ConfigKey.Bool("datasets.vacuum-allow-short-retention");
    static final ConfigKey.OneOf<DatasetsSettings.WriterLease> DATASETS_WRITER_LEASE =
            new ConfigKey.OneOf<>("datasets.writer-lease", DatasetsSettings.WriterLease.class);

    static final ConfigKey.Int REPORT_SAMPLE_REJECTS = new ConfigKey.Int("report.sample-rejects", 0, 10_000);
    static final ConfigKey.Int PROGRESS_INTERVAL_SECONDS = new ConfigKey.Int("progress.interval-seconds", 1, 86_400);

    /** Every key, in reference.conf's order. */
    static final List<ConfigKey<?>> ALL = List.of(HOME, DATA_ROOT, INPUT_CSV, INPUT_VIDEOS, INPUT_VIDEO_EXTENSIONS,
            SPARK_MASTER, SPARK_APP_NAME, SPARK_CONF, MODEL_PROFILE, OVERWRITE, MODELS_DIR, SPLIT_TRAIN, SPLIT_VAL,
            INGEST_PARTITIONS, INGEST_LOCAL_TMP, FACES_FRAMES, FACES_MARGIN, FACES_OUTPUT_SIZE,
            FACES_DETECTION_MAX_SIDE, FACES_MIN_FACE_FRACTION, FACES_MAX_HINT_DISTANCE, FACES_HINT_ONLY_CROP,
            FACES_HINT_CROP_FRACTION, FACES_HAAR_SCALE_FACTOR, FACES_HAAR_MIN_NEIGHBORS, FACES_DETECTOR,
            AUDIO_SAMPLE_RATE, AUDIO_SEGMENT_SECONDS, AUDIO_WINDOW, AUDIO_HOP, AUDIO_FFT_SIZE,
            AUDIO_COMPRESSION_POWER, VGGFACE_WEIGHTS, FEATURES_NETWORK, FEATURES_BATCH_SIZE, FEATURES_PARTITIONS,
            GENDER_LABELS, GENDER_EPOCHS, GENDER_BATCH_SIZE, GENDER_LEARNING_RATE, GENDER_SEED,
            PRIORS_N, PRIORS_SEED, PRIORS_GENDER_FROM, TRAINING_EPOCHS, TRAINING_WORKERS, TRAINING_BATCH_PER_WORKER,
            TRAINING_AVERAGING_FREQUENCY, TRAINING_PREFETCH, TRAINING_APPROACH, TRAINING_STORAGE_LEVEL, TRAINING_SEED,
            TRAINING_EVAL_EXAMPLES, TRAINING_UI_STATS, ENCODER_PRIOR, ENCODER_FUSION, EVALUATE_FIGURE_CLIPS,
            EVALUATE_FIGURE_SEED, EVALUATE_BATCH_SIZE, EVALUATE_AGE_LABELS, RECOGNISER_KIND, RECOGNISER_MAX_ITER,
            RECOGNISER_REG_PARAM, GENERATE_MIN_SECONDS, GENERATE_SILENCE_DBFS, GENERATE_VARIANT, GENERATE_INPUT,
            GENERATE_OUTPUT, DATASETS_TARGET_FILE_SIZE_MB, DATASETS_VACUUM_RETENTION_HOURS,
            DATASETS_VACUUM_ALLOW_SHORT_RETENTION, DATASETS_WRITER_LEASE, REPORT_SAMPLE_REJECTS, PROGRESS_INTERVAL_SECONDS);

    /** Conditions over several keys, checked once every key has passed its own bounds. */
    static final List<ConfigRule> RULES = List.of(
            new ConfigRule("split.train + split.val is at most 1; the test split gets the rest.", s -> {
                double train = s.get(SPLIT_TRAIN);
                double val = s.get(SPLIT_VAL);
                return train + val <= 1.0 + 1e-9 ? null : "Config keys 'split.train' (" + train + ") and 'split.val' ("
                        + val + ") add up to more than 1.";
            }),
            new ConfigRule("ingest.audio.fft-size is even and at least ingest.audio.window.", s -> {
                int fft = s.get(AUDIO_FFT_SIZE);
                int window = s.get(AUDIO_WINDOW);
                return fft % 2 == 0 && fft >= window ? null : "Config key 'ingest.audio.fft-size' must be even and at "
                        + "least ingest.audio.window (" + window + "); got " + fft + s.origin(AUDIO_FFT_SIZE.path())
                        + ".";
            }),
            new ConfigRule("ingest.audio.segment-seconds holds at least one ingest.audio.window of samples at "
                    + "ingest.audio.sample-rate.", s -> {
                long samples = segmentSamples(s.get(AUDIO_SAMPLE_RATE), s.get(AUDIO_SEGMENT_SECONDS));
                int window = s.get(AUDIO_WINDOW);
                return samples >= window ? null : "Config key 'ingest.audio.segment-seconds' ("
                        + s.get(AUDIO_SEGMENT_SECONDS) + ") holds " + samples + " samples at "
                        + s.get(AUDIO_SAMPLE_RATE) + " Hz, fewer than one window of " + window
                        + s.origin(AUDIO_SEGMENT_SECONDS.path()) + ".";
            }),
            new ConfigRule("encoder.fusion is add or add-fc unless encoder.prior is none, which ignores the "
                    + "fusion.", s -> {
                EncoderVariant.Prior prior = s.get(ENCODER_PRIOR);
                PriorFusion fusion = s.get(ENCODER_FUSION);
                return prior == EncoderVariant.Prior.NONE || fusion != PriorFusion.NONE ? null
                        : "Config key 'encoder.fusion' must be add or add-fc with encoder.prior " + prior.id()
                        + "; got none" + s.origin(ENCODER_FUSION.path()) + ".";
            }),
            new ConfigRule("evaluate.generate.min-seconds is at most ingest.audio.segment-seconds, the audio the "
                    + "encoder reads.", s -> {
                double min = s.get(GENERATE_MIN_SECONDS);
                double segment = s.get(AUDIO_SEGMENT_SECONDS);
                return min <= segment ? null : "Config key 'evaluate.generate.min-seconds' must be at most "
                        + "ingest.audio.segment-seconds (" + segment + " s, what the encoder reads); got " + min
                        + s.origin(GENERATE_MIN_SECONDS.path()) + ".";
            }),
            new ConfigRule("datasets.vacuum-retention-hours is at least " + DatasetsSettings.SAFE_RETENTION_HOURS
                    + " (Delta's safe minimum, 7 days) unless datasets.vacuum-allow-short-retention is true.", s -> {
                int hours = s.get(DATASETS_VACUUM_RETENTION_HOURS);
                boolean allowed = s.get(DATASETS_VACUUM_ALLOW_SHORT_RETENTION);
                return allowed || hours >= DatasetsSettings.SAFE_RETENTION_HOURS ? null
                        : "Config key 'datasets.vacuum-retention-hours' is " + hours + " hours"
                        + s.origin(DATASETS_VACUUM_RETENTION_HOURS.path()) + ", below Delta's safe minimum of "
                        + DatasetsSettings.SAFE_RETENTION_HOURS + " hours: VACUUM would delete files that a running "
                        + "reader or writer may still need. Raise it, or set "
                        + "datasets.vacuum-allow-short-retention=true if nothing else uses the tables.";
            }));

    /** Samples in one segment: the rate times the seconds, rounded. */
    static long segmentSamples(int rate, double seconds) {
        return Math.round(rate * seconds);
    }

    /** The words {@code evaluate.generate.variant} accepts: auto, and every variant id of Table 4's models. */
    private static List<String> variants() {
        List<String> out = new ArrayList<>(List.of(EvaluateSettings.Generate.AUTO));
        out.add(new EncoderVariant(EncoderVariant.Prior.NONE, PriorFusion.NONE).id());
        for (EncoderVariant.Prior p : EncoderVariant.Prior.values()) {
            if (p != EncoderVariant.Prior.NONE) {
                out.add(new EncoderVariant(p, PriorFusion.ADD).id().toLowerCase(Locale.ROOT));
                out.add(new EncoderVariant(p, PriorFusion.ADD_FC).id().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static ConfigKey.Decimal closed(String path, double lo, double hi) {
        return new ConfigKey.Decimal(path, lo, false, hi, false);
    }

    private static ConfigKey.Decimal openClosed(String path, double lo, double hi) {
        return new ConfigKey.Decimal(path, lo, true, hi, false);
    }
}
