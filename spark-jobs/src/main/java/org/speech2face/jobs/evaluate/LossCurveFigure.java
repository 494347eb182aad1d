package org.speech2face.jobs.evaluate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fig. 5: the training loss of speech-encoder variants against the epoch, on one plot, drawn with Java2D. The paper
 * plots every 1000 steps; training here records the mean per epoch ({@code metrics/encoder/<variant>/}). Colours
 * follow the paper: the first series blue, the second red.
 */
final class LossCurveFigure {
    static final int WIDTH = 800;
    static final int HEIGHT = 480;
    private static final Color[] COLOURS = {new Color(0x1F, 0x4E, 0xC8), new Color(0xD0, 0x21, 0x21),
            new Color(0x2A, 0x9D, 0x3F), new Color(0x8E, 0x44, 0xAD), new Color(0xE6, 0x7E, 0x22),
            new Color(0x55, 0x55, 0x55), new Color(0x16, 0xA0, 0x85)};
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private LossCurveFigure() {
    }

    /** {@code series}: name to points {epoch, loss}, in drawing (and legend) order; at least one point in all. */
    static BufferedImage draw(String title, String yLabel, Map<String, double[][]> series) {
        double[] x = range(series, 0);
        double[] y = range(series, 1);
        BufferedImage out = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            g.drawRect(LEFT, TOP, plotW, plotH);
            for (double t : ticks(x[0], x[1], true)) {
                int px = px(t, x, plotW);
                g.drawLine(px, TOP + plotH, px, TOP + plotH + 5);
                String s = label(t);
                g.drawString(s, px - fm.stringWidth(s) / 2, TOP + plotH + 20);
            }
            for (double t : ticks(y[0], y[1], false)) {
                int py = py(t, y, plotH);
                g.setColor(new Color(0xEE, 0xEE, 0xEE));
                g.drawLine(LEFT + 1, py, LEFT + plotW - 1, py);
                g.setColor(Color.BLACK);
                g.drawLine(LEFT - 5, py, LEFT, py);
                String s = label(t);
                g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
            }
            g.drawString("epoch", LEFT + plotW / 2 - fm.stringWidth("epoch") / 2, HEIGHT - 18);
            g.rotate(-Math.PI / 2);
            g.drawString(yLabel, -(TOP + plotH / 2 + fm.stringWidth(yLabel) / 2), 20);
            g.rotate(Math.PI / 2);
            int k = 0;
            int legendY = TOP + 18;
            for (Map.Entry<String, double[][]> e : series.entrySet()) {
                Color c = COLOURS[k++ % COLOURS.length];
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                Path2D.Double line = new Path2D.Double();
                double[][] pts = e.getValue();
                for (int i = 0; i < pts.length; i++) {
                    double X = LEFT + (pts[i][0] - x[0]) / (x[1] - x[0]) * plotW;
                    double Y = TOP + plotH - (pts[i][1] - y[0]) / (y[1] - y[0]) * plotH;
                    if (i == 0) {
                        line.moveTo(X, Y);
                    } else {
                        line.lineTo(X, Y);
                    }
                    g.fillOval((int) Math.round(X) - 3, (int) Math.round(Y) - 3, 7, 7);
                }
                g.draw(line);
                int lx = LEFT + plotW - 170;
                g.drawLine(lx, legendY - 4, lx + 24, legendY - 4);
                g.setColor(Color.BLACK);
                g.drawString(e.getKey(), lx + 30, legendY);
                legendY += fm.getHeight() + 2;
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** [min, max] of one coordinate over all series, widened so a single value still spans an interval. */
    static double[] range(Map<String, double[][]> series, int coordinate) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[][] pts : series.values()) {
            for (double[] p : pts) {
                lo = Math.min(lo, p[coordinate]);
                hi = Math.max(hi, p[coordinate]);
            }
        }
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("A loss plot needs at least one point, got none.");
        }
        double span = hi - lo;
        double pad = span > 0 ? span * 0.05 : Math.max(Math.abs(hi) * 0.1, 0.5);
        return new double[] {lo - pad, hi + pad};
    }

    /** About five round tick values within [lo, hi]; whole numbers only for epochs. */
    static List<Double> ticks(double lo, double hi, boolean whole) {
        double raw = (hi - lo) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        if (whole) {
            step = Math.max(1, Math.round(step));
        }
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
            out.add(Math.abs(t) < 1e-12 * step ? 0.0 : t);
        }
        return out;
    }

    private static int px(double v, double[] r, int w) {
        return LEFT + (int) Math.round((v - r[0]) / (r[1] - r[0]) * w);
    }

    private static int py(double v, double[] r, int h) {
        return TOP + h - (int) Math.round((v - r[0]) / (r[1] - r[0]) * h);
    }

    private static String label(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
