package org.speech2face.jobs.generate;

import org.speech2face.jobs.io.DeltaLiveFiles;
import org.speech2face.contracts.VoiceGender;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.speech2face.contracts.GenderDataset;
import org.speech2face.contracts.VariantPriors;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The priors of the largest n, read straight from the priors table's live Parquet files with parquet-hadoop:
 * generating one face should not wait seconds for a Spark session to read a few rows.
 */
final class PriorsFile {
    private PriorsFile() {
    }

    /** The neutral, male and female priors of the largest n made from {@code vggfaceId}'s features (any may be null). */
    static VariantPriors read(Path dir, String vggfaceId, Configuration conf) throws IOException {
        Map<String, float[]> priors = new HashMap<>();
        Map<String, Integer> largest = new HashMap<>();
        for (Path part : DeltaLiveFiles.of(dir, conf)) {
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), part).withConf(conf)
                    .build()) {
                for (Group g = reader.read(); g != null; g = reader.read()) {
                    String prior = g.getString("name", 0);
                    int n = g.getInteger("n", 0);
                    if (vggfaceId.equals(g.getString("vggface_id", 0)) && n > largest.getOrDefault(prior, 0)) {
                        largest.put(prior, n);
                        priors.put(prior, feature(g, g.getInteger("dim", 0), part));
                    }
                }
            }
        }
        return new VariantPriors(priors.get("neutral"), priors.get(VoiceGender.MALE),
                priors.get(VoiceGender.FEMALE));
    }

    /**
     * The {@code feature} column of a record: Parquet's standard three-level list ({@code feature.list[i].element})
     * that Spark writes for an {@code array<float>}.
     */
    private static float[] feature(Group g, int dim, Path file) {
        Group list = g.getGroup("feature", 0);
        int n = list.getFieldRepetitionCount("list");
        if (n != dim) {
            throw new IllegalArgumentException("A prior in " + file + " has " + n + " values in feature but dim " + dim
                    + ".");
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = list.getGroup("list", i).getFloat("element", 0);
        }
        return out;
    }
}
