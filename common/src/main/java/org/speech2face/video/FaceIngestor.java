package org.speech2face.video;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.speech2face.data.RejectException;

/**
 * The face half of preprocessing for one AVSpeech row: sample frames of the segment, detect faces, crop the one
 * at the hint. What the ingest-faces job calls per CSV row.
 *
 * <p>Frames are decoded and searched in time order, and the search stops at the first frame with a face near the
 * hint: every sampled frame shows the same speaker, so later frames only matter when earlier ones fail (a blink, a
 * turned head, motion blur), and not decoding them is what keeps ingestion as cheap as merely decoding the segment.
 * Within that frame {@link FaceCropper}'s rule picks the face.
 *
 * <p>Construct one per task or thread and reuse it across rows; the loaded cascade is kept per thread by
 * {@link HaarFaceDetector}, and no grabber outlives a call.
 */
public final class FaceIngestor {
    private final SegmentFrameSampler sampler;
    private final FaceDetector detector;
    private final FaceCropper cropper;

    public FaceIngestor(FaceCropSpec spec) {
        this(spec, new HaarFaceDetector(spec));
    }

    /** An ingestor with another detector than the Haar cascade; its crops record the detector's name. */
    public FaceIngestor(FaceCropSpec spec, FaceDetector detector) {
        this.sampler = new SegmentFrameSampler(spec.framesPerSegment());
        this.detector = detector;
        this.cropper = new FaceCropper(spec, detector.name());
    }

    /**
     * The face crop of the segment [startS, endS] of a local video, for the speaker at (hintX, hintY), given as
     * fractions of the frame width and height.
     *
     * @throws RejectException MISSING_FILE, CORRUPT_FILE, NO_VIDEO_STREAM, SEGMENT_OUT_OF_RANGE or NO_FACE
     */
    public FaceCrop ingest(Path localVideo, double startS, double endS, double hintX, double hintY)
            throws RejectException {
        FaceCropper.checkHint(hintX, hintY);
        List<SampledFrame> frames = new ArrayList<>();
        List<List<FaceBox>> detections = new ArrayList<>();
        try (SegmentFrames segment = sampler.open(localVideo, startS, endS)) {
            for (SampledFrame next = segment.next(); next != null; next = segment.next()) {
                SampledFrame frame = next;
                frames.add(frame);
                // Small faces are only searched for when no large one is near the hint.
                List<FaceBox> faces = detector.detect(frame.bgr(),
                        found -> cropper.anyNearHint(frame, found, hintX, hintY));
                detections.add(faces);
                if (cropper.anyNearHint(frame, faces, hintX, hintY)) {
                    break;
                }
            }
            if (frames.isEmpty()) {
                throw SegmentFrameSampler.noFrames(localVideo, startS, endS);
            }
            return cropper.crop(String.valueOf(localVideo.getFileName()), frames, detections, hintX, hintY);
        } finally {
            frames.forEach(SampledFrame::close);
        }
    }
}
