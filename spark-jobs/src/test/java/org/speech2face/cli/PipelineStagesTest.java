package org.speech2face.cli;

import org.junit.jupiter.api.Test;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.TrainingSettings;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineStagesTest {
    @Test
    void featureStagesFollowIngestInOrderAndAreCommands() {
        List<String> stages = PipelineCommand.STAGES.stream().map(s -> s.get().name()).toList();
        assertThat(stages).containsExactly("ingest-faces", "ingest-audio", "face-features", "train-gender",
                "predict-gender", "face-prior", "train-decoder", "train-encoder", "evaluate", "generate", "export");
        assertThat(Commands.names()).containsAll(stages);
        // generate the command takes a file or a folder; the pipeline's stage is its folder form
        assertThat(Commands.find("generate")).isInstanceOf(GenerateCommand.class);
    }

    @Test
    void stagesSelectsTheNamedStagesInPipelineOrder() {
        assertThat(PipelineCommand.select("face-features, ingest-faces,ingest-audio,ingest-faces"))
                .extracting(j -> j.name()).containsExactly("ingest-faces", "ingest-audio", "face-features");
        assertThat(PipelineCommand.select(null)).hasSize(PipelineCommand.STAGES.size());
        assertThatThrownBy(() -> PipelineCommand.select("ingest-faces,ingest"))
                .isInstanceOf(CliArgs.UsageError.class)
                .hasMessageStartingWith("--stages names 'ingest', which is not a pipeline stage; the stages are "
                        + "ingest-faces, ingest-audio, face-features,");
        assertThatThrownBy(() -> PipelineCommand.select("ingest-faces,,face-features"))
                .hasMessageStartingWith("--stages 'ingest-faces,,face-features' has an empty name; the stages are ");
    }

    @Test
    void aBadStageNameStopsThePipelineWithExitCodeTwoBeforeAnythingRuns() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = S2f.run(new String[]{"pipeline", "--stages", "train-decoder,optimize"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("s2f: --stages names 'optimize', which is not a pipeline stage;");
        assertThat(out.toString(StandardCharsets.UTF_8)).as("not even the pipeline's first line").isEmpty();
    }

    @Test
    void theEmbeddedLaptopConfigUsesRandomVggFaceWeights() {
        assertThat(ConfigLoader.load(null, List.of()).features().vggfaceWeights()).isEqualTo("random:42");
    }

    @Test
    void theEmbeddedLaptopConfigTrainsTheNeutralFcEncoderInAFewSmallEpochs() {
        TrainingSettings t = ConfigLoader.load(null, List.of()).training();
        assertThat(t.epochs()).isBetween(2, 10);
        assertThat(t.batchPerWorker()).isEqualTo(4);
        assertThat(t.averagingFrequency()).isEqualTo(1);
        assertThat(t.encoderVariant().id()).isEqualTo("neutral+fc");
    }
}
