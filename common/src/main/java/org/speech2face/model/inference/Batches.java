package org.speech2face.model.inference;

/** Checks and packs the per-example arrays callers hand to the inference wrappers. */
final class Batches {
    private Batches() {
    }

    /** The rows as they are, after checking that there is at least one and each has {@code length} values. */
    static float[][] rows(float[][] rows, int length, String what) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException("A batch needs at least one " + what + ", got none.");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != length) {
                throw new IllegalArgumentException("The " + what + " at " + i + " of the batch has "
                        + (rows[i] == null ? "no" : String.valueOf(rows[i].length)) + " values; this model reads "
                        + length + ".");
            }
        }
        return rows;
    }

    /** The rows concatenated, after the same checks. */
    static float[] flat(float[][] rows, int length, String what) {
        rows(rows, length, what);
        float[] out = new float[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * length, length);
        }
        return out;
    }
}
