package org.speech2face.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speech2face.model.io.EpochMetrics;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notebooks run headless on data roots a run has not filled: cells for outputs that do not exist must say so
 * and name the command, never fail; and the training and evaluation cells draw files in the shared contracts'
 * formats (EpochMetrics' own writer, Markdown and PNG reports) before those stages exist in the pipeline. The
 * notebooks against a whole pipeline run's outputs are checked by StandaloneClusterIT.
 */
class NotebooksTest {

    @Test
    void onAnEmptyDataRootEveryCellRunsAndNamesTheCommandThatIsMissing(@TempDir Path root, @TempDir Path out)
            throws Exception {
        Map<String, JsonNode> nbs = Notebooks.execute(root, out);

        assertThat(nbs.keySet()).containsExactly("01-samples.ipynb", "02-priors.ipynb", "03-training.ipynb",
                "04-evaluation.ipynb");
        nbs.forEach((name, nb) -> {
            assertThat(Notebooks.errors(nb)).as(name).isEmpty();
            assertThat(Notebooks.images(nb)).as(name).isZero();
        });
        assertThat(Notebooks.text(nbs.get("01-samples.ipynb"))).contains(
                "No faces/ dataset under " + root.toRealPath() + " yet: run `s2f ingest-faces` first",
                "run `s2f ingest-audio` first", "run `s2f export` first");
        assertThat(Notebooks.text(nbs.get("02-priors.ipynb"))).contains("run `s2f face-prior` first");
        assertThat(Notebooks.text(nbs.get("03-training.ipynb"))).contains("run `s2f train-gender` first",
                "run `s2f train-decoder` first", "run `s2f train-encoder` first");
        assertThat(Notebooks.text(nbs.get("04-evaluation.ipynb"))).contains("No evaluation tables (reports/*.md)",
                "No figures (reports/figures/*.png)", "run `s2f evaluate` first");
    }

    @Test
    void trainingAndEvaluationCellsDrawMetricsTablesAndFigures(@TempDir Path root, @TempDir Path out) throws Exception {
        Configuration conf = new Configuration();
        for (int epoch = 1; epoch <= 3; epoch++) {
            new EpochMetrics("decoder", "default", epoch, Map.of("image_loss", 1.0 / epoch, "feature_loss", 2.0 / epoch,
                    "total", 3.0 / epoch), 1e-4, 32, 4.0, 8.0).write(metrics(root, "decoder", "default"), conf);
        }
        for (String variant : new String[] {"neutral", "gender+fc"}) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                new EpochMetrics("encoder", variant, epoch, Map.of("feature_term", 0.5 / epoch, "decoder_term",
                        0.25 / epoch, "total", 0.75 / epoch), 1e-4, 16, 2.0, 8.0).write(metrics(root, "encoder", variant), conf);
            }
        }
        Path reports = Files.createDirectories(root.resolve("reports/figures"));
        Files.writeString(root.resolve("reports/table4.md"), "| model | cosine |\n| --- | ---: |\n| neutral | 0.42 |\n");
        Files.writeString(root.resolve("reports/table4.json"), "{\"rows\": [{\"model\": \"neutral\", \"cosine\": 0.42}]}");
        ImageIO.write(new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB), "png", reports.resolve("grid.png").toFile());

        Map<String, JsonNode> nbs = Notebooks.execute(root, out, "03-training.ipynb", "04-evaluation.ipynb");

        JsonNode training = nbs.get("03-training.ipynb");
        assertThat(Notebooks.errors(training)).isEmpty();
        assertThat(Notebooks.images(training)).as("decoder and encoder loss panels").isEqualTo(2);
        assertThat(Notebooks.text(training)).contains("run `s2f train-gender` first", "| gender+fc | 2 | 16 |",
                "| default | 3 | 32 | 4.00 | 8.0 | 1.0000 |").doesNotContain("train-decoder` first");
        JsonNode evaluation = nbs.get("04-evaluation.ipynb");
        assertThat(Notebooks.errors(evaluation)).isEmpty();
        assertThat(Notebooks.images(evaluation)).isEqualTo(1);
        assertThat(Notebooks.text(evaluation)).contains("### table4.md", "| neutral | 0.42 |", "**grid.png**")
                .doesNotContain("No evaluation tables");
    }

    private static org.apache.hadoop.fs.Path metrics(Path root, String net, String variant) {
        return new org.apache.hadoop.fs.Path(root.resolve("metrics").resolve(net).resolve(variant).toUri());
    }
}
