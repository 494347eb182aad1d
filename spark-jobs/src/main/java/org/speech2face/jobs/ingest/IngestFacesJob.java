package org.speech2face.jobs.ingest;

import org.apache.spark.sql.types.StructType;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.video.FaceCrop;
import org.speech2face.video.FaceCropSpec;
import org.speech2face.video.FaceIngestor;

/** {@code ingest-faces}: for each CSV row, the speaker's face near the (x, y) hint as a 224x224 crop in faces/. */
public final class IngestFacesJob extends IngestJob {
    @Override
    public String name() {
        return "ingest-faces";
    }

    @Override
    public String summary() {
        return "decode video frames, detect the face near the CSV hint, crop 224x224 -> faces/";
    }

    @Override
    protected String datasetName() {
        return DataLayout.FACES;
    }

    @Override
    protected StructType schema() {
        return FacesDataset.SCHEMA;
    }

    @Override
    protected SegmentProcessor.Factory processor(S2fConfig config) {
        FaceCropSpec spec = config.ingest().faces();
        return () -> {
            FaceIngestor ingestor = new FaceIngestor(spec);
            return (segment, split, media) -> {
                FaceCrop c = ingestor.ingest(media, segment.startS(), segment.endS(), segment.hintX(), segment.hintY());
                return FacesDataset.row(segment.clipId(), segment.youtubeId(), split, c.frameTimeS(), c.bboxX(),
                        c.bboxY(), c.bboxW(), c.bboxH(), c.detector(), c.score(), c.png(), c.sourceW(), c.sourceH());
            };
        };
    }
}
