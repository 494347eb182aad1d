package org.speech2face.contracts;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One speech-encoder variant of the paper's ablation (section 4.3.2, Table 4): which prior face feature SE is given
 * and how it is fused. Its {@link #id()} names the checkpoint folder {@code models/encoder/<id>/} and the report rows,
 * in the paper's own words ({@code non-prior}, {@code neutral}, {@code neutral+fc}, ...).
 *
 * @param prior  which prior each training example gets
 * @param fusion how the prior is fused; always {@link PriorFusion#NONE} with {@link Prior#NONE}, never otherwise
 */
public record EncoderVariant(Prior prior, PriorFusion fusion) implements java.io.Serializable {

    /** Where the prior comes from. {@code MALE} and {@code FEMALE} also train on that gender's clips only. */
    public enum Prior {
        NONE, NEUTRAL, GENDER, MALE, FEMALE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Prior parse(String id) {
            for (Prior p : values()) {
                if (p.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("Unknown encoder prior '" + id + "'; expected one of "
                    + Arrays.stream(values()).map(Prior::id).toList() + ".");
        }
    }

    /** The seven models of Table 4, in the paper's row order. */
    public static final List<EncoderVariant> PAPER = List.of(
            new EncoderVariant(Prior.NONE, PriorFusion.NONE),
            new EncoderVariant(Prior.NEUTRAL, PriorFusion.ADD_FC),
            new EncoderVariant(Prior.NEUTRAL, PriorFusion.ADD),
            new EncoderVariant(Prior.GENDER, PriorFusion.ADD_FC),
            new EncoderVariant(Prior.GENDER, PriorFusion.ADD),
            new EncoderVariant(Prior.FEMALE, PriorFusion.ADD),
            new EncoderVariant(Prior.MALE, PriorFusion.ADD));

    public EncoderVariant {
        if (prior == null || fusion == null) {
            throw new IllegalArgumentException("An encoder variant needs a prior and a fusion, got " + prior + " and "
                    + fusion + ".");
        }
        if ((prior == Prior.NONE) != (fusion == PriorFusion.NONE)) {
            throw new IllegalArgumentException("Encoder prior '" + prior.id() + "' cannot be fused with '" + fusion.id()
                    + "': prior none goes with fusion none, and every other prior with add or add-fc.");
        }
    }

    /**
     * The variant from the two config values; with prior {@code none} the fusion setting is ignored, since there is
     * nothing to fuse.
     */
    public static EncoderVariant of(String prior, String fusion) {
        Prior p = Prior.parse(prior);
        if (p == Prior.NONE) {
            return new EncoderVariant(p, PriorFusion.NONE);
        }
        PriorFusion f = PriorFusion.parse(fusion);
        if (f == PriorFusion.NONE) {
            throw new IllegalArgumentException("Encoder fusion 'none' needs prior 'none', got prior '" + p.id()
                    + "'; use fusion add or add-fc.");
        }
        return new EncoderVariant(p, f);
    }

    /** Parses an {@link #id()}: {@code non-prior}, or a prior name with an optional {@code +fc}. */
    public static EncoderVariant parse(String id) {
        String s = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        if (s.equals("non-prior")) {
            return new EncoderVariant(Prior.NONE, PriorFusion.NONE);
        }
        boolean fc = s.endsWith("+fc");
        String prior = fc ? s.substring(0, s.length() - 3) : s;
        try {
            Prior p = Prior.parse(prior);
            if (p != Prior.NONE) {
                return new EncoderVariant(p, fc ? PriorFusion.ADD_FC : PriorFusion.ADD);
            }
        } catch (IllegalArgumentException e) {
            // fall through to the message naming the whole id
        }
        throw new IllegalArgumentException("Unknown encoder variant '" + id + "'; expected non-prior or one of "
                + "neutral, gender, male, female, each optionally followed by +fc.");
    }

    /** Folder name and report label, as the paper writes the model's subscript. */
    public String id() {
        if (prior == Prior.NONE) {
            return "non-prior";
        }
        return prior.id() + (fusion == PriorFusion.ADD_FC ? "+fc" : "");
    }

    @Override
    public String toString() {
        return id();
    }
}
