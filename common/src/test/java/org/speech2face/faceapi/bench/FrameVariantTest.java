package org.speech2face.faceapi.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** The hint maps that follow the face through the benchmark's re-rendered videos. */
class FrameVariantTest {
    @Test
    void rotationTurnsClockwiseAboutTheCentre() {
        FrameVariant r = FrameVariant.rotated(90);
        assertThat(r.hint().apply(0.5, 0.5, 480, 360)).containsExactly(new double[] {0.5, 0.5}, offset(1e-12));
        // 60 px right of the centre of a 480x360 frame goes 60 px below it (y grows downwards on screen)
        double[] p = r.hint().apply(0.5 + 60.0 / 480, 0.5, 480, 360);
        assertThat(p[0] * 480).isCloseTo(240, offset(1e-9));
        assertThat(p[1] * 360).isCloseTo(180 + 60, offset(1e-9));
        assertThat(r.filter().at(480, 360)).startsWith("rotate=1.570796");
    }

    @Test
    void yawWarpSendsTheCornersToTheQuadAndTheCentreToItsDiagonalsCrossing() {
        FrameVariant y = FrameVariant.yaw(0.6, 0.1);
        assertThat(y.hint().apply(0, 0, 1, 1)).containsExactly(new double[] {0, 0}, offset(1e-12));
        assertThat(y.hint().apply(1, 0, 1, 1)).containsExactly(new double[] {0.6, 0.1}, offset(1e-12));
        assertThat(y.hint().apply(1, 1, 1, 1)).containsExactly(new double[] {0.6, 0.9}, offset(1e-12));
        assertThat(y.hint().apply(0, 1, 1, 1)).containsExactly(new double[] {0, 1}, offset(1e-12));
        // A projective map keeps lines: the square's centre lands where the quad's diagonals cross. Diagonal
        // (0,0)-(0.6,0.9) and diagonal (0.6,0.1)-(0,1): solve t*(0.6,0.9) = (0.6,0.1) + s*(-0.6,0.9).
        double t = 1 / 1.8; // 0.6t = 0.6 - 0.6s and 0.9t = 0.1 + 0.9s give s = 1 - t and 1.8t = 1
        assertThat(y.hint().apply(0.5, 0.5, 1, 1)).containsExactly(new double[] {0.6 * t, 0.9 * t}, offset(1e-12));
        assertThat(y.filter().at(480, 360)).isEqualTo(
                "perspective=x0=0:y0=0:x1=W*0.6000:y1=H*0.1000:x2=0:y2=H:x3=W*0.6000:y3=H*0.9000:sense=destination");
    }
}
