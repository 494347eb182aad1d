package org.speech2face.contracts;

import java.util.Locale;

/**
 * The face network whose features Ff every stage after face-features regresses to ({@code features.network}), and
 * how a feature id names it. A feature id is what face_features/, priors/ and every checkpoint's provenance carry
 * (the {@code vggface_id} column, {@link Provenance#vggface()}); its prefix tells the network:
 * <ul>
 * <li>{@link #VGGFACE}: VGGFace fc7 before its ReLU; ids {@code random:<seed>/<profile>},
 *     {@code dl4j-zoo:...#adler32=.../<profile>} or {@code keras-h5:...#sha256=.../<profile>}. Its width is the
 *     model profile's (4096 paper, 512 tiny).</li>
 * <li>{@link #DLIB_RESNET128}: dlib's face recognition ResNet-34 descriptor (face-api's weights), 128-D; id
 *     {@code dlib-resnet128:<first 16 hex of the weights' SHA-256>/<profile>}.</li>
 * </ul>
 */
public enum FeatureNetwork {
    VGGFACE,
    DLIB_RESNET128;

    /** Width of the dlib descriptor, whatever the model profile. */
    public static final int DLIB_DIMENSIONS = 128;

    /** How the config and feature ids spell it: {@code vggface}, {@code dlib-resnet128}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The width of Ff: the profile's VGGFace fc7 width for VGGFace, 128 for the dlib descriptor. */
    public int featureDim(int vggFaceFc7Dim) {
        return this == DLIB_RESNET128 ? DLIB_DIMENSIONS : vggFaceFc7Dim;
    }

    /** The feature id of {@code weightsId} (the network's own weights id) for a model profile. */
    public String featureId(String weightsId, String profile) {
        return (this == DLIB_RESNET128 ? id() + ":" + weightsId : weightsId) + "/" + profile;
    }

    /** The network a feature id belongs to; ids without the dlib prefix are VGGFace's (all ids before dlib were). */
    public static FeatureNetwork ofFeatureId(String featureId) {
        return featureId != null && featureId.startsWith(DLIB_RESNET128.id() + ":") ? DLIB_RESNET128 : VGGFACE;
    }
}
