package org.speech2face.jobs.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.speech2face.jobs.io.TensorRow;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.RejectException;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.report.Counter;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.TrainingExamples;
import org.speech2face.video.FacePixels;

import static org.apache.spark.sql.functions.col;

/**
 * The face decoder's examples: each face's cached fc7 (face_features/, of the configured VGGFace weights only) joined
 * on clip_id to its crop (faces/), which becomes the label at the profile's face size, RGB in [0, 1].
 */
final class DecoderExamples {
    /** How the decoder's examples were chosen from face_features/ and faces/. */
    enum Counts implements Counter {
        FEATURES_IN, FEATURES_OF_OTHER_WEIGHTS, FEATURES_WITHOUT_FACE
    }

    private DecoderExamples() {
    }

    static ExampleSet read(JobContext ctx, String featureId, ModelProfile profile, int featureDim) {
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
        Map<Counter, Long> counts = new LinkedHashMap<>();
        counts.put(Counts.FEATURES_IN, all);
        counts.put(Counts.FEATURES_OF_OTHER_WEIGHTS, all - usable);
        counts.put(Counts.FEATURES_WITHOUT_FACE, usable - withFace);
        Dataset<Row> train = joined.filter(col("split").equalTo(Split.TRAIN.code()));
        Dataset<Row> val = joined.filter(col("split").equalTo(Split.VAL.code()));
        return new ExampleSet(train, val, counts, new ToExample(profile, featureDim));
    }

    /** A joined row to (Ff; face, Ff). */
    private record ToExample(ModelProfile profile, int featureDim) implements Function<TensorRow, MultiDataSet> {
        @Override
        public MultiDataSet call(TensorRow r) {
            float[] face;
            try {
                face = FacePixels.rgbChannelsFirst(r.bytes("image"), profile.faceSize());
            } catch (RejectException e) {
                throw new IllegalStateException("The face of clip " + r.string("clip_id") + " in faces/ has features "
                        + "but cannot be decoded: " + e.getMessage(), e);
            }
            return TrainingExamples.decoder(r.floats("fc7", r.integer("fc7_dim")), face, profile, featureDim);
        }
    }
}
