package org.speech2face.contracts;

import java.util.Arrays;

/**
 * How SE combines its pooled 4096 vector h with a prior face feature (section 3.3, Table 4): {@code none}
 * Sf = Fc2(h); {@code add} Sf = Fc2(h) + prior; {@code add-fc} Sf = Fc2(h + prior).
 */
public enum PriorFusion {
    NONE("none"), ADD("add"), ADD_FC("add-fc");

    private final String id;

    PriorFusion(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether the graph has a second input for the prior. */
    public boolean usesPrior() {
        return this != NONE;
    }

    public static PriorFusion parse(String id) {
        for (PriorFusion f : values()) {
            if (f.id.equalsIgnoreCase(id == null ? "" : id.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("Unknown prior fusion '" + id + "'; expected one of "
                + Arrays.stream(values()).map(PriorFusion::id).toList() + ".");
    }

    @Override
    public String toString() {
        return id;
    }
}
