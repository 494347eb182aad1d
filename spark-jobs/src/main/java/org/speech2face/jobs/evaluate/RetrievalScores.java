package org.speech2face.jobs.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.metrics.FeatureDistance;
import org.speech2face.metrics.Retrieval;

import static org.apache.spark.sql.functions.col;

/**
 * Recall@1/5/10 of every model by SF2F's protocol ({@link Retrieval}), from the clip scores' descriptors: the
 * gallery is the first {@value Retrieval#GALLERY_IDENTITIES} test identities (youtube_ids, ascending), each the mean
 * of its real faces' descriptors (the {@code original} rows); a model's queries are its faces of those identities.
 *
 * @param gallery       the gallery, or null when no real face has a descriptor
 * @param byModel       each model's recall, {@code original} (the real faces themselves: the recogniser's ceiling)
 *                      included
 * @param sameIdentity  the mean cosine of the real faces' descriptors over pairs of clips of one identity (NaN
 *                      without such a pair): with {@code otherIdentity}, the scale dlib cos is read on
 * @param otherIdentity the same over pairs of clips of different identities
 */
record RetrievalScores(Retrieval gallery, Map<String, Retrieval.Recall> byModel, double sameIdentity,
                       double otherIdentity) {

    static RetrievalScores of(Dataset<Row> scores, List<String> models) {
        Map<String, List<float[]>> real = new LinkedHashMap<>();
        Map<String, List<float[]>> embeddings = new LinkedHashMap<>();
        Map<String, List<String>> identities = new LinkedHashMap<>();
        for (Row r : scores.filter(col("descriptor").isNotNull()).select("model", "youtube_id", "descriptor")
                .collectAsList()) {
            byte[] bytes = r.getAs("descriptor");
            float[] d = FloatTensorCodec.decode(bytes, bytes.length / Float.BYTES);
            String model = r.getString(0);
            String id = r.getString(1);
            if (model.equals(ClipScores.ORIGINAL)) {
                real.computeIfAbsent(id, k -> new ArrayList<>()).add(d);
            }
            embeddings.computeIfAbsent(model, k -> new ArrayList<>()).add(d);
            identities.computeIfAbsent(model, k -> new ArrayList<>()).add(id);
        }
        if (real.isEmpty()) {
            return new RetrievalScores(null, Map.of(), Double.NaN, Double.NaN);
        }
        Retrieval gallery = Retrieval.gallery(real, Retrieval.GALLERY_IDENTITIES);
        Map<String, Retrieval.Recall> byModel = new LinkedHashMap<>();
        for (String m : models) {
            if (embeddings.containsKey(m)) {
                byModel.put(m, gallery.recall(embeddings.get(m), identities.get(m)));
            }
        }
        double[] scale = scale(real);
        return new RetrievalScores(gallery, byModel, scale[0], scale[1]);
    }

    /** Mean cosine of real faces' descriptors over pairs of clips of one identity, and of different identities. */
    private static double[] scale(Map<String, List<float[]>> real) {
        List<String> ids = new ArrayList<>();
        List<float[]> all = new ArrayList<>();
        real.forEach((id, list) -> list.forEach(d -> {
            ids.add(id);
            all.add(d);
        }));
        double[] sum = new double[2];
        long[] n = new long[2];
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                int k = ids.get(i).equals(ids.get(j)) ? 0 : 1;
                sum[k] += FeatureDistance.cosine(all.get(i), all.get(j));
                n[k]++;
            }
        }
        return new double[] {n[0] == 0 ? Double.NaN : sum[0] / n[0], n[1] == 0 ? Double.NaN : sum[1] / n[1]};
    }
}
