package org.speech2face.model.networks;

import org.speech2face.contracts.PriorFusion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.MultiDataSet;

/** Examples carry the data in the layout and order the training graphs read it. */
class TrainingExamplesTest {
    private static final ModelProfile TINY = ModelProfile.TINY;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void aDecoderExampleIsFfInAndTheFaceAndFfOut() {
        float[] ff = random(512, 1);
        float[] face = random(3 * 64 * 64, 2);
        MultiDataSet m = TrainingExamples.decoder(ff, face, TINY);
        assertThat(m.getFeatures()).hasSize(1);
        assertThat(m.getLabels()).hasSize(2);
        assertThat(m.getFeatures(0).shape()).containsExactly(1, 512);
        assertThat(m.getLabels(0).shape()).containsExactly(1, 3, 64, 64);
        assertThat(m.getFeatures(0).getFloat(0, 300)).isEqualTo(ff[300]);
        assertThat(m.getLabels(1).dup().data().asFloat()).containsExactly(ff);
        // channel 2 (blue), row 10, column 33 of the planar RGB face
        assertThat(m.getLabels(0).getFloat(0, 2, 10, 33)).isEqualTo(face[2 * 64 * 64 + 10 * 64 + 33]);
        assertThatThrownBy(() -> TrainingExamples.decoder(ff, random(3 * 224 * 224, 3), TINY))
                .hasMessage("The face has 150528 values; this model profile needs 12288.");
    }

    @Test
    void anEncoderExampleIsTheSpectrogramChannelsFirstWithItsPriorWhenFused() {
        float[] spec = random(598 * 257 * 2, 4);
        float[] prior = random(512, 5);
        float[] ff = random(512, 6);
        MultiDataSet fused = TrainingExamples.encoder(spec, prior, ff, TINY, PriorFusion.ADD_FC);
        assertThat(fused.getFeatures()).hasSize(2);
        assertThat(fused.getFeatures(0).shape()).containsExactly(1, 2, 598, 257);
        // imaginary part (channel 1) of frame 100, bin 7: [frames][bins][2] stores it at (100 * 257 + 7) * 2 + 1
        assertThat(fused.getFeatures(0).getFloat(0, 1, 100, 7)).isEqualTo(spec[(100 * 257 + 7) * 2 + 1]);
        assertThat(fused.getFeatures(0).getFloat(0, 0, 597, 256)).isEqualTo(spec[(597 * 257 + 256) * 2]);
        assertThat(fused.getFeatures(1).dup().data().asFloat()).containsExactly(prior);
        assertThat(fused.getLabels(0).dup().data().asFloat()).containsExactly(ff);

        MultiDataSet plain = TrainingExamples.encoder(spec, null, ff, TINY, PriorFusion.NONE);
        assertThat(plain.getFeatures()).hasSize(1);
        assertThatThrownBy(() -> TrainingExamples.encoder(spec, null, ff, TINY, PriorFusion.ADD))
                .hasMessage("Fusion 'add' needs a prior face feature, but none was given.");
        assertThatThrownBy(() -> TrainingExamples.encoder(spec, prior, ff, TINY, PriorFusion.NONE))
                .hasMessage("Fusion 'none' takes no prior, but one was given.");
        assertThatThrownBy(() -> TrainingExamples.encoder(random(10, 7), null, ff, TINY, PriorFusion.NONE))
                .hasMessageContaining("598 frames x 257 bins").hasMessageContaining("not 10");
    }
}
