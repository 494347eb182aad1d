package org.speech2face.contracts;

import org.apache.hadoop.fs.Path;

import java.io.Serializable;

/**
 * Where each dataset, model and report lives under {@code data.root}. Every path a stage writes or reads is derived
 * here, so nothing is written outside the configured root, and writers and readers agree on names.
 */
public record DataLayout(String root) implements Serializable {
    public static final String FACES = "faces";
    public static final String SPECTROGRAMS = "spectrograms";
    public static final String REJECTS = "rejects";
    public static final String FACE_FEATURES = "face_features";
    public static final String GENDER = "gender";
    public static final String PRIORS = "priors";
    /** Table 1 of the paper: how far the prior moves between consecutive face counts. */
    public static final String PRIOR_CONVERGENCE = "prior_convergence";
    public static final String MODELS = "models";
    public static final String METRICS = "metrics";
    public static final String REPORTS = "reports";
    /** Samples in formats a notebook reads without Parquet (PNG, .npy, CSV); {@code s2f export} writes them. */
    public static final String EXPORTS = "exports";
    /** Upkeep of the tables ({@code s2f optimize}); holds only its run reports. */
    public static final String MAINTENANCE = "maintenance";
    /** Work in progress; never read as a dataset (Spark ignores names starting with '_'). */
    public static final String STAGING = "_staging";
    /** Run reports beside a dataset. */
    public static final String RUN_REPORTS = "_reports";

    /** The trained networks with checkpoints: their folder names under {@code models/} and {@code metrics/}. */
    public enum Net {
        DECODER("decoder"), ENCODER("encoder");

        private final String dir;

        Net(String dir) {
            this.dir = dir;
        }

        public String dir() {
            return dir;
        }
    }

    /** The face decoder's only variant: {@code models/decoder/default/}. */
    public static final String DECODER_VARIANT = "default";

    public Path rootPath() {
        return new Path(root);
    }

    public Path dataset(String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("Dataset name '" + name + "' is not a plain lower-case name.");
        }
        return new Path(rootPath(), name);
    }

    /** {@code models/gender/}: the voice gender classifier train-gender saves and predict-gender loads. */
    public Path genderModel() {
        return new Path(dataset(MODELS), GENDER);
    }

    /** {@code models/decoder/default/}: the face decoder's checkpoints. */
    public Path decoderCheckpoints() {
        return checkpoints(Net.DECODER, DECODER_VARIANT);
    }

    /** {@code models/encoder/}: one folder per trained speech-encoder variant. */
    public Path encoderCheckpointsRoot() {
        return new Path(dataset(MODELS), Net.ENCODER.dir());
    }

    /** {@code models/encoder/<variant id>/}. */
    public Path encoderCheckpoints(EncoderVariant variant) {
        return checkpoints(Net.ENCODER, variant.id());
    }

    /** {@code models/<net>/<variant>/}. */
    public Path checkpoints(Net net, String variant) {
        return new Path(new Path(dataset(MODELS), net.dir()), requireVariant(variant));
    }

    /** {@code metrics/<net>/<variant>/}: one {@code EpochMetrics} file per trained epoch. */
    public Path metrics(Net net, String variant) {
        return new Path(new Path(dataset(METRICS), net.dir()), requireVariant(variant));
    }

    /** The rejects of one stage, a Hive-style partition so {@code rejects/} reads as one table with a stage column. */
    public Path rejects(Stage stage) {
        return rejects(stage.id());
    }

    /** The rejects of the stage named {@code stage}. */
    public Path rejects(String stage) {
        return new Path(dataset(REJECTS), "stage=" + requireStage(stage));
    }

    public Path staging(String stage, String runId) {
        return new Path(new Path(new Path(rootPath(), STAGING), requireStage(stage)), runId);
    }

    public Path stagingRoot(String stage) {
        return new Path(new Path(rootPath(), STAGING), requireStage(stage));
    }

    public Path runReports(String datasetName) {
        return new Path(dataset(datasetName), RUN_REPORTS);
    }

    private static String requireVariant(String variant) {
        if (!variant.matches("[a-z][a-z+-]*")) {
            throw new IllegalArgumentException("Model variant '" + variant + "' is not a plain lower-case name.");
        }
        return variant;
    }

    private static String requireStage(String stage) {
        if (!stage.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("Stage name '" + stage + "' is not a plain lower-case name.");
        }
        return stage;
    }
}
