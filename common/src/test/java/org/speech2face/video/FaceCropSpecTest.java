package org.speech2face.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void rejectsEachOutOfRangeSettingNamingIt() {
        assertInvalid(() -> spec(0, 0.25, 224, 480, 0.1, 0.75, 0.5, 1.1, 5), "framesPerSegment", "got 0");
        assertInvalid(() -> spec(3, -0.1, 224, 480, 0.1, 0.75, 0.5, 1.1, 5), "margin", "-0.1");
        assertInvalid(() -> spec(3, Double.NaN, 224, 480, 0.1, 0.75, 0.5, 1.1, 5), "margin", "NaN");
        assertInvalid(() -> spec(3, 0.25, 4, 480, 0.1, 0.75, 0.5, 1.1, 5), "outputSize", "got 4");
        assertInvalid(() -> spec(3, 0.25, 224, 32, 0.1, 0.75, 0.5, 1.1, 5), "detectionMaxSide", "got 32");
        assertInvalid(() -> spec(3, 0.25, 224, 480, 0.0, 0.75, 0.5, 1.1, 5), "minFaceFraction", "0.0");
        assertInvalid(() -> spec(3, 0.25, 224, 480, 0.1, 0.0, 0.5, 1.1, 5), "maxHintDistance", "0.0");
        assertInvalid(() -> spec(3, 0.25, 224, 480, 0.1, 0.75, 1.5, 1.1, 5), "hintCropFraction", "1.5");
        assertInvalid(() -> spec(3, 0.25, 224, 480, 0.1, 0.75, 0.5, 1.0, 5), "haarScaleFactor", "1.0");
        assertInvalid(() -> spec(3, 0.25, 224, 480, 0.1, 0.75, 0.5, 1.1, -1), "haarMinNeighbors", "-1");
    }

    private static FaceCropSpec spec(int frames, double margin, int size, int side, double minFace, double hintDist,
                                     double hintCrop, double scale, int neighbours) {
        return new FaceCropSpec(frames, margin, size, side, minFace, hintDist, false, hintCrop, scale, neighbours);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable make, String name,
                                      String value) {
        assertThatThrownBy(make).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name).hasMessageContaining(value);
    }
}
