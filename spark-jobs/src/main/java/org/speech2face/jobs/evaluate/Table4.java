package org.speech2face.jobs.evaluate;

import org.speech2face.jobs.models.TrainedModels;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.speech2face.metrics.Retrieval;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;

/**
 * Table 4: per model, the mean over its test clips of L1, L2 and the angle between Sf and Ff, and of the same three
 * between VGGFace(FD(Sf)) and Ff (primed). Face-to-Face (FD(Ff)) has only the primed three: the reference row;
 * prior-only answers every voice with the prior face of its predicted gender (the score a model must beat). Beside
 * the paper's columns, an independent recogniser judges the generated faces: the mean cosine of dlib's descriptors of
 * the generated and the real face, and Recall@1/5/10 by SF2F's protocol ({@link RetrievalScores}), printed with
 * the chance level K/N.
 */
final class Table4 {
    static final StructType SCHEMA = new StructType()
            .add("model", DataTypes.StringType, false)
            .add("clips", DataTypes.LongType, false)
            .add("l1", DataTypes.DoubleType, true)
            .add("l2", DataTypes.DoubleType, true)
            .add("cos_deg", DataTypes.DoubleType, true)
            .add("l1_gen", DataTypes.DoubleType, true)
            .add("l2_gen", DataTypes.DoubleType, true)
            .add("cos_gen_deg", DataTypes.DoubleType, true)
            .add("dim", DataTypes.IntegerType, false)
            .add("checkpoint", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, false)
            .add("vggface_id", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("rec_cos", DataTypes.DoubleType, true)
            .add("recall_1", DataTypes.DoubleType, true)
            .add("recall_5", DataTypes.DoubleType, true)
            .add("recall_10", DataTypes.DoubleType, true)
            .add("gallery_identities", DataTypes.IntegerType, true)
            .add("recall_queries", DataTypes.IntegerType, true);

    /** The paper's Table 4 (4096-d VGGFace fc7, AVSpeech test set), in its row order, for comparison. */
    static final List<List<Object>> PAPER = List.of(
            List.of("Face-to-Face", "-", "-", "-", "97.158", "1.890", "14.534"),
            List.of("non-prior", "162.957", "3.176", "29.191", "179.594", "3.499", "30.231"),
            List.of("neutral+fc", "126.524", "2.470", "15.204", "144.027", "2.809", "25.842"),
            List.of("neutral", "143.335", "2.795", "27.748", "148.610", "2.897", "25.973"),
            List.of("gender+fc", "155.008", "3.023", "28.115", "171.860", "3.350", "29.308"),
            List.of("gender", "145.192", "2.831", "27.994", "150.900", "2.941", "26.104"),
            List.of("female", "128.641", "2.501", "19.438", "156.399", "3.048", "21.721"),
            List.of("male", "130.861", "2.542", "19.610", "152.985", "2.981", "21.409"));
    static final List<String> HEADER = List.of("Model", "L1", "L2", "Cos(deg)", "L1'", "L2'", "Cos'(deg)");
    /** Our table: the paper's columns, then the independent recogniser's. */
    static final List<String> HEADER_WITH_RECOGNISER = List.of("Model", "L1", "L2", "Cos(deg)", "L1'", "L2'",
            "Cos'(deg)", "dlib cos", "R@1", "R@5", "R@10");

    private Table4() {
    }

    /**
     * The rows, in {@code models}' order (face-to-face first, then the variants), from the clip scores; a model
     * without clips has no row. {@code refs} gives each model's checkpoint (the decoder's for face-to-face).
     */
    static List<Row> rows(Dataset<Row> scores, List<String> models, Map<String, TrainedModels.Ref> refs, int dim,
                          String vggfaceId, String runId, RetrievalScores retrieval) {
        Map<String, Row> means = new HashMap<>();
        for (Row r : scores.filter(col("model").notEqual(ClipScores.ORIGINAL)).groupBy("model")
                .agg(count("clip_id").as("clips"), avg("l1").as("l1"), avg("l2").as("l2"), avg("cos_deg").as("cos_deg"),
                        avg("l1_gen").as("l1_gen"), avg("l2_gen").as("l2_gen"), avg("cos_gen_deg").as("cos_gen_deg"),
                        avg("rec_cos").as("rec_cos"))
                .collectAsList()) {
            means.put(r.getString(0), r);
        }
        List<Row> out = new ArrayList<>();
        for (String m : models) {
            Row r = means.get(m);
            if (r != null) {
                TrainedModels.Ref ref = refs.get(m);
                Retrieval.Recall recall = retrieval.byModel().get(m);
                out.add(RowFactory.create(m, r.getLong(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7),
                        dim, ref.location(), ref.epoch(), vggfaceId, runId, r.get(8),
                        recallAt(recall, 1), recallAt(recall, 5), recallAt(recall, 10),
                        recall == null ? null : recall.gallery(), recall == null ? null : recall.queries()));
            }
        }
        return out;
    }

    private static Double recallAt(Retrieval.Recall recall, int k) {
        if (recall == null) {
            return null;
        }
        double v = recall.atK().get(k);
        return Double.isNaN(v) ? null : v;
    }

    static ReportTable table(List<Row> rows, int dim, String profile, RetrievalScores retrieval) {
        List<List<Object>> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(List.of(label(r.getString(0)) + " (" + r.getLong(1) + " clips, epoch " + r.getInt(10) + ")",
                    cell(r, 2), cell(r, 3), cell(r, 4), cell(r, 5), cell(r, 6), cell(r, 7), cell(r, 13),
                    cell(r, 14), cell(r, 15), cell(r, 16)));
        }
        List<String> notes = new ArrayList<>(notes(dim, profile));
        if (retrieval.gallery() != null) {
            int n = retrieval.gallery().size();
            cells.add(List.of("Chance (guessing among " + n + " identities)", "-", "-", "-", "-", "-", "-", "-",
                    chance(1, n), chance(5, n), chance(10, n)));
            notes.add(recogniserNote(retrieval));
        }
        return new ReportTable("Table 4: distances to the real face's feature Ff on the test split, and an "
                + "independent recogniser's verdict", HEADER_WITH_RECOGNISER, cells, notes);
    }

