package org.speech2face.config;

import java.io.Serializable;

/**
 * The {@code evaluate} section: how the paper's Tables 4-6 and Figures 2, 5 and 6 are made, and how
 * {@code generate} turns a voice into a face. The values are checked once, by their keys in {@link ConfigKeys}.
 *
 * @param figureClips        test clips in Fig. 6's grid (the paper shows 10), drawn with {@code figureSeed}
 * @param figureSeed         seed of that draw (the clips with the smallest SHA-256 of seed:clip_id)
 * @param batchSize          spectrograms or features per forward pass on an executor
 * @param ageLabels          location of a {@code youtube_id,age} CSV for Table 6, or null: the sample has none
 * @param recogniser         the recogniser of Tables 5 and 6
 * @param recogniserMaxIter  iterations of the logistic regression that recognises gender (and age) from Ff
 * @param recogniserRegParam its L2 regularisation
 * @param generate           settings of {@code generate}
 */
public record EvaluateSettings(int figureClips, long figureSeed, int batchSize, String ageLabels,
                               Recogniser recogniser, int recogniserMaxIter, double recogniserRegParam, Generate generate)
        implements Serializable {

    /**
     * Who tells the gender and age of a face in Tables 5 and 6: face-api's pretrained age and gender network on the
     * face's pixels ({@code face-api}), or a logistic regression on Ff learnt from the train split's labelled faces
     * ({@code logistic-fc7}).
     */
    public enum Recogniser { FACE_API, LOGISTIC_FC7 }

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
    }

    /** Binds {@code evaluate.*}; {@code age-labels = none} reads as null. Each value is checked by its key. */
    static EvaluateSettings from(Settings s) {
        Generate generate = new Generate(s.get(ConfigKeys.GENERATE_MIN_SECONDS), s.get(ConfigKeys.GENERATE_SILENCE_DBFS),
                s.get(ConfigKeys.GENERATE_VARIANT), s.get(ConfigKeys.GENERATE_INPUT), s.get(ConfigKeys.GENERATE_OUTPUT));
        return new EvaluateSettings(s.get(ConfigKeys.EVALUATE_FIGURE_CLIPS), s.get(ConfigKeys.EVALUATE_FIGURE_SEED),
                s.get(ConfigKeys.EVALUATE_BATCH_SIZE), s.get(ConfigKeys.EVALUATE_AGE_LABELS),
                s.get(ConfigKeys.RECOGNISER_KIND), s.get(ConfigKeys.RECOGNISER_MAX_ITER), s.get(ConfigKeys.RECOGNISER_REG_PARAM), generate);
    }
}
