package org.speech2face.jobs.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.data.DataLayout;
import org.speech2face.data.RejectException;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.io.FaceFeaturesDataset;
import org.speech2face.jobs.io.FacesDataset;
import org.speech2face.jobs.stage.SourceDataset;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.TrainingExamples;
import org.speech2face.video.FacePixels;

import static org.apache.spark.sql.functions.col;

/**
 * The face decoder's examples: each face's cached fc7 (face_features/, of the configured VGGFace weights only) joined
 * on clip_id to its crop (faces/), which becomes the label at the profile's face size, RGB in [0, 1].
 */
final class DecoderExamples {
    private DecoderExamples() {
    }

    static ExampleSet read(JobContext ctx, String featureId, ModelProfile profile) {
        Dataset<Row> features = SourceDataset.read(ctx, DataLayout.FACE_FEATURES, FaceFeaturesDataset.SCHEMA,
                "face-features");
        Dataset<Row> faces = SourceDataset.read(ctx, DataLayout.FACES, FacesDataset.SCHEMA, "ingest-faces")
                .select("clip_id", "image");
        Dataset<Row> current = features.filter(col("vggface_id").equalTo(featureId))
                .select("clip_id", "split", "fc7_dim", "fc7");
        Dataset<Row> joined = current.join(faces, "clip_id");
        long all = features.count();
        long usable = current.count();
        long withFace = joined.count();
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("features_in", all);
        counts.put("features_of_other_weights", all - usable);
        counts.put("features_without_face", usable - withFace);
        Dataset<Row> train = joined.filter(col("split").equalTo(Split.TRAIN.code()));
        Dataset<Row> val = joined.filter(col("split").equalTo(Split.VAL.code()));
        return new ExampleSet(train, val, counts, new ToExample(profile));
    }

    /** A joined row to (Ff; face, Ff). */
    private record ToExample(ModelProfile profile) implements Function<Row, MultiDataSet> {
        @Override
        public MultiDataSet call(Row r) {
            float[] face;
            try {
                face = FacePixels.rgbChannelsFirst(r.getAs("image"), profile.faceSize());
            } catch (RejectException e) {
                throw new IllegalStateException("The face of clip " + r.getAs("clip_id") + " in faces/ has features "
                        + "but cannot be decoded: " + e.getMessage(), e);
            }
            return TrainingExamples.decoder(FaceFeaturesDataset.fc7(r), face, profile);
        }
    }
}
