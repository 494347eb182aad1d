package org.speech2face.jobs.models;

import java.io.Serializable;

import org.apache.hadoop.conf.Configuration;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.model.networks.ModelProfile;

/**
 * The face features {@code features.network} selects, as the stages after ingest name them: the network, the feature
 * id every face_features/ row, prior and checkpoint carries, and whether its weights are random. Resolved on the
 * driver: VGGFace's weights are loaded (a missing file stops the run here, and their checksum is part of the id);
 * dlib's id comes from its weights' pinned SHA-256, which every load of the files checks.
 *
 * @param dim the width of Ff for the configured model profile
 */
public record ConfiguredFeatures(FeatureNetwork network, String featureId, boolean isRandom, int dim)
        implements Serializable {

    public static ConfiguredFeatures of(S2fConfig cfg, Configuration conf) {
        ModelProfile profile = ModelProfile.parse(cfg.profile().name());
        FeatureNetwork network = cfg.features().network();
        if (network == FeatureNetwork.DLIB_RESNET128) {
            return new ConfiguredFeatures(network, network.featureId(FaceApiFiles.descriptorWeightsId(), profile.id()),
                    false, network.featureDim(profile.featureDim()));
        }
        VggFaceSource vgg = VggFaceSource.resolve(cfg.features().vggfaceWeights(), profile, conf);
        return new ConfiguredFeatures(network, vgg.featureId(), vgg.isRandom(), profile.featureDim());
    }
}
