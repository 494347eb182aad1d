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
import org.speech2face.contracts.FloatTensorCodec;
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
                        priors.put(prior, FloatTensorCodec.decode(g.getBinary("feature", 0).getBytes(),
                                g.getInteger("dim", 0)));
                    }
                }
            }
        }
        return new VariantPriors(priors.get("neutral"), priors.get(VoiceGender.MALE),
                priors.get(VoiceGender.FEMALE));
    }
}
