package org.speech2face.jobs.evaluate;

import org.speech2face.jobs.models.TrainedModels;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.FaceFeaturesDataset;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.metrics.FeatureDistance;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.inference.FaceDecoding;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.inference.SpeechEncoding;
import org.speech2face.contracts.VariantPriors;
import org.speech2face.video.FaceImages;
import org.speech2face.video.FacePixels;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Scores one model on a partition of test clips (rows of {@link EvaluationInputs#testClips}), a batch at a time:
 * the speech encoder's Sf (for a variant), the decoder's face and its VGGFace fc7, the distances of both to Ff, and
 * what the attribute recognisers make of the face. The networks are loaded once per executor.
 *
 * @param model        {@link ClipScores#ORIGINAL}, {@link ClipScores#FACE_TO_FACE} or a variant id
 * @param decoder      the decoder checkpoint
 * @param encoder      the variant's checkpoint, or null for the other two
 * @param priors       the priors the variant reads (unused otherwise)
 * @param recognisers  gender and/or age recognisers (may be empty)
 * @param figureClips  clips whose face is kept for Fig. 6
 */
record ClipScorer(String model, TrainedModels.Ref decoder, TrainedModels.Ref encoder, VariantPriors priors,
                  List<FaceAttributeRecogniser> recognisers, Set<String> figureClips, int batchSize, HadoopConf conf)
        implements MapPartitionsFunction<Row, Row> {
    static final String DECODER_KIND = "evaluate-decoder";
    static final String ENCODER_KIND = "evaluate-encoder";

    @Override
    public Iterator<Row> call(Iterator<Row> input) throws Exception {
        ModelProfile profile = decoder.modelProfile();
        FaceDecoding fd = model.equals(ClipScores.ORIGINAL) ? null
                : new FaceDecoding(decoder.graph(DECODER_KIND, conf.get()), profile);
        SpeechEncoding se = encoder == null ? null : new SpeechEncoding(encoder.graph(ENCODER_KIND, conf.get()),
                EncoderVariant.parse(model), encoder.modelProfile());
        return new Iterator<>() {
            private Iterator<Row> ready = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!ready.hasNext() && input.hasNext()) {
                    List<Row> batch = new ArrayList<>(batchSize);
                    while (batch.size() < batchSize && input.hasNext()) {
                        batch.add(input.next());
                    }
                    try {
                        ready = score(batch, profile, fd, se).iterator();
                    } catch (RejectException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                }
                return ready.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.next();
            }
        };
    }

    private List<Row> score(List<Row> batch, ModelProfile profile, FaceDecoding fd, SpeechEncoding se)
            throws RejectException {
        int n = batch.size();
        float[][] ff = new float[n][];
        for (int i = 0; i < n; i++) {
            ff[i] = FaceFeaturesDataset.fc7(batch.get(i));
        }
        float[][] sf = null;
        if (se != null) {
            float[][] specs = new float[n][];
            float[][] prior = new float[n][];
            for (int i = 0; i < n; i++) {
                Row r = batch.get(i);
                specs[i] = SpectrogramInput.channelsFirst(FloatTensorCodec.decode(r.getAs("spec"),
                        ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS, SpectrogramInput.CHANNELS),
                        ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS);
                prior[i] = priors.forClip(se.variant(), r.getAs("predicted"));
            }
            sf = se.encode(specs, se.variant().fusion().usesPrior() ? prior : null);
        }
        FaceDecoding.Faces faces = fd == null ? null : fd.decode(sf != null ? sf : ff);
        List<Row> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Row r = batch.get(i);
            String clip = r.getAs("clip_id");
            FeatureDistance.Distances speech = sf == null ? null : FeatureDistance.between(sf[i], ff[i]);
            FeatureDistance.Distances generated = faces == null ? null : FeatureDistance.between(faces.fc7()[i], ff[i]);
            FaceAttributeRecogniser.Face face = faces != null
                    ? new FaceAttributeRecogniser.Face(faces.rgb()[i], faces.side(), faces.fc7()[i])
                    : recognisers.isEmpty() ? null : new FaceAttributeRecogniser.Face(FacePixels.rgbChannelsFirst(r.getAs("image"), profile.faceSize()),
                    profile.faceSize(), ff[i]);
            byte[] png = !figureClips.contains(clip) ? null
                    : faces != null ? FaceImages.toPng(faces.rgb()[i], faces.side()) : r.<byte[]>getAs("image");
            out.add(RowFactory.create(model, clip, r.getAs("youtube_id"),
                    speech == null ? null : speech.l1(), speech == null ? null : speech.l2(),
                    speech == null ? null : speech.angleDegrees(),
                    generated == null ? null : generated.l1(), generated == null ? null : generated.l2(),
                    generated == null ? null : generated.angleDegrees(),
                    r.getAs("gender_label"), recognise("gender", face), r.getAs("age_label"), recognise("age", face), png));
        }
        return out;
    }

    private String recognise(String attribute, FaceAttributeRecogniser.Face face) {
        for (FaceAttributeRecogniser r : recognisers) {
            if (r.attribute().equals(attribute)) {
                return r.recognise(face);
            }
        }
        return null;
    }
}
