package org.speech2face.data;

import org.apache.hadoop.fs.Path;

import java.io.Serializable;

/**
 * Where each dataset lives under {@code data.root}. Every path a job writes is derived here, so nothing is written
 * outside the configured root, and readers and writers agree on names.
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
    /** Work in progress; never read as a dataset (Spark ignores names starting with '_'). */
    public static final String STAGING = "_staging";
    /** Run reports beside a dataset. */
    public static final String RUN_REPORTS = "_reports";

    public Path rootPath() {
        return new Path(root);
    }

    public Path dataset(String name) {
        if (!name.matches("[a-z_]+")) {
            throw new IllegalArgumentException("Dataset name '" + name + "' is not a plain lower-case name.");
        }
        return new Path(rootPath(), name);
    }

    /** The rejects of one stage, a Hive-style partition so {@code rejects/} reads as one table with a stage column. */
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

    private static String requireStage(String stage) {
        if (!stage.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("Stage name '" + stage + "' is not a plain lower-case name.");
        }
        return stage;
    }
}
