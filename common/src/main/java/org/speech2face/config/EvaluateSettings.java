package org.speech2face.config;

import java.io.Serializable;
import java.util.Locale;

import org.speech2face.contracts.EncoderVariant;

/**
 * The {@code evaluate} section: how the paper's Tables 4-6 and Figures 2, 5 and 6 are made, and how
 * {@code generate} turns a voice into a face.
 *
 * @param figureClips        test clips in Fig. 6's grid (the paper shows 10), drawn with {@code figureSeed}
 * @param figureSeed         seed of that draw (the clips with the smallest SHA-256 of seed:clip_id)
 * @param batchSize          spectrograms or features per forward pass on an executor
 * @param ageLabels          location of a {@code youtube_id,age} CSV for Table 6, or null: the sample has none
 * @param recogniserMaxIter  iterations of the logistic regression that recognises gender (and age) from VGGFace fc7
 * @param recogniserRegParam its L2 regularisation
 * @param generate           settings of {@code generate}
 */
public record EvaluateSettings(int figureClips, long figureSeed, int batchSize, String ageLabels,
                               int recogniserMaxIter, double recogniserRegParam, Generate generate)
        implements Serializable {

    /**
     * @param minSeconds  shortest voice accepted (the encoder reads 6 s; AVSpeech segments are 3-10 s)
     * @param silenceDbfs level (RMS, dBFS) below which a voice counts as silent
     * @param variant     {@code auto} (neutral+fc when trained, else the first trained in Table 4's order) or an
     *                    encoder variant id
     * @param input       the folder the pipeline's generate stage reads voices from
     * @param output      the folder it writes their faces to
     */
    public record Generate(double minSeconds, double silenceDbfs, String variant, String input, String output)
            implements Serializable {
        public static final String AUTO = "auto";

        public Generate {
            if (!(minSeconds > 0 && minSeconds <= 6)) {
                throw new IllegalArgumentException("minSeconds must be in (0, 6], the 6 s the encoder reads; got "
                        + minSeconds + ".");
            }
            if (!(silenceDbfs < 0)) {
                throw new IllegalArgumentException("silenceDbfs must be below 0 dBFS (full scale); got " + silenceDbfs + ".");
            }
            variant = variant.trim().toLowerCase(Locale.ROOT);
            if (!variant.equals(AUTO)) {
                try {
                    EncoderVariant.parse(variant);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("variant must be auto or an encoder variant id; " + e.getMessage(), e);
                }
            }
        }
    }

    public EvaluateSettings {
        if (figureClips < 1) {
            throw new IllegalArgumentException("figureClips must be at least 1; got " + figureClips + ".");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1; got " + batchSize + ".");
        }
        if (recogniserMaxIter < 1) {
            throw new IllegalArgumentException("recogniserMaxIter must be at least 1; got " + recogniserMaxIter + ".");
        }
        if (!(recogniserRegParam >= 0)) {
            throw new IllegalArgumentException("recogniserRegParam must be 0 or more; got " + recogniserRegParam + ".");
        }
    }

    /** Binds {@code evaluate.*}; {@code age-labels = none} means no age labels. */
    static EvaluateSettings from(Settings s) {
        String p = "evaluate.";
        String age = "none".equalsIgnoreCase(s.string(p + "age-labels").trim()) ? null : s.location(p + "age-labels");
        Generate generate = s.record(p + "generate", () -> new Generate(s.doubleIn(p + "generate.min-seconds", 0, 3600),
                s.doubleIn(p + "generate.silence-dbfs", -1000, 1000), s.string(p + "generate.variant"),
                s.location(p + "generate.input"), s.location(p + "generate.output")));
        return s.record("evaluate", () -> new EvaluateSettings(s.intIn(p + "figure-clips", 1, 1000),
                s.longIn(p + "figure-seed"), s.intIn(p + "batch-size", 1, 100_000), age,
                s.intIn(p + "recogniser.max-iter", 1, 100_000), s.doubleIn(p + "recogniser.reg-param", 0, 1e6),
                generate));
    }
}
