package org.speech2face.model.io;

import org.speech2face.contracts.CheckpointMetadata;
import org.speech2face.contracts.Provenance;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.inference.FaceDecoding;
import org.speech2face.model.inference.SpeechEncoding;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;
import org.speech2face.model.networks.VoiceGenderClassifier;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The golden model fixture: a tiny-profile face decoder checkpoint, a tiny neutral+fc speech encoder checkpoint and
 * a tiny voice gender classifier, saved by the code of 2026-12-03 (before the model package was split into
 * sub-packages), with the outputs that code computed from them. {@code GoldenModelsTest} loads them through today's
 * code and must reproduce those outputs, so a moved or renamed class cannot silently break a user's saved models
 * (DL4J writes custom layer class names into its JSON).
 *
 * <p>Parameters and Adam moments are seeded periodic patterns, so that the zips compress to a few hundred KB; the
 * computations are those of the real networks. Inputs come from {@link SplittableRandom}, the same on every JVM.
 *
 * <p>Regenerate only when the checkpoint format changes on purpose:
 * {@code java -cp <test classpath> org.speech2face.model.io.GoldenModels common/src/test/resources/golden-models}.
 */
public final class GoldenModels {
    public static final ModelProfile PROFILE = ModelProfile.TINY;
    public static final EncoderVariant ENCODER = EncoderVariant.parse("neutral+fc");
    public static final int BATCH = 2;
    static final long SEED = 20261203L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GoldenModels() {
    }

    /** Face features (decoder input, encoder prior) of the fixture. */
    public static float[][] features(long salt) {
        return uniform(BATCH, PROFILE.featureDim(), SEED + salt, 2.0f);
    }

    /** Channels-first spectrograms {@code [2][598][257]} of the fixture. */
    public static float[][] spectrograms(long salt) {
        return uniform(BATCH, ModelProfile.SPECTROGRAM_CHANNELS * ModelProfile.SPECTROGRAM_FRAMES
                * ModelProfile.SPECTROGRAM_BINS, SEED + salt, 1.0f);
    }

    /** RGB faces in [0, 1] (decoder labels). */
    public static float[][] faces(long salt) {
        float[][] f = uniform(BATCH, 3 * PROFILE.faceSize() * PROFILE.faceSize(), SEED + salt, 0.5f);
        for (float[] row : f) {
            for (int i = 0; i < row.length; i++) {
                row[i] += 0.5f;
            }
        }
        return f;
    }

