package org.speech2face.jobs.evaluate;

import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.speech2face.contracts.FaceFeaturesDataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * A face attribute recogniser learnt with Spark MLlib ({@code evaluate.recogniser.kind = logistic-fc7}): (multinomial,
 * when more than two groups) logistic regression on Ff (VGGFace fc7, or the dlib descriptor), trained on the real
 * faces of the train split with their labels. Ff is the feature the generated faces are judged by throughout Table 4,
 * so a linear read-out of gender or age from it is a stand-in for the commercial API the paper used. It is only as
 * good as the features: with random VGGFace weights it learns whatever separates those training images.
 */
public final class LogisticAttributeRecogniser implements FaceAttributeRecogniser {
    private static final long serialVersionUID = 1L;
    private static final StructType TRAINING = new StructType().add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);

    private final String attribute;
    private final List<String> groups;
    private final LogisticRegressionModel model;
    private final String description;

    private LogisticAttributeRecogniser(String attribute, List<String> groups, LogisticRegressionModel model,
                                        String description) {
        this.attribute = attribute;
        this.groups = List.copyOf(groups);
        this.model = model;
        this.description = description;
    }

    /**
     * Trains on {@code faces} (fc7_dim, fc7 and a {@code label} among {@code groups}; other labels are ignored).
     * Empty when fewer than two groups have a face: there is nothing to tell apart.
     */
    public static Optional<LogisticAttributeRecogniser> train(Dataset<Row> faces, String attribute, List<String> groups,
                                                              int maxIter, double regParam, String featureId) {
        List<String> g = List.copyOf(groups);
        Dataset<Row> labelled = faces.filter(col("label").isin(g.toArray())).select("label", "fc7_dim", "fc7")
                .map((org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> RowFactory.create(
                        (double) g.indexOf(r.<String>getAs("label")), toVector(FaceFeaturesDataset.fc7(r))),
                        Encoders.row(TRAINING))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> counts = new LinkedHashMap<>();
        g.forEach(name -> counts.put(name, 0L));
        for (Row r : labelled.groupBy("label").count().collectAsList()) {
            counts.put(g.get((int) r.getDouble(0)), r.getLong(1));
        }
        if (counts.values().stream().filter(n -> n > 0).count() < 2) {
            labelled.unpersist();
            return Optional.empty();
        }
        LogisticRegressionModel model = new LogisticRegression().setMaxIter(maxIter).setRegParam(regParam)
                .setFamily(g.size() > 2 ? "multinomial" : "auto").fit(labelled);
        double accuracy = model.transform(labelled).filter(col("prediction").equalTo(col("label"))).count()
                / (double) labelled.count();
        labelled.unpersist();
        List<String> parts = new ArrayList<>();
        counts.forEach((name, n) -> parts.add(n + " " + name));
        String description = String.format(Locale.ROOT, "%s: logistic regression (Spark MLlib, %d iterations, L2 %s) "
                        + "on Ff (%s) of %d labelled train faces (%s); accuracy on them %.1f%%", attribute, maxIter,
                regParam, featureId, counts.values().stream().mapToLong(Long::longValue).sum(), String.join(", ", parts),
                100 * accuracy);
        return Optional.of(new LogisticAttributeRecogniser(attribute, g, model, description));
    }

    @Override
    public String attribute() {
        return attribute;
    }

    @Override
    public List<String> groups() {
        return groups;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String recognise(Face face) {
        return groups.get((int) model.predict(toVector(face.features())));
    }

    private static Vector toVector(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return Vectors.dense(d);
    }
}
