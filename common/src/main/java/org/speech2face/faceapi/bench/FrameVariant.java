package org.speech2face.faceapi.bench;

import java.util.List;
import java.util.Locale;

/**
 * A way to re-render a sample video with FFmpeg so that its faces are harder to find, with the map that moves the
 * CSV's face hint along. Rotations turn the frame about its centre (black corners); the yaw warps turn the picture
 * in perspective about its left edge, so the face narrows and one side recedes: a stand-in for a turned head made
 * from the frontal sample (a real profile shows other features and hides half the face).
 *
 * @param filter the FFmpeg video filter for a frame size ({@code null} for the video as it is)
 */
public record FrameVariant(String name, Filter filter, HintMap hint) {
    /** An FFmpeg filter graph for frames of {@code width x height}. */
    public interface Filter {
        String at(int width, int height);
    }

    /** Where a point at fractions (x, y) of the frame lands, as fractions of the output frame. */
    public interface HintMap {
        double[] apply(double x, double y, int width, int height);
    }

    public static FrameVariant original() {
        return new FrameVariant("original", null, (x, y, w, h) -> new double[] {x, y});
    }

    /** The frame turned {@code degrees} clockwise about its centre, same size, corners black. */
    public static FrameVariant rotated(double degrees) {
        double t = Math.toRadians(degrees);
        return new FrameVariant(String.format(Locale.ROOT, "rotated %.0f deg", degrees),
                (fw, fh) -> String.format(Locale.ROOT, "rotate=%.6f:fillcolor=black", t), (x, y, w, h) -> {
                    double dx = (x - 0.5) * w;
                    double dy = (y - 0.5) * h;
                    return new double[] {0.5 + (dx * Math.cos(t) - dy * Math.sin(t)) / w,
                        0.5 + (dx * Math.sin(t) + dy * Math.cos(t)) / h};
                });
    }

    /**
     * The picture warped so that its right edge shrinks to {@code 1 - 2 * recede} of the height and the picture to
     * {@code width} of the frame's width, as a flat picture turned about its left edge looks (FFmpeg's perspective
     * filter; corners outside the picture repeat its edge).
     */
    public static FrameVariant yaw(double width, double recede) {
        Projective p = Projective.squareTo(new double[][] {{0, 0}, {width, recede}, {width, 1 - recede}, {0, 1}});
        return new FrameVariant(String.format(Locale.ROOT, "yaw warp %.2f", width), (fw, fh) -> String.format(
                Locale.ROOT, "perspective=x0=0:y0=0:x1=W*%1$.4f:y1=H*%2$.4f:x2=0:y2=H:x3=W*%1$.4f:y3=H*%3$.4f"
                        + ":sense=destination", width, recede, 1 - recede), (x, y, w, h) -> p.apply(x, y));
    }

    public static List<FrameVariant> standard() {
        return List.of(original(), rotated(20), rotated(45), yaw(0.6, 0.1), yaw(0.4, 0.2));
    }

    /** The projective map of the unit square onto a quadrilateral, corners in the order (0,0), (1,0), (1,1), (0,1). */
    record Projective(double a, double b, double c, double d, double e, double f, double g, double h) {
        static Projective squareTo(double[][] q) {
            double sx = q[0][0] - q[1][0] + q[2][0] - q[3][0];
            double sy = q[0][1] - q[1][1] + q[2][1] - q[3][1];
            double dx1 = q[1][0] - q[2][0];
            double dx2 = q[3][0] - q[2][0];
            double dy1 = q[1][1] - q[2][1];
            double dy2 = q[3][1] - q[2][1];
            double den = dx1 * dy2 - dx2 * dy1;
            double g = (sx * dy2 - dx2 * sy) / den;
            double h = (dx1 * sy - sx * dy1) / den;
            return new Projective(q[1][0] - q[0][0] + g * q[1][0], q[3][0] - q[0][0] + h * q[3][0], q[0][0],
                    q[1][1] - q[0][1] + g * q[1][1], q[3][1] - q[0][1] + h * q[3][1], q[0][1], g, h);
        }

        double[] apply(double u, double v) {
            double w = g * u + h * v + 1;
            return new double[] {(a * u + b * v + c) / w, (d * u + e * v + f) / w};
        }
    }
}