    static float[][] uniform(int rows, int cols, long seed, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
            }
        }
        return out;
    }

    /** Overwrites {@code a} with a seeded pattern of period 257 and the given spread, in place. */
    static void pattern(INDArray a, long seed, double spread) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] period = new float[257];
        for (int i = 0; i < period.length; i++) {
            period[i] = (float) ((r.nextDouble() * 2 - 1) * spread);
        }
        long n = a.length();
        float[] values = new float[(int) n];
        for (int i = 0; i < n; i++) {
            values[i] = period[i % period.length];
        }
        a.assign(org.nd4j.linalg.factory.Nd4j.create(values, a.shape(), a.ordering()).castTo(a.dataType()));
    }

    /** Fills every parameter array of a graph with patterns scaled to its fan-in; moments small and positive. */
    static void patternParameters(Map<String, INDArray> table, long seed) {
        long s = seed;
        for (Map.Entry<String, INDArray> e : table.entrySet()) {
            INDArray p = e.getValue();
            double spread = p.rank() >= 2 ? Math.sqrt(3.0 / Math.max(1, p.length() / p.size(0))) : 0.05;
            if (e.getKey().endsWith("_gamma") || e.getKey().endsWith("_var") || e.getKey().endsWith("gamma")
                    || e.getKey().endsWith("var")) {
                pattern(p, s++, 0.2);
                p.addi(1.0);
            } else {
                pattern(p, s++, spread);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        File out = new File(args.length > 0 ? args[0] : "common/src/test/resources/golden-models");
        Files.createDirectories(out.toPath());
        Configuration conf = new Configuration();
        Map<String, Object> expected = new LinkedHashMap<>();

        ComputationGraph decoder = new ComputationGraph(TrainingGraphs.decoder(PROFILE, Networks.paperAdam(),
                DataType.FLOAT, SEED));
        decoder.init();
        patternParameters(decoder.paramTable(), SEED);
        patternMoments(decoder.getUpdater(), SEED + 100);
        MultiDataSet decoderExample = batch(features(1), faces(2));
        new Checkpoints(new File(out, "decoder").toURI().toString(), conf).save(decoder,
                new CheckpointMetadata(PROFILE.id(), "decoder", 1, null, Provenance.decoder("random:7/tiny", "golden"),
                        Map.of("total", 0.5)));
        FaceDecoding.Faces faces = new FaceDecoding(decoder, PROFILE).decode(features(1));
        expected.put("decoder_rgb", sample(faces.rgb()));
        expected.put("decoder_fc7", sample(faces.fc7()));
        expected.put("decoder_score", decoder.score(decoderExample));
        decoder.fit(decoderExample); // Adam's step reads the saved moments: a resumed run must take the same one
        expected.put("decoder_score_after_step", decoder.score(decoderExample));

        ComputationGraph encoder = new ComputationGraph(TrainingGraphs.encoder(PROFILE, ENCODER.fusion(),
                Networks.paperAdam(), DataType.FLOAT, SEED));
        encoder.init();
        patternParameters(encoder.paramTable(), SEED + 1000);
        patternMoments(encoder.getUpdater(), SEED + 1100);
        new Checkpoints(new File(out, "encoder").toURI().toString(), conf).save(encoder,
                new CheckpointMetadata(PROFILE.id(), "encoder/" + ENCODER.id(), 1, null,
                        Provenance.encoder("random:7/tiny", "epoch-0001:golden", "neutral@10", null, "golden"),
                        Map.of("total", 100.0)));
        expected.put("encoder_sf", sample(new SpeechEncoding(encoder, ENCODER, PROFILE)
                .encode(spectrograms(3), features(4))));

        MultiLayerNetwork gender = VoiceGenderClassifier.create(PROFILE, SEED, 1e-3, new double[] {1.0, 1.0});
        patternParameters(gender.paramTable(), SEED + 2000);
        GenderModelStore.save(gender, Map.of("profile", PROFILE.id()),
                new org.apache.hadoop.fs.Path(new File(out, "gender").toURI()), conf, "golden");
        expected.put("gender_p_male", toList(VoiceGenderClassifier.pMale(gender, spectrograms(5))));

        JSON.writeValue(new File(out, "expected.json"), expected);
    }

    /** Adam's moments as small positive patterns, so the saved updater state is not all zeros. */
    private static void patternMoments(BaseMultiLayerUpdater<?> updater, long seed) {
        INDArray state = updater.getStateViewArray();
        pattern(state, seed, 1e-3);
        state.assign(org.nd4j.linalg.ops.transforms.Transforms.abs(state, true));
    }

    static MultiDataSet batch(float[][] features, float[][] faces) {
        INDArray f = org.nd4j.linalg.factory.Nd4j.create(features);
        int side = PROFILE.faceSize();
        float[] flat = new float[faces.length * faces[0].length];
        for (int i = 0; i < faces.length; i++) {
            System.arraycopy(faces[i], 0, flat, i * faces[0].length, faces[0].length);
        }
        INDArray x = org.nd4j.linalg.factory.Nd4j.create(flat, new long[] {faces.length, 3, side, side}, 'c');
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {f}, new INDArray[] {x, f.dup()});
    }

    /** Every 97th value of each row: enough to catch any change, small enough to commit. */
    static List<List<Double>> sample(float[][] rows) {
        List<List<Double>> out = new ArrayList<>();
        for (float[] row : rows) {
            List<Double> r = new ArrayList<>();
            for (int i = 0; i < row.length; i += 97) {
                r.add((double) row[i]);
            }
            out.add(r);
        }
        return out;
    }

    static List<Double> toList(float[] v) {
        List<Double> out = new ArrayList<>();
        for (float x : v) {
            out.add((double) x);
        }
        return out;
    }
}
