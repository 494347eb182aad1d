package org.speech2face.jobs.generate;

import org.speech2face.jobs.StageRefusal;
import org.speech2face.contracts.VoiceGender;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.speech2face.audio.SpectrogramSpec;
import org.speech2face.audio.VoiceClip;
import org.speech2face.config.EvaluateSettings;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.RejectException;
import org.speech2face.jobs.models.TrainedModels;
import org.speech2face.model.io.GenderModelStore;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.models.ExecutorModels;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.inference.FaceDecoding;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.inference.SpeechEncoding;
import org.speech2face.contracts.VariantPriors;
import org.speech2face.model.networks.VoiceGenderClassifier;
import org.speech2face.video.FaceImages;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything that turns a voice into a face, decided once (on the driver) and shipped to executors: the newest
 * decoder checkpoint, the chosen speech encoder variant's, the priors it reads and, for the gender variants, the
 * voice gender classifier that picks the male or female prior, as predict-gender does for training. Networks are
 * loaded once per JVM.
 *
 * @param genderModelDir the gender classifier's folder, or null when the variant needs none
 * @param genderModelId  its id (a checksum), checked when it is loaded
 */
public record VoiceToFace(TrainedModels.Ref decoder, TrainedModels.Ref encoder, String variant, VariantPriors priors,
                          String genderModelDir, String genderModelId, SpectrogramSpec spec,
                          EvaluateSettings.Generate settings, HadoopConf conf) implements Serializable {
    static final String DECODER_KIND = "generate-decoder";
    static final String ENCODER_KIND = "generate-encoder";
    static final String GENDER_KIND = "generate-gender";
    /** The variant {@code auto} prefers: the paper's best (Table 4). */
    static final EncoderVariant PREFERRED = EncoderVariant.parse("neutral+fc");

    /** One generated face: the PNG, and the voice's predicted gender when the variant used one. */
    public record Face(byte[] png, String predictedGender) {
    }

    /**
     * Chooses the checkpoints for {@code variantSetting} ({@code auto} or a variant id) under the data root; errors
     * name what is missing and the stage that makes it.
     */
    public static VoiceToFace prepare(S2fConfig cfg, String variantSetting, Configuration conf) throws IOException {
        DataLayout layout = new DataLayout(cfg.dataRoot());
        TrainedModels.Ref decoder = TrainedModels.decoder(layout, conf, DECODER_KIND);
        if (decoder.vggfaceId() == null) {
            throw new StageRefusal("The decoder checkpoint " + decoder.location() + " does not name the VGGFace "
                    + "weights it was trained against, so no prior can be matched to it; retrain it with train-decoder.");
        }
        VariantPriors priors = PriorsFile.read(layout.dataset(DataLayout.PRIORS), decoder.vggfaceId(), conf);
        EncoderVariant v;
        TrainedModels.Ref encoder;
        if (EvaluateSettings.Generate.AUTO.equals(variantSetting)) {
            List<EncoderVariant> order = new ArrayList<>(TrainedModels.present(layout, conf, new ArrayList<>()));
            if (order.remove(PREFERRED)) {
                order.add(0, PREFERRED);
            }
            v = null;
            encoder = null;
            for (EncoderVariant candidate : order) {
                TrainedModels.Ref ref = TrainedModels.encoder(layout, candidate, conf, ENCODER_KIND).orElseThrow();
                if (TrainedModels.unusable(candidate, ref, decoder, priors) == null) {
                    v = candidate;
                    encoder = ref;
                    break;
                }
            }
            if (v == null) {
                throw new StageRefusal("No trained speech encoder under " + layout.encoderCheckpointsRoot()
                        + " can draw with the decoder " + decoder.location() + " (tried " + order
                        + "); run train-encoder first.");
            }
        } else {
            v = EncoderVariant.parse(variantSetting);
            encoder = TrainedModels.encoder(layout, v, conf, ENCODER_KIND).orElseThrow(() -> new IllegalStateException(
                    "Encoder variant " + variantSetting + " has no checkpoint under " + layout.encoderCheckpoints(
                            EncoderVariant.parse(variantSetting)) + "; run train-encoder for it first."));
            String why = TrainedModels.unusable(v, encoder, decoder, priors);
            if (why != null) {
                throw new StageRefusal("Encoder variant " + v.id() + " (" + encoder.location() + ") " + why + ".");
            }
        }
        String genderDir = null;
        String genderId = null;
        if (v.prior() == EncoderVariant.Prior.GENDER) {
            Path dir = layout.genderModel();
            Optional<String> modelId = GenderModelStore.modelId(dir, conf);
            if (modelId.isEmpty()) {
                throw new StageRefusal("Encoder variant " + v.id() + " takes the male or female prior by the "
                        + "voice's predicted gender, but there is no gender model under " + dir
                        + "; run train-gender first.");
            }
            genderDir = dir.toString();
            genderId = modelId.get();
        }
        return new VoiceToFace(decoder, encoder, v.id(), priors, genderDir, genderId, cfg.ingest().audio(),
                cfg.evaluate().generate(), new HadoopConf(conf));
    }

    /** Which checkpoints drew the faces: changes whenever either network is retrained. */
    public String modelId() {
        return decoder.location() + " + " + encoder.location();
    }

    /** Decodes and checks a local voice file. */
    public VoiceClip read(java.nio.file.Path local) throws RejectException {
        return VoiceClip.read(local, spec, settings.minSeconds(), settings.silenceDbfs());
    }

    /** Faces for a batch of voices. */
    public List<Face> draw(List<VoiceClip> clips) {
        int n = clips.size();
        EncoderVariant v = EncoderVariant.parse(variant);
        float[][] specs = new float[n][];
        for (int i = 0; i < n; i++) {
            var s = clips.get(i).spectrogram();
            specs[i] = SpectrogramInput.channelsFirst(s.data(), s.frames(), s.bins());
        }
        String[] gender = new String[n];
        if (v.prior() == EncoderVariant.Prior.GENDER) {
            float[] pMale = VoiceGenderClassifier.pMale(genderNetwork(), specs);
            for (int i = 0; i < n; i++) {
                gender[i] = VoiceGender.of(pMale[i]);
            }
        } else if (v.prior() == EncoderVariant.Prior.MALE || v.prior() == EncoderVariant.Prior.FEMALE) {
            java.util.Arrays.fill(gender, v.prior().id());
        }
        float[][] prior = new float[n][];
        for (int i = 0; i < n; i++) {
            prior[i] = priors.forClip(v, gender[i]);
        }
        SpeechEncoding se = new SpeechEncoding(encoder.graph(ENCODER_KIND, conf.get()), v, encoder.modelProfile());
        FaceDecoding fd = new FaceDecoding(decoder.graph(DECODER_KIND, conf.get()), decoder.modelProfile());
        FaceDecoding.Faces faces = fd.decode(se.encode(specs, v.fusion().usesPrior() ? prior : null));
        List<Face> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Face(FaceImages.toPng(faces.rgb()[i], faces.side()),
                    v.prior() == EncoderVariant.Prior.GENDER ? gender[i] : null));
        }
        return out;
    }

    private MultiLayerNetwork genderNetwork() {
        return ExecutorModels.get(GENDER_KIND, genderModelId, () -> {
            try {
                return GenderModelStore.load(new Path(genderModelDir), conf.get(), genderModelId);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not load the gender model from " + genderModelDir + ".", e);
            }
        });
    }
}
