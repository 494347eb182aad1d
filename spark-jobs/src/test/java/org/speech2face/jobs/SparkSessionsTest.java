package org.speech2face.jobs;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.speech2face.testing.SharedSpark;

import static org.assertj.core.api.Assertions.assertThat;

class SparkSessionsTest {
    private static String partitions(String master, String... set) {
        SparkConf conf = new SparkConf(false).setMaster(master);
        for (int i = 0; i < set.length; i += 2) {
            conf.set(set[i], set[i + 1]);
        }
        return SparkSessions.localShufflePartitions(conf).get(SparkSessions.SHUFFLE_PARTITIONS, "(Spark's default)");
    }

    @Test
    void aLocalMasterGetsTwiceItsCoresAsShufflePartitions() {
        assertThat(partitions("local[2]")).isEqualTo("4");
        assertThat(partitions("local")).isEqualTo("2");
        assertThat(partitions("local[3, 4]")).isEqualTo("6");
        assertThat(partitions("local[*]")).isEqualTo(String.valueOf(2 * Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void theUsersSettingAndClusterMastersAreLeftAlone() {
        assertThat(partitions("local[2]", SparkSessions.SHUFFLE_PARTITIONS, "200")).isEqualTo("200");
        for (String master : new String[]{"yarn", "spark://127.0.0.1:7077", "k8s://https://10.0.0.1:6443",
                "local-cluster[2,1,1024]"}) {
            assertThat(partitions(master)).as(master).isEqualTo("(Spark's default)");
        }
    }

    /** A paper-size decoder's averaging round returns about 1.3 GB per worker, past Spark's defaults. */
    @Test
    void sessionsTakeTrainingResultsOfAPaperSizeDecoder() {
        SparkConf conf = SharedSpark.session().sparkContext().getConf();
        assertThat(conf.get("spark.kryoserializer.buffer.max")).isEqualTo("2047m");
        assertThat(conf.get("spark.driver.maxResultSize")).isEqualTo("0");
    }
}
