package org.speech2face.jobs.evaluate;

import org.speech2face.jobs.models.TrainedModels;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.PriorsDataset;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.inference.FaceDecoding;
import org.speech2face.model.io.EpochMetrics;
import org.speech2face.video.FaceImages;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The paper's Figures 2, 5 and 6 from what evaluate computed and what training left in metrics/. */
final class EvaluationFigures {
    static final int CELL = 112;
    /** The two models of the paper's Fig. 5, in its colours' order (blue, red). */
    static final List<String> FIG5 = List.of("non-prior", "neutral+fc");
    static final String LOSS = "total";

    private EvaluationFigures() {
    }

    /**
     * Fig. 6: one column per figure clip; rows original, Face-to-Face, then each variant. {@code originals} maps
     * clip_id to the crop's PNG, {@code generated} (model, clip_id) rows with a {@code face} PNG.
     */
    static BufferedImage faces(List<String> clips, Map<String, byte[]> originals, List<Row> generated,
                               List<String> models) {
        Map<String, byte[]> byKey = new HashMap<>();
        for (Row r : generated) {
            byKey.put(r.<String>getAs("model") + "|" + r.getAs("clip_id"), r.getAs("face"));
        }
        List<String> rowLabels = new ArrayList<>();
        rowLabels.add("Original");
        models.forEach(m -> rowLabels.add(Table4.label(m)));
        BufferedImage[][] cells = new BufferedImage[rowLabels.size()][clips.size()];
        for (int c = 0; c < clips.size(); c++) {
            cells[0][c] = image(originals.get(clips.get(c)));
            for (int m = 0; m < models.size(); m++) {
                cells[m + 1][c] = image(byKey.get(models.get(m) + "|" + clips.get(c)));
            }
        }
        return FaceGridFigure.draw("Fig. 6: original crop, Face-to-Face and faces generated from speech ("
                + clips.size() + " test clips)", rowLabels, clips, cells, CELL);
    }

    /**
     * Fig. 5: the total training loss per epoch of two variants: non-prior and neutral+fc when both have metrics,
     * else the first two (in Table 4's order) that have. Null when no variant has any.
     */
    static BufferedImage lossCurves(DataLayout layout, List<EncoderVariant> trained, Configuration conf)
            throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        List<String> order = new ArrayList<>(FIG5);
        trained.forEach(v -> {
            if (!order.contains(v.id())) {
                order.add(v.id());
            }
        });
        for (String id : order) {
            if (series.size() == 2) {
                break;
            }
            List<double[]> points = new ArrayList<>();
            for (EpochMetrics m : EpochMetrics.readAll(layout.metrics(DataLayout.Net.ENCODER, id), conf)) {
                Double loss = m.lossTerms().get(LOSS);
                if (loss != null && Double.isFinite(loss)) {
                    points.add(new double[] {m.epoch(), loss});
                }
            }
            if (!points.isEmpty()) {
                series.put(id, points.toArray(new double[0][]));
            }
        }
        if (series.isEmpty()) {
            return null;
        }
        return LossCurveFigure.draw("Fig. 5: speech encoder training loss per epoch", "tri-item loss (total)", series);
    }

    /** Fig. 2: every prior (rows neutral, male, female) decoded by FD, one column per face count n. */
    static BufferedImage priors(Dataset<Row> priorRows, FaceDecoding decoder) {
        List<Row> rows = priorRows.select("name", "n", "dim", "feature").collectAsList();
        if (rows.isEmpty()) {
            return null;
        }
        TreeSet<Integer> ns = new TreeSet<>();
        rows.forEach(r -> ns.add(r.getAs("n")));
        List<Integer> columns = new ArrayList<>(ns);
        List<String> names = new ArrayList<>();
        for (String name : List.of("neutral", "male", "female")) {
            if (rows.stream().anyMatch(r -> name.equals(r.getAs("name")))) {
                names.add(name);
            }
        }
        float[][] features = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            features[i] = PriorsDataset.feature(rows.get(i));
        }
        FaceDecoding.Faces faces = decoder.decode(features);
        BufferedImage[][] cells = new BufferedImage[names.size()][columns.size()];
        for (int i = 0; i < rows.size(); i++) {
            int r = names.indexOf(rows.get(i).<String>getAs("name"));
            if (r >= 0) {
                cells[r][columns.indexOf(rows.get(i).<Integer>getAs("n"))] =
                        FaceImages.toImage(faces.rgb()[i], faces.side());
            }
        }
        List<String> labels = new ArrayList<>();
        columns.forEach(n -> labels.add("n=" + n));
        return FaceGridFigure.draw("Fig. 2: priors (mean VGGFace fc7 of n faces) decoded by FD", names, labels, cells,
                CELL);
    }

    private static BufferedImage image(byte[] png) {
        return png == null ? null : FaceImages.read(png);
    }
}
