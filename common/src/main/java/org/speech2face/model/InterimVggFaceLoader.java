package org.speech2face.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Interim VGGFace loader for the {@code random:<seed>} weight source only, until the networks branch's loader (zoo
 * zip, Keras h5) lands; then this class goes. A random VGGFace is deterministic in its seed, so every executor that
 * builds it gets the same weights without anything being shipped, and features stay comparable across runs.
 */
public final class InterimVggFaceLoader {
    private static final Pattern RANDOM = Pattern.compile("random:(-?\\d{1,18})");

    private InterimVggFaceLoader() {
    }

    /** Whether {@code source} names randomly initialised weights. */
    public static boolean isRandom(String source) {
        return RANDOM.matcher(source).matches();
    }

    /** The weights id stored beside every feature, e.g. {@code random:42/tiny}: features of different ids never mix. */
    public static String id(String source, ModelProfile profile) {
        return seedOf(source) + "/" + profile.id();
    }

    /** Builds and initialises the inference graph (outputs fc7 before ReLU, fc8). */
    public static ComputationGraph load(String source, ModelProfile profile) {
        long seed = Long.parseLong(seedOf(source).substring("random:".length()));
        ComputationGraph g = new ComputationGraph(VggFace.configuration(profile, DataType.FLOAT, seed));
        g.init();
        return g;
    }

    private static String seedOf(String source) {
        Matcher m = RANDOM.matcher(source);
        if (!m.matches()) {
            throw new IllegalArgumentException("VGGFace weights '" + source + "' are not 'random:<seed>'; loading a "
                    + "weights file (DL4J zoo zip or Keras h5) is not available in this build yet.");
        }
        return "random:" + Long.parseLong(m.group(1));
    }
}
