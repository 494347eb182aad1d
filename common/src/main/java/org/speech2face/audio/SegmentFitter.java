package org.speech2face.audio;

import java.util.Objects;

/**
 * Makes every clip exactly one segment long, as Speech2Face does: a short clip is tiled (the waveform repeated
 * end to start) rather than zero-padded, so the speech encoder never sees silence it would learn from; a long clip
 * is cut, keeping its start. Stateless and thread-safe.
 */
public final class SegmentFitter {
    private final int segmentSamples;

    public SegmentFitter(SpectrogramSpec spec) {
        this.segmentSamples = Objects.requireNonNull(spec, "spec").segmentSamples();
    }

    /** Returns a fresh array of exactly {@code segmentSamples}; {@code pcm} is left untouched. */
    public FittedSegment fit(float[] pcm) {
        float[] out = new float[segmentSamples];
        boolean tiled = fitInto(pcm, out);
        return new FittedSegment(out, tiled);
    }

    /**
     * Writes the fitted segment into {@code out} (exactly {@code segmentSamples} long), so a hot loop can reuse one
     * buffer; returns whether the waveform was tiled.
     */
    public boolean fitInto(float[] pcm, float[] out) {
        Objects.requireNonNull(pcm, "pcm");
        Objects.requireNonNull(out, "out");
        if (pcm.length == 0) {
            throw new IllegalArgumentException("Cannot fit an empty waveform (0 samples) to a segment of "
                    + segmentSamples + " samples.");
        }
        if (out.length != segmentSamples) {
            throw new IllegalArgumentException("Output buffer holds " + out.length + " samples, not the segment's "
                    + segmentSamples + ".");
        }
        if (pcm.length >= segmentSamples) {
            System.arraycopy(pcm, 0, out, 0, segmentSamples);
            return false;
        }
        for (int at = 0; at < segmentSamples; at += pcm.length) {
            System.arraycopy(pcm, 0, out, at, Math.min(pcm.length, segmentSamples - at));
        }
        return true;
    }

    /** The segment length this fitter produces, in samples. */
    public int segmentSamples() {
        return segmentSamples;
    }
}
