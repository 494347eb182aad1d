package org.speech2face.jobs.ingest;

import java.util.Optional;

import org.apache.spark.sql.types.StructType;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.FacesDataset;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.models.FaceApiFiles;
import org.speech2face.jobs.models.FaceApiUser;
import org.speech2face.video.FaceCrop;
import org.speech2face.video.FaceCropSpec;
import org.speech2face.video.FaceIngestor;

/**
 * {@code ingest-faces}: for each CSV row, the speaker's face near the (x, y) hint as a 224x224 crop in faces/. The
 * detector is {@code ingest.faces.detector}: OpenCV's Haar cascade, or face-api's SSD MobileNet v1, whose weights the
 * driver ships with the job and each executor loads once; the faces' {@code detector} column names the one used.
 */
public final class IngestFacesJob extends IngestJob implements FaceApiUser {
    /** The SSD's files as shipped by {@link #preflight}; null with the Haar cascade. */
    private FaceApiFiles ssd;

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
    public Optional<String> faceApiUse(S2fConfig config) {
        return config.ingest().detector() == S2fConfig.FaceDetectorName.SSD_MOBILENET
                ? Optional.of(name() + " (ingest.faces.detector = ssd-mobilenet)") : Optional.empty();
    }

    @Override
    protected void preflight(JobContext ctx) {
        Optional<String> use = faceApiUse(ctx.config());
        ssd = use.isPresent() && !ctx.dryRun() ? FaceApiFiles.ship(ctx, use.get()) : null;
    }

    @Override
    protected SegmentProcessor.Factory processor(S2fConfig config) {
        FaceCropSpec spec = config.ingest().faces();
        FaceApiFiles files = ssd;
        return () -> {
            FaceIngestor ingestor = files == null ? new FaceIngestor(spec) : new FaceIngestor(spec, files.detector());
            return (segment, split, media) -> {
                FaceCrop c = ingestor.ingest(media, segment.startS(), segment.endS(), segment.hintX(), segment.hintY());
                return FacesDataset.row(segment.clipId(), segment.youtubeId(), split, c.frameTimeS(), c.bboxX(),
                        c.bboxY(), c.bboxW(), c.bboxH(), c.detector(), c.score(), c.png(), c.sourceW(), c.sourceH());
            };
        };
    }
}
