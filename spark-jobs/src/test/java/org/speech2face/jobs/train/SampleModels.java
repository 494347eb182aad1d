package org.speech2face.jobs.train;

import org.apache.spark.sql.SparkSession;
import org.speech2face.config.S2fConfig;
import org.speech2face.jobs.JobTestSupport;
import org.speech2face.contracts.EncoderVariant;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample's trained networks, made once per test JVM for the evaluate and generate tests: the real stages up to
 * the priors ({@link TrainingFixture}), then train-decoder and train-encoder for three variants (non-prior,
 * neutral+fc, male), two epochs each. Read-only for the tests: each copies what it writes next to.
 */
public final class SampleModels {
    public static final String VGGFACE_ID = "random:42/tiny";
    public static final List<String> VARIANTS = List.of("non-prior", "neutral+fc", "male");
    public static final int EPOCHS = 2;
    private static Path root;

    private SampleModels() {
    }

    /** The data root with the trained networks, built on first use with {@code spark}. */
    public static synchronized Path root(SparkSession spark) throws Exception {
        if (root == null) {
            Path dir = TrainingFixture.copy(spark);
            JobTestSupport.run(spark, new TrainDecoderJob(), config(dir));
            for (String id : VARIANTS) {
                EncoderVariant v = EncoderVariant.parse(id);
                JobTestSupport.run(spark, new TrainEncoderJob(), config(dir, "encoder.prior=" + v.prior().id(),
                        "encoder.fusion=" + (v.fusion().usesPrior() ? v.fusion().id() : "add")));
            }
            root = dir;
        }
        return root;
    }

    /** The config the networks were trained with, for {@code root}, plus --set style overrides. */
    public static S2fConfig config(Path root, String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("training.epochs=" + EPOCHS));
        all.addAll(List.of(sets));
        return TrainingFixture.config(root, all.toArray(new String[0]));
    }
}