    private static String chance(int k, int n) {
        return String.format(Locale.ROOT, "%.3f", Math.min(1.0, k / (double) n));
    }

    private static String recogniserNote(RetrievalScores retrieval) {
        Retrieval.Recall own = retrieval.byModel().get(ClipScores.ORIGINAL);
        int n = retrieval.gallery().size();
        return "dlib cos: cosine of dlib's face descriptor (face-api's pretrained ResNet-34, an independent recogniser) "
                + "of the generated face and of the real face crop, averaged over the model's clips. R@K: SF2F's "
                + "protocol: a gallery of the first " + Retrieval.GALLERY_IDENTITIES + " test identities (youtube_ids in "
                + "ascending order; here " + n + "), each the mean descriptor of its real faces; each generated face is "
                + "ranked against the gallery by cosine, and R@K is the share whose own identity is among the K "
                + "nearest. Chance is K/N" + (own == null ? "." : String.format(Locale.ROOT, "; the real faces "
                + "themselves as queries reach R@1 %.3f, R@5 %.3f (%d faces): the ceiling of this recogniser on "
                + "these identities.", own.atK().get(1), own.atK().get(5), own.queries()))
                + String.format(Locale.ROOT, " For scale: dlib's descriptors of any two faces have a high cosine; the "
                + "real test faces score %.3f between clips of one identity and %.3f between different identities.",
                retrieval.sameIdentity(), retrieval.otherIdentity())
                + " Prior-only answers every voice with the decoded prior face of its predicted gender: the score a "
                + "model must beat to show it learned anything from the voice beyond its gender.";
    }

