package org.speech2face.jobs.models;

import org.speech2face.jobs.StageRefusal;
import org.apache.hadoop.conf.Configuration;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.inference.VggFaceFeatures;
import org.speech2face.model.io.VggFaceWeights;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * The configured VGGFace weights ({@code vggface.weights}: {@code random:<seed>}, the DL4J zoo zip or a Keras h5,
 * read by {@link VggFaceWeights}) for one profile. The driver loads them once before any task starts, so a missing
 * or damaged file stops the job with one clear error and the weights' id (a checksum for files) is known when
 * planning; executors load them once per JVM ({@link ExecutorModels}, keyed by the source) and check the id. In
 * local mode driver and executor are one JVM, so the model is loaded once in all.
 */
public record VggFaceSource(String weights, ModelProfile profile, String id, HadoopConf conf) implements Serializable {
    public static final String MODEL_KIND = "vggface";

    /** Loads (or finds) the weights in this JVM and returns the source with its id; errors name the setting. */
    public static VggFaceSource resolve(String weights, ModelProfile profile, Configuration conf) {
        VggFaceSource unresolved = new VggFaceSource(weights, profile, null, new HadoopConf(conf));
        return new VggFaceSource(weights, profile, unresolved.loaded().id(), unresolved.conf());
    }

    /**
     * The id stored beside every feature: the weights' own id and the profile, e.g. {@code random:42/tiny}, so a
     * change of either makes earlier features stale.
     */
    public String featureId() {
        return id + "/" + profile.id();
    }

    public boolean isRandom() {
        return id.startsWith("random:");
    }

    /** The network in this JVM, loaded on first use; fails if the file now holds other weights than planned. */
    public VggFaceFeatures features() {
        Loaded l = loaded();
        if (id != null && !id.equals(l.id())) {
            throw new StageRefusal("VGGFace weights " + weights + " are now " + l.id() + " but the run was "
                    + "planned with " + id + "; the file changed during the run.");
        }
        return l.features();
    }

    private record Loaded(VggFaceFeatures features, String id) {
    }

    private Loaded loaded() {
        return ExecutorModels.get(MODEL_KIND, weights + "|" + profile.id(), () -> {
            try {
                VggFaceWeights.Loaded l = VggFaceWeights.load(weights, profile, conf.get());
                return new Loaded(new VggFaceFeatures(l.graph(), profile), l.id());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the VGGFace weights " + weights
                        + " (vggface.weights): " + e.getMessage(), e);
            } catch (IllegalArgumentException | org.speech2face.model.io.CheckpointException e) {
                throw new IllegalArgumentException(e.getMessage() + " (vggface.weights; random:<seed> gives a "
                        + "random model)", e);
            }
        });
    }
}
