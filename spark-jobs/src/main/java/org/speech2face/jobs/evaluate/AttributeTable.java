package org.speech2face.jobs.evaluate;

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

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Tables 5 and 6: how often the recogniser gives a generated face the attribute of the real person, by group (the
 * person's labelled group) and in total, per model, as the paper reports them. Clips without a label are left out.
 */
final class AttributeTable {
    static final String TOTAL = "total";
    static final StructType SCHEMA = new StructType()
            .add("attribute", DataTypes.StringType, false)
            .add("model", DataTypes.StringType, false)
            .add("group", DataTypes.StringType, false)
            .add("clips", DataTypes.LongType, false)
            .add("correct", DataTypes.LongType, false)
            .add("accuracy", DataTypes.DoubleType, true)
            .add("run_id", DataTypes.StringType, false);

    private AttributeTable() {
    }

    /** Long-format rows (attribute, model, group or total, clips, correct, accuracy) in {@code models}' order. */
    static List<Row> rows(Dataset<Row> scores, String attribute, List<String> groups, List<String> models, String runId) {
        String label = attribute + "_label";
        String recognised = attribute + "_recognised";
        Map<String, long[]> counts = new HashMap<>();
        for (Row r : scores.filter(col(label).isNotNull().and(col(recognised).isNotNull())).groupBy("model", label)
                .agg(count("clip_id"), sum(when(col(label).equalTo(col(recognised)), 1L).otherwise(0L)))
                .collectAsList()) {
            counts.put(r.getString(0) + "|" + r.getString(1), new long[] {r.getLong(2), r.getLong(3)});
        }
        List<Row> out = new ArrayList<>();
        for (String m : models) {
            long clips = 0;
            long correct = 0;
            List<Row> modelRows = new ArrayList<>();
            for (String g : groups) {
                long[] c = counts.getOrDefault(m + "|" + g, new long[2]);
                clips += c[0];
                correct += c[1];
                modelRows.add(row(attribute, m, g, c[0], c[1], runId));
            }
            if (clips > 0) {
                out.addAll(modelRows);
                out.add(row(attribute, m, TOTAL, clips, correct, runId));
            }
        }
        return out;
    }

    static ReportTable table(String title, List<Row> rows, List<String> groups, List<String> notes) {
        List<String> header = new ArrayList<>();
        header.add("Model");
        groups.forEach(g -> header.add(capitalise(g)));
        header.add("Total");
        Map<String, List<Object>> byModel = new java.util.LinkedHashMap<>();
        for (Row r : rows) {
            List<Object> cells = byModel.computeIfAbsent(r.getString(1), m -> {
                List<Object> c = new ArrayList<>();
                c.add(label(m));
                return c;
            });
            cells.add(r.isNullAt(5) ? "-" : String.format(Locale.ROOT, "%.1f%% (%d/%d)", 100 * r.getDouble(5),
                    r.getLong(4), r.getLong(3)));
        }
        return new ReportTable(title, header, new ArrayList<>(byModel.values()), notes);
    }

    /** The table for tools: the recogniser, the groups and one object per (model, group) with its counts. */
    static Map<String, Object> json(String attribute, List<Row> rows, FaceAttributeRecogniser recogniser,
                                    List<String> notes) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("attribute", attribute);
        m.put("available", recogniser != null);
        if (recogniser != null) {
            m.put("recogniser", recogniser.description());
            m.put("groups", recogniser.groups());
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : rows) {
                Map<String, Object> o = new java.util.LinkedHashMap<>();
                for (String f : List.of("model", "group", "clips", "correct", "accuracy")) {
                    o.put(f, r.get(SCHEMA.fieldIndex(f))); // rows built here carry no schema
                }
                out.add(o);
            }
            m.put("rows", out);
        }
        m.put("notes", notes);
        return m;
    }

    static String label(String model) {
        return model.equals(ClipScores.ORIGINAL) ? "Original face (the recogniser itself)" : Table4.label(model);
    }

    private static Row row(String attribute, String model, String group, long clips, long correct, String runId) {
        return RowFactory.create(attribute, model, group, clips, correct, clips == 0 ? null : correct / (double) clips,
                runId);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