    private static List<String> notes(int dim, String profile) {
        return List.of("L1 = sum over the " + dim + " dimensions of |a - b|, L2 = sqrt(sum (a - b)^2), not divided by "
                                + "the dimension (the paper's L1/L2 of about 51 = sqrt(2 * 4096 / pi) says its figures "
                                + "are such sums); Cos(deg) = acos(cos) * 180 / pi, 90 for an all-zero vector. Each "
                                + "figure is the mean over the model's test clips.",
                        "Unprimed: Sf (the speech encoder's output; for prior-only, the prior) against Ff; primed: "
                                + "the feature network's feature of FD(Sf), the generated face, against Ff. "
                                + "Face-to-Face decodes Ff itself: the reference row.",
                        "Profile " + profile + ": features are " + dim + "-d; the paper's are 4096-d, so L1 and L2 "
                                + "are not comparable with its figures across profiles (the angles are).");
    }

    /** The paper's table, for the Markdown report. */
    static ReportTable paper() {
        return new ReportTable("Table 4 of the paper (4096-d VGGFace fc7, AVSpeech), for comparison", HEADER, PAPER,
                List.of());
    }

    /** The table for tools: one object per row with numbers (null where the paper prints "-"), and the notes. */
    static Map<String, Object> json(List<Row> rows, ReportTable table, String profile, int dim, String vggfaceId,
                                    RetrievalScores retrieval) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("table", "Table 4");
        m.put("profile", profile);
        m.put("dim", dim);
        m.put("vggface_id", vggfaceId);
        if (retrieval.gallery() != null) {
            int n = retrieval.gallery().size();
            Map<String, Object> chance = new java.util.LinkedHashMap<>();
            Retrieval.KS.forEach(k -> chance.put("recall_" + k, Math.min(1.0, k / (double) n)));
            m.put("gallery_identities", n);
            m.put("real_faces_cos_same_identity", finite(retrieval.sameIdentity()));
            m.put("real_faces_cos_other_identities", finite(retrieval.otherIdentity()));
            m.put("chance", chance);
            Retrieval.Recall own = retrieval.byModel().get(ClipScores.ORIGINAL);
            if (own != null) {
                Map<String, Object> real = new java.util.LinkedHashMap<>();
                Retrieval.KS.forEach(k -> real.put("recall_" + k, own.atK().get(k)));
                real.put("queries", own.queries());
                m.put("real_faces", real);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> o = new java.util.LinkedHashMap<>();
            for (String f : SCHEMA.fieldNames()) {
                if (!List.of("dim", "vggface_id").contains(f)) {
                    o.put(f, r.get(SCHEMA.fieldIndex(f))); // rows built here carry no schema
                }
            }
            out.add(o);
        }
        m.put("rows", out);
        m.put("notes", table.notes());
        List<Map<String, Object>> paper = new ArrayList<>();
        for (List<Object> p : PAPER) {
            Map<String, Object> o = new java.util.LinkedHashMap<>();
            o.put("model", p.get(0).equals("Face-to-Face") ? ClipScores.FACE_TO_FACE : p.get(0));
            String[] keys = {"l1", "l2", "cos_deg", "l1_gen", "l2_gen", "cos_gen_deg"};
            for (int i = 0; i < keys.length; i++) {
                o.put(keys[i], "-".equals(p.get(i + 1)) ? null : Double.valueOf((String) p.get(i + 1)));
            }
            paper.add(o);
        }
        m.put("paper", paper);
        return m;
    }

    /** The paper's name of a model: Face-to-Face, or the variant id; and the prior-only baseline. */
    static String label(String model) {
        return model.equals(ClipScores.FACE_TO_FACE) ? "Face-to-Face"
                : model.equals(ClipScores.PRIOR_ONLY) ? "Prior only (gender's prior face)" : model;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Object cell(Row r, int i) {
        return r.isNullAt(i) ? "-" : String.format(Locale.ROOT, "%.3f", r.getDouble(i));
    }
}
