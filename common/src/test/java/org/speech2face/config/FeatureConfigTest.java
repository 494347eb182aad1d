package org.speech2face.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The vggface, features, gender and priors sections: defaults, --set of lists, and errors that name the key. */
class FeatureConfigTest {
    @TempDir
    Path dir;

    private S2fConfig load(String text, String... sets) throws IOException {
        return ConfigFiles.load(dir, text, sets);
    }

    @Test
    void defaultsAndOverrides() throws IOException {
        S2fConfig c = load("", "priors.n=[5, 20]", "vggface.weights=random:9", "gender.epochs=3");
        assertThat(c.priors().n()).containsExactly(5, 20);
        assertThat(c.priors().seed()).isEqualTo(2020);
        assertThat(c.priors().genderFrom()).isEqualTo(S2fConfig.GenderSource.PREDICTED);
        assertThat(c.features().vggfaceWeights()).isEqualTo("random:9");
        assertThat(c.features().batchSize()).isEqualTo(32);
        assertThat(c.gender().epochs()).isEqualTo(3);
        assertThat(c.gender().labels()).startsWith("file:/").endsWith("/samples/avspeech-sample/gender.csv");
        assertThat(c.rendered()).contains("vggface").contains("priors").contains("gender");
    }

    @Test
    void aWeightsPathIsMadeAbsolute() throws IOException {
        assertThat(load("vggface.weights = w/vgg.zip").features().vggfaceWeights()).startsWith("file:/")
                .endsWith("/w/vgg.zip");
    }

    @Test
    void countsMustAscend() {
        assertThatThrownBy(() -> load("priors.n = [10, 50, 50]")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'priors.n'").hasMessageContaining("50 after 50");
        assertThatThrownBy(() -> load("priors.n = [10, 0]")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'priors.n'").hasMessageContaining("(item 0)");
    }

    @Test
    void badGenderSettingsNameTheirKey() {
        assertThatThrownBy(() -> load("gender.batch-size = 1")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'gender.batch-size'").hasMessageContaining("got 1");
        assertThatThrownBy(() -> load("priors.gender-from = voice")).isInstanceOf(ConfigError.class)
                .hasMessageContaining("'priors.gender-from'").hasMessageContaining("predicted, labels");
    }

    @Test
    void theFaceApiSettingsHaveDefaultsAndNameTheirKey() throws IOException {
        S2fConfig c = load("");
        assertThat(c.features().network()).isEqualTo(org.speech2face.contracts.FeatureNetwork.VGGFACE);
        assertThat(c.ingest().detector()).isEqualTo(S2fConfig.FaceDetectorName.HAAR);
        assertThat(c.evaluate().recogniser()).isEqualTo(EvaluateSettings.Recogniser.FACE_API);
        String env = System.getenv("S2F_MODELS_DIR");
        assertThat(c.modelsDir()).as("the same folder s2f models fetch uses").isEqualTo(
                new java.io.File(env != null ? env : System.getProperty("user.home") + "/.cache/speech2face/models")
                        .toPath().toAbsolutePath().normalize().toUri().toString().replaceAll("/$", ""));
        S2fConfig d = load("models.dir = m", "features.network=dlib-resnet128", "ingest.faces.detector=SSD-MOBILENET",
                "evaluate.recogniser.kind=logistic-fc7");
        assertThat(d.features().network()).isEqualTo(org.speech2face.contracts.FeatureNetwork.DLIB_RESNET128);
        assertThat(d.ingest().detector()).isEqualTo(S2fConfig.FaceDetectorName.SSD_MOBILENET);
        assertThat(d.evaluate().recogniser()).isEqualTo(EvaluateSettings.Recogniser.LOGISTIC_FC7);
        assertThat(d.modelsDir()).startsWith("file:/").endsWith("/m");
        assertThat(d.rendered()).contains("models").contains("dlib-resnet128");
        assertThatThrownBy(() -> load("features.network = dlib")).isInstanceOf(ConfigError.class)
                .hasMessageStartingWith("Config key 'features.network' must be one of vggface, dlib-resnet128; "
                        + "got 'dlib' (");
    }
}
