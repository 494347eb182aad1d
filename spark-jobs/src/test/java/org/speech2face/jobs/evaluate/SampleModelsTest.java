package org.speech2face.jobs.evaluate;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.speech2face.testing.SampleModels;
import org.speech2face.testing.TestSpark;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SampleModelsTest {
    @Test
    void builds() throws Exception {
        SparkSession spark = TestSpark.start();
        long t0 = System.nanoTime();
        Path root = SampleModels.root(spark);
        System.out.println("SAMPLE MODELS built in " + (System.nanoTime() - t0) / 1e9 + " s at " + root);
        assertThat(Files.exists(root.resolve("models/encoder/male"))).isTrue();
        spark.stop();
    }
}
