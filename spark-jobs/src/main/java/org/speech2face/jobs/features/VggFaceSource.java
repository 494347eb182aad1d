package org.speech2face.jobs.features;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.speech2face.model.InterimVggFaceLoader;
import org.speech2face.model.ModelProfile;
import org.speech2face.model.VggFaceFeatures;

import java.io.IOException;
import java.io.Serializable;

/**
 * The configured VGGFace weights ({@code vggface.weights}), checked on the driver before any task starts and loaded
 * on executors. Only {@code random:<seed>} loads in this build (through {@link InterimVggFaceLoader}); a file path
 * is checked for existence so a typo still gets the clearer of the two errors.
 */
public record VggFaceSource(String weights, ModelProfile profile) implements Serializable {

    /** Fails with a sentence naming the setting when the weights cannot be used. */
    public static VggFaceSource checked(String weights, ModelProfile profile, Configuration conf) throws IOException {
        if (!InterimVggFaceLoader.isRandom(weights)) {
            Path p = new Path(weights);
            if (!p.getFileSystem(conf).exists(p)) {
                throw new IllegalArgumentException("The VGGFace weights file " + weights + " (vggface.weights) does not "
                        + "exist; copy vgg16_dl4j_vggface_inference.v1.zip there, or set vggface.weights = "
                        + "\"random:<seed>\" for a random model.");
            }
            InterimVggFaceLoader.id(weights, profile); // explains that files cannot be loaded yet
        }
        return new VggFaceSource(weights, profile);
    }

    /** The id stored beside every feature. */
    public String id() {
        return InterimVggFaceLoader.id(weights, profile);
    }

    public boolean isRandom() {
        return InterimVggFaceLoader.isRandom(weights);
    }

    /** Loads the network (on an executor; see ExecutorModels). */
    public VggFaceFeatures load() {
        return new VggFaceFeatures(InterimVggFaceLoader.load(weights, profile), profile);
    }
}
