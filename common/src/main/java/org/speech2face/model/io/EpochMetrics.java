package org.speech2face.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What one training epoch measured, one small JSON file per epoch under {@code metrics/<net>/<variant>/}: a resumed
 * run rewrites the epochs it repeats instead of appending duplicates, and notebooks and {@code evaluate} read the
 * folder as a table.
 *
 * @param net              {@code decoder} or {@code encoder}
 * @param variant          {@code default} for the decoder, an {@link org.speech2face.contracts.EncoderVariant} id otherwise
 * @param epoch            epochs completed, 1 for the first
 * @param lossTerms        each loss term averaged over the epoch (and their sum as {@code total})
 * @param learningRate     Adam's learning rate during the epoch
 * @param examples         training examples seen in the epoch
 * @param samplesPerSecond examples per second of wall time
 * @param wallSeconds      the epoch's wall time
 */
public record EpochMetrics(String net, String variant, int epoch, Map<String, Double> lossTerms, double learningRate,
                           long examples, double samplesPerSecond, double wallSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @JsonCreator
    public EpochMetrics(@JsonProperty("net") String net, @JsonProperty("variant") String variant,
                        @JsonProperty("epoch") int epoch, @JsonProperty("lossTerms") Map<String, Double> lossTerms,
                        @JsonProperty("learningRate") double learningRate, @JsonProperty("examples") long examples,
                        @JsonProperty("samplesPerSecond") double samplesPerSecond,
                        @JsonProperty("wallSeconds") double wallSeconds) {
        if (net == null || !net.matches("[a-z]+") || variant == null || variant.isBlank()) {
            throw new IllegalArgumentException("Epoch metrics need a lower-case net name and a variant, got '" + net
                    + "' and '" + variant + "'.");
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("Epoch metrics are for epoch 1 or later, got " + epoch + ".");
        }
        this.net = net;
        this.variant = variant;
        this.epoch = epoch;
        this.lossTerms = lossTerms == null ? Map.of() : Map.copyOf(new TreeMap<>(lossTerms));
        this.learningRate = learningRate;
        this.examples = examples;
        this.samplesPerSecond = samplesPerSecond;
        this.wallSeconds = wallSeconds;
    }

    /** The file of {@code epoch} in {@code dir} (that is, {@code metrics/<net>/<variant>}). */
    public static Path file(Path dir, int epoch) {
        return new Path(dir, String.format(Locale.ROOT, "epoch-%04d.json", epoch));
    }

    /** Writes this epoch's file atomically, replacing an earlier one of the same epoch. */
    public void write(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        Checkpoints.writeAtomically(fs, file(dir, epoch), out -> out.write(JSON.writeValueAsBytes(this)));
    }

    /** Every epoch file in {@code dir}, by epoch; an absent folder is an empty list. */
    public static List<EpochMetrics> readAll(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        List<EpochMetrics> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.getPath().getName().matches("epoch-\\d{4,}\\.json")) {
                try (InputStream in = fs.open(s.getPath())) {
                    out.add(JSON.readValue(in, EpochMetrics.class));
                } catch (IOException | RuntimeException e) {
                    throw new IOException("Epoch metrics file " + fs.makeQualified(s.getPath())
                            + " is not valid metrics JSON (" + e.getMessage() + ").", e);
                }
            }
        }
        out.sort(Comparator.comparingInt(EpochMetrics::epoch));
        return out;
    }
}
