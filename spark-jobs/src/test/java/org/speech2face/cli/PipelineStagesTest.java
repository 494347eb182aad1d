package org.speech2face.cli;

import org.junit.jupiter.api.Test;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.TrainingSettings;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineStagesTest {
    @Test
    void featureStagesFollowIngestInOrderAndAreCommands() {
        List<String> stages = PipelineCommand.STAGES.stream().map(s -> s.get().name()).toList();
        assertThat(stages).containsExactly("ingest-faces", "ingest-audio", "face-features", "train-gender",
                "predict-gender", "face-prior", "train-decoder", "train-encoder", "evaluate", "generate");
        assertThat(Commands.names()).containsAll(stages);
        // generate the command takes a file or a folder; the pipeline's stage is its folder form
        assertThat(Commands.find("generate")).isInstanceOf(GenerateCommand.class);
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
