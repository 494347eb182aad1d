package org.speech2face.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Feature ids name their network; every id written before the dlib network existed reads as VGGFace's. */
class FeatureNetworkTest {
    @Test
    void featureIdsNameTheirNetworkAndWidth() {
        String dlib = FeatureNetwork.DLIB_RESNET128.featureId("b413e420d6840b27", "tiny");
        assertThat(dlib).isEqualTo("dlib-resnet128:b413e420d6840b27/tiny");
        assertThat(FeatureNetwork.ofFeatureId(dlib)).isEqualTo(FeatureNetwork.DLIB_RESNET128);
        assertThat(FeatureNetwork.VGGFACE.featureId("random:42", "tiny")).isEqualTo("random:42/tiny");
        for (String old : new String[] {"random:42/tiny", "dl4j-zoo:vgg16_dl4j_vggface_inference.v1.zip#adler32=2706403553/paper",
                "keras-h5:vgg.h5#sha256=0123456789abcdef/paper", null}) {
            assertThat(FeatureNetwork.ofFeatureId(old)).as(old).isEqualTo(FeatureNetwork.VGGFACE);
        }
        assertThat(FeatureNetwork.DLIB_RESNET128.featureDim(512)).isEqualTo(128);
        assertThat(FeatureNetwork.VGGFACE.featureDim(4096)).isEqualTo(4096);
        assertThat(FeatureNetwork.DLIB_RESNET128.id()).isEqualTo("dlib-resnet128");
    }
}
