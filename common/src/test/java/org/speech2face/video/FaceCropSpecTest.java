package org.speech2face.video;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaceCropSpecTest {
    @Test
    void theDefaultIsThePapers224PixelCropFromThreeFrames() {
        FaceCropSpec d = FaceCropSpec.DEFAULT;
        assertThat(d.outputSize()).isEqualTo(224);
        assertThat(d.framesPerSegment()).isEqualTo(3);
        assertThat(d.hintOnlyCrop()).isFalse();
        assertThat(d.haarScaleFactor()).isEqualTo(1.1);
        assertThat(d.haarMinNeighbors()).isEqualTo(5);
    }

    @Test
    void withersChangeOneSettingAndKeepTheRest() {
        FaceCropSpec tiny = FaceCropSpec.DEFAULT.withOutputSize(64).withHintOnlyCrop(true).withFramesPerSegment(5);
        assertThat(tiny.outputSize()).isEqualTo(64);
        assertThat(tiny.hintOnlyCrop()).isTrue();
        assertThat(tiny.framesPerSegment()).isEqualTo(5);
        assertThat(tiny.margin()).isEqualTo(FaceCropSpec.DEFAULT.margin());
        assertThat(tiny.maxHintDistance()).isEqualTo(FaceCropSpec.DEFAULT.maxHintDistance());
    }
}
