package org.speech2face.jobs.evaluate;

import org.speech2face.jobs.models.TrainedModels;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.contracts.TensorColumn;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.faceapi.RgbImage;
import org.speech2face.faceapi.nets.FaceDescriptorNet;
import org.speech2face.jobs.models.FaceApiFiles;
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Scores one model on a partition of test clips (rows of {@link EvaluationInputs#testClips}), a batch at a time:
 * the model's answer for each voice (the speech encoder's Sf for a variant, the prior face of the voice's predicted
 * gender for prior-only), the decoder's face and its feature, the distances of both to Ff, the independent
 * recogniser's descriptors of the generated and the real face, and what the attribute recognisers make of the face.
 * The networks are loaded once per executor.
 *
 * @param model        {@link ClipScores#ORIGINAL}, {@link ClipScores#FACE_TO_FACE}, {@link ClipScores#PRIOR_ONLY} or
 *                     a variant id
 * @param decoder      the decoder checkpoint
 * @param encoder      the variant's checkpoint, or null for the others
 * @param priors       the priors the variant (or prior-only) reads (unused otherwise)
 * @param recognisers  gender and/or age recognisers (may be empty)
 * @param faceApi      face-api's networks: dlib's descriptor is the independent recogniser
 * @param figureClips  clips whose face is kept for Fig. 6
 */
record ClipScorer(String model, TrainedModels.Ref decoder, TrainedModels.Ref encoder, VariantPriors priors,
                  List<FaceAttributeRecogniser> recognisers, FaceApiFiles faceApi, Set<String> figureClips,
                  int batchSize, HadoopConf conf) implements MapPartitionsFunction<Row, Row> {
    static final String DECODER_KIND = "evaluate-decoder";
    static final String ENCODER_KIND = "evaluate-encoder";
    /** Whose priors prior-only answers with: the male or female prior by the voice's predicted gender. */
    static final EncoderVariant BY_GENDER = new EncoderVariant(EncoderVariant.Prior.GENDER, PriorFusion.ADD);

    @Override
    public Iterator<Row> call(Iterator<Row> input) throws Exception {
        ModelProfile profile = decoder.modelProfile();
        FaceDecoding fd = model.equals(ClipScores.ORIGINAL) ? null
                : new FaceDecoding(decoder.graph(DECODER_KIND, conf.get()), profile);
        SpeechEncoding se = encoder == null ? null : new SpeechEncoding(encoder.graph(ENCODER_KIND, conf.get()),
                EncoderVariant.parse(model), encoder.modelProfile());
        FaceDescriptorNet recogniser = faceApi.descriptor();
        return new Iterator<>() {
            private Iterator<Row> ready = List.<Row>of().iterator();

            @Override
            public boolean hasNext() {
                while (!ready.hasNext() && input.hasNext()) {
                    List<Row> batch = new ArrayList<>(batchSize);
                    while (batch.size() < batchSize && input.hasNext()) {
                        batch.add(input.next());
                    }
                    ready = score(batch, fd, se, recogniser).iterator();
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

    private List<Row> score(List<Row> batch, FaceDecoding fd, SpeechEncoding se, FaceDescriptorNet recogniser) {
        int n = batch.size();
        float[][] ff = new float[n][];
        List<RgbImage> real = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Row r = batch.get(i);
            ff[i] = FaceFeaturesDataset.fc7(r);
            try {
                real.add(RgbImage.decode(r.getAs("image"), "The face crop of clip " + r.getAs("clip_id")));
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        float[][] answer = null;
        if (se != null) {
            float[][] specs = new float[n][];
            float[][] prior = new float[n][];
            for (int i = 0; i < n; i++) {
                Row r = batch.get(i);
                specs[i] = SpectrogramInput.channelsFirst(TensorColumn.read(r, "spec",
                        ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS, SpectrogramInput.CHANNELS),
                        ModelProfile.SPECTROGRAM_FRAMES, ModelProfile.SPECTROGRAM_BINS);
                prior[i] = priors.forClip(se.variant(), r.getAs("predicted"));
            }
            answer = se.encode(specs, se.variant().fusion().usesPrior() ? prior : null);
        } else if (model.equals(ClipScores.PRIOR_ONLY)) {
            answer = new float[n][];
            for (int i = 0; i < n; i++) {
                answer[i] = priors.forClip(BY_GENDER, batch.get(i).getAs("predicted"));
            }
        }
        FaceDecoding.Faces faces = fd == null ? null : fd.decode(answer != null ? answer : ff);
        List<RgbImage> generated = new ArrayList<>(n);
        if (faces != null) {
            for (int i = 0; i < n; i++) {
                generated.add(RgbImage.fromUnitPlanes(faces.rgb()[i], faces.side()));
            }
        }
        float[][] realDescriptors = describe(recogniser, real);
        float[][] generatedDescriptors = faces == null ? null : describe(recogniser, generated);
        List<Row> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Row r = batch.get(i);
            String clip = r.getAs("clip_id");
            FeatureDistance.Distances speech = answer == null ? null : FeatureDistance.between(answer[i], ff[i]);
            FeatureDistance.Distances gen = faces == null ? null : FeatureDistance.between(faces.fc7()[i], ff[i]);
            Double recCos = faces == null ? null
                    : FeatureDistance.cosine(generatedDescriptors[i], realDescriptors[i]);
            float[] descriptor = faces == null ? realDescriptors[i] : generatedDescriptors[i];
            FaceAttributeRecogniser.Face face = faces != null
                    ? new FaceAttributeRecogniser.Face(generated.get(i), faces.fc7()[i])
                    : new FaceAttributeRecogniser.Face(real.get(i), ff[i]);
            byte[] png = !figureClips.contains(clip) ? null
                    : faces != null ? FaceImages.toPng(faces.rgb()[i], faces.side()) : r.<byte[]>getAs("image");
            out.add(RowFactory.create(model, clip, r.getAs("youtube_id"),
                    speech == null ? null : speech.l1(), speech == null ? null : speech.l2(),
                    speech == null ? null : speech.angleDegrees(),
                    gen == null ? null : gen.l1(), gen == null ? null : gen.l2(),
                    gen == null ? null : gen.angleDegrees(),
                    r.getAs("gender_label"), recognise("gender", face), r.getAs("age_label"), recognise("age", face),
                    recCos, FloatTensorCodec.encode(descriptor), png));
        }
        return out;
    }

    /** The independent recogniser's descriptors (dlib's network at face-api's input handling). */
    private static float[][] describe(FaceDescriptorNet net, List<RgbImage> faces) {
        synchronized (net) {
            return net.describe(faces);
        }
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
