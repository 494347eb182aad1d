package org.speech2face.audio;

/**
 * A waveform made exactly one segment long.
 *
 * @param samples mono PCM of exactly {@link SpectrogramSpec#segmentSamples()} samples; owned by this record
 * @param tiled   whether the source was shorter and had to be repeated, which downstream filters may care about
 */
public record FittedSegment(float[] samples, boolean tiled) {
}
