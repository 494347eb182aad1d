package org.speech2face.jobs.evaluate;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A titled grid of face images with row and column labels, drawn with Java2D: Fig. 6 (original, Face-to-Face and
 * each variant's face for the same test clips) and Fig. 2 (the priors decoded for each n). Every face is scaled to
 * one cell size with bilinear interpolation; an empty cell (a variant that does not cover that clip, a prior that
 * does not exist for that n) is grey.
 */
final class FaceGridFigure {
    private static final int GAP = 4;
    private static final int PAD = 12;
    static final Color EMPTY = new Color(0xDD, 0xDD, 0xDD);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    /** Where the cells start and how large the picture is; cell (r, c) is at {@code left + c * (side + GAP)}, ... */
    record Layout(int left, int top, int width, int height, int cellSide) {
        int x(int column) {
            return left + column * (cellSide + GAP);
        }

        int y(int row) {
            return top + row * (cellSide + GAP);
        }
    }

    /** The layout of a grid with these row labels, {@code columns} columns and cells of {@code cellSide}. */
    static Layout layout(List<String> rowLabels, int columns, int cellSide) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D probe = scratch.createGraphics();
        try {
            FontMetrics fm = probe.getFontMetrics(LABEL_FONT);
            int labelWidth = 0;
            for (String l : rowLabels) {
                labelWidth = Math.max(labelWidth, fm.stringWidth(l));
            }
            int left = PAD + labelWidth + PAD;
            int top = PAD + 20 + fm.getHeight() + GAP;
            return new Layout(left, top, left + columns * (cellSide + GAP) + PAD,
                    top + rowLabels.size() * (cellSide + GAP) + PAD, cellSide);
        } finally {
            probe.dispose();
        }
    }

    private FaceGridFigure() {
    }

    /** {@code cells[row][column]}, each an image or null. */
    static BufferedImage draw(String title, List<String> rowLabels, List<String> columnLabels, BufferedImage[][] cells,
                              int cellSide) {
        if (cells.length != rowLabels.size()) {
            throw new IllegalArgumentException("A grid of " + rowLabels.size() + " labelled rows got " + cells.length
                    + " rows of faces.");
        }
        Layout at = layout(rowLabels, columnLabels.size(), cellSide);
        int columns = columnLabels.size();
        BufferedImage out = new BufferedImage(at.width(), at.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, at.width(), at.height());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, PAD, PAD + 14);
            g.setFont(LABEL_FONT);
            FontMetrics fm = g.getFontMetrics();
            for (int c = 0; c < columns; c++) {
                String l = columnLabels.get(c);
                int x = at.x(c) + Math.max(0, (cellSide - fm.stringWidth(l)) / 2);
                g.drawString(fit(l, fm, cellSide), x, at.top() - GAP - fm.getDescent());
            }
            for (int r = 0; r < rowLabels.size(); r++) {
                int y = at.y(r);
                g.setColor(Color.BLACK);
                g.drawString(rowLabels.get(r), PAD, y + cellSide / 2 + fm.getAscent() / 2);
                for (int c = 0; c < columns; c++) {
                    int x = at.x(c);
                    BufferedImage face = c < cells[r].length ? cells[r][c] : null;
                    if (face == null) {
                        g.setColor(EMPTY);
                        g.fillRect(x, y, cellSide, cellSide);
                    } else {
                        g.drawImage(face, x, y, cellSide, cellSide, null);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The label cut with an ellipsis to fit {@code width} pixels. */
    private static String fit(String label, FontMetrics fm, int width) {
        if (fm.stringWidth(label) <= width) {
            return label;
        }
        String s = label;
        while (s.length() > 1 && fm.stringWidth(s + "...") > width) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "...";
    }
}
