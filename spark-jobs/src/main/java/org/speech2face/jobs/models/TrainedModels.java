package org.speech2face.jobs.models;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.EncoderVariant;
import org.speech2face.model.networks.FaceDecoder;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.contracts.VariantPriors;
import org.speech2face.contracts.CheckpointMetadata;
import org.speech2face.contracts.Provenance;
import org.speech2face.model.io.Checkpoints;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The trained networks evaluate and generate use: the newest checkpoint of the face decoder
 * ({@link DataLayout#decoderCheckpoints()}) and of every speech-encoder variant
 * ({@link DataLayout#encoderCheckpoints}), chosen on the driver and loaded once per executor. Checkpoints are read only
 * through {@link Checkpoints}.
 */
public final class TrainedModels {

    private TrainedModels() {
    }

    /**
     * One checkpoint as chosen on the driver: tasks load exactly this epoch, whatever is written meanwhile.
     *
     * @param dir        the checkpoint directory (a URI)
     * @param epoch      the epoch chosen
     * @param location   the model file, for reports
     * @param profile    the model profile its metadata names
     * @param provenance what its metadata says it was trained from and against
     * @param decoderId  for a decoder, its id as train-encoder records it ({@link #decoderId(int, ComputationGraph)});
     *                   for an encoder, the id of the decoder frozen in its loss
     */
    public record Ref(String dir, int epoch, String location, String profile, Provenance provenance,
                      String decoderId) implements Serializable {

        public ModelProfile modelProfile() {
            return ModelProfile.parse(profile);
        }

        /** The VGGFace features it was trained against, or null when its metadata does not say. */
        public String vggfaceId() {
            return provenance.vggface();
        }

        /** The training graph, loaded once per JVM and kind ({@link ExecutorModels}). */
        public ComputationGraph graph(String kind, Configuration conf) {
            return loaded(kind, dir, epoch, conf, null).graph();
        }
    }

    /**
     * The id of a decoder as an encoder's provenance records the decoder frozen in its loss:
     * {@code epoch-NNNN:<fingerprint of DFc1>}, so a retrained decoder is told apart from the one an encoder knew.
     */
    public static String decoderId(int epoch, ComputationGraph decoder) {
        return String.format(Locale.ROOT, "epoch-%04d:%s", epoch, Checkpoints.layerFingerprint(decoder, FaceDecoder.FC1));
    }

    /**
     * The newest decoder checkpoint; an error naming the folder and the stage to run when there is none. Reading its
     * metadata loads it, under {@code kind}, so a later {@link Ref#graph} of that kind in this JVM does not load again.
     */
    public static Ref decoder(DataLayout layout, Configuration conf, String kind) throws IOException {
        Path dir = layout.decoderCheckpoints();
        List<String> skipped = new ArrayList<>();
        return latest(dir, conf, kind, true, skipped).orElseThrow(() -> new IllegalStateException(
                "There is no trained face decoder under " + dir + (skipped.isEmpty() ? "" : " that loads ("
                        + String.join(" ", skipped) + ")") + "; run train-decoder first."));
    }

    /** The trained encoder variants, in Table 4's order; folders that are not variant ids go to {@code ignored}. */
    public record Encoders(Map<EncoderVariant, Ref> trained, List<String> ignored) {
    }

    /** Every variant with a checkpoint, each loaded (under {@code kind}) to read its metadata. */
    public static Encoders encoders(DataLayout layout, Configuration conf, String kind) throws IOException {
        List<String> ignored = new ArrayList<>();
        Map<EncoderVariant, Ref> trained = new LinkedHashMap<>();
        for (EncoderVariant v : present(layout, conf, ignored)) {
            trained.put(v, encoder(layout, v, conf, kind).orElseThrow());
        }
        return new Encoders(trained, ignored);
    }

    /**
     * The variants with a checkpoint under {@code models/encoder/}, in Table 4's order, without loading any; names
     * that are not variant ids are added to {@code ignored}.
     */
    public static List<EncoderVariant> present(DataLayout layout, Configuration conf, List<String> ignored)
            throws IOException {
        Path root = layout.encoderCheckpointsRoot();
        FileSystem fs = root.getFileSystem(conf);
        List<EncoderVariant> found = new ArrayList<>();
        if (fs.exists(root)) {
            for (FileStatus s : fs.listStatus(root)) {
                String name = s.getPath().getName();
                if (!s.isDirectory() || name.startsWith("_") || name.startsWith(".")) {
                    continue;
                }
                try {
                    EncoderVariant v = EncoderVariant.parse(name);
                    if (new Checkpoints(layout.encoderCheckpoints(v).toString(), conf).latest().isPresent()) {
                        found.add(v);
                    }
                } catch (IllegalArgumentException e) {
                    ignored.add(name);
                }
            }
        }
        found.sort(TABLE_ORDER);
        return found;
    }

    /** The newest checkpoint of one variant, if it has any, loaded under {@code kind}. */
    public static Optional<Ref> encoder(DataLayout layout, EncoderVariant variant, Configuration conf, String kind)
            throws IOException {
        return latest(layout.encoderCheckpoints(variant), conf, kind, false, new ArrayList<>());
    }

    /** Table 4's order: the paper's seven first, in its order, then the rest (male+fc, female+fc) by id. */
    public static final Comparator<EncoderVariant> TABLE_ORDER = Comparator.comparingInt((EncoderVariant v) -> {
        int i = EncoderVariant.PAPER.indexOf(v);
        return i >= 0 ? i : EncoderVariant.PAPER.size();
    }).thenComparing(EncoderVariant::id);

    /**
     * Why {@code encoder} (of {@code variant}) cannot be used with {@code decoder} and {@code priors}, or null when
     * it can: it must share the decoder's profile and VGGFace features, and its priors must exist.
     */
    public static String unusable(EncoderVariant variant, Ref encoder, Ref decoder, VariantPriors priors) {
        if (!encoder.profile().equals(decoder.profile())) {
            return "was trained with the " + encoder.profile() + " profile, the decoder with " + decoder.profile();
        }
        if (encoder.vggfaceId() != null && !encoder.vggfaceId().equals(decoder.vggfaceId())) {
            return "was trained against VGGFace features " + encoder.vggfaceId() + ", the decoder against "
                    + decoder.vggfaceId();
        }
        if (!priors.supports(variant)) {
            return "needs a prior of " + decoder.vggfaceId() + " that priors/ does not hold (run face-prior)";
        }
        return null;
    }

    /**
     * The newest checkpoint under {@code dir} that loads ({@link Checkpoints#loadLatest}: a damaged newer one is
     * skipped, its reason added to {@code skipped}), kept loaded under {@code kind} for {@link Ref#graph}.
     */
    private static Optional<Ref> latest(Path dir, Configuration conf, String kind, boolean decoder, List<String> skipped)
            throws IOException {
        Checkpoints.Latest latest = new Checkpoints(dir.toString(), conf).loadLatest();
        skipped.addAll(latest.skipped());
        if (latest.loaded().isEmpty()) {
            return Optional.empty();
        }
        Checkpoints.Loaded loaded = latest.loaded().get();
        CheckpointMetadata meta = loaded.metadata();
        loaded(kind, dir.toString(), meta.epoch(), conf, loaded);
        String decoderId = decoder ? decoderId(meta.epoch(), loaded.graph()) : meta.provenance().decoder();
        return Optional.of(new Ref(dir.toString(), meta.epoch(), loaded.location(), meta.profile(), meta.provenance(),
                decoderId));
    }

    /** A checkpoint with its metadata, loaded once per JVM and kind ({@code already}: a load to keep, or null). */
    private static Checkpoints.Loaded loaded(String kind, String dir, int epoch, Configuration conf,
                                             Checkpoints.Loaded already) {
        return ExecutorModels.get(kind, dir + "#" + epoch, () -> {
            if (already != null) {
                return already;
            }
            try {
                return new Checkpoints(dir, conf).load(epoch);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not load the checkpoint of epoch " + epoch + " under " + dir
                        + ": " + e.getMessage(), e);
            }
        });
    }
}
