package org.speech2face.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Adler32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.VggFace;

/** Every VGGFace source, through the same code path a real file takes, with small models made here. */
class VggFaceWeightsTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    /** A VGG16 laid out like DL4J's zoo model (layers "0".."20", flat input, softmax output), tiny widths. */
    static ComputationGraph zooStyleVgg(int[] widths, int convolutions, long seed) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder().seed(seed)
                .activation(Activation.RELU).graphBuilder().addInputs("in");
        int[] depth = {2, 2, 3, 3, 3};
        String last = "in";
        int n = 0;
        int convs = 0;
        for (int block = 0; block < 5; block++) {
            for (int i = 0; i < depth[block] && convs < convolutions; i++, convs++) {
                b.layer(n, new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1).nOut(widths[block]).build(), last);
                last = String.valueOf(n++);
            }
            b.layer(n, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), last);
            last = String.valueOf(n++);
        }
        b.layer(n, new DenseLayer.Builder().nOut(512).dropOut(0.5).build(), last);
        last = String.valueOf(n++);
        b.layer(n, new DenseLayer.Builder().nOut(512).dropOut(0.5).build(), last);
        last = String.valueOf(n++);
        b.layer(n, new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(2622)
                .activation(Activation.SOFTMAX).build(), last);
        ComputationGraph g = new ComputationGraph(b.setOutputs(String.valueOf(n))
                .setInputTypes(InputType.convolutionalFlat(64, 64, 3)).build());
        g.init();
        return g;
    }

    private static ComputationGraph tinyVgg;
    private static byte[] tinyVggZip;

    /** The tiny-profile zoo-style VGG (seed 21) that most tests load, built and serialised once for the class. */
    private static synchronized ComputationGraph tinyVgg() throws IOException {
        if (tinyVgg == null) {
            ComputationGraph g = zooStyleVgg(new int[] {8, 16, 32, 64, 64}, 13, 21);
            Path zip = Files.createTempFile("vggface-tiny", ".zip");
            try {
                ModelSerializer.writeModel(g, zip.toFile(), false);
                tinyVggZip = Files.readAllBytes(zip);
            } finally {
                Files.delete(zip);
            }
            tinyVgg = g;
        }
        return tinyVgg;
    }

    /** {@link #tinyVgg()}'s zip under {@code name}, as its own file in this test's folder. */
    private Path saveTinyVggZip(String name) throws IOException {
        tinyVgg();
        return Files.write(tmp.resolve(name), tinyVggZip);
    }

    private Path saveZip(ComputationGraph g, String name) throws IOException {
        Path zip = tmp.resolve(name);
        ModelSerializer.writeModel(g, zip.toFile(), false);
        return zip;
    }

    private static long adler32(Path p) throws IOException {
        Adler32 a = new Adler32();
        a.update(Files.readAllBytes(p));
        return a.getValue();
    }

    /** RGB [0,1] NCHW to VGGFace's BGR 0-255 minus means, written out element by element. */
    private static INDArray vggInput(INDArray rgb) {
        double[] meanBgr = {93.5940, 104.7624, 129.1863};
        INDArray out = Nd4j.create(DataType.FLOAT, rgb.shape());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < rgb.size(2); y++) {
                for (int x = 0; x < rgb.size(3); x++) {
                    out.putScalar(new long[] {0, c, y, x}, rgb.getDouble(0, 2 - c, y, x) * 255 - meanBgr[c]);
                }
            }
        }
        return out;
    }

    @Test
    void zooZipLoadsThroughTheChecksumAndReproducesTheSourceNetwork() throws IOException {
        ComputationGraph source = tinyVgg();
        Path zip = saveTinyVggZip("vggface-tiny.zip");
        long adler = adler32(zip);

        VggFaceWeights.Loaded loaded = VggFaceWeights.fromZooZip(zip.toUri().toString(), ModelProfile.TINY, CONF, adler);
        assertThat(loaded.id()).isEqualTo("dl4j-zoo:vggface-tiny.zip#adler32=" + adler);

        Nd4j.getRandom().setSeed(4);
        INDArray face = Nd4j.rand(DataType.FLOAT, 1, 3, 64, 64);
        INDArray expectedProbabilities = source.outputSingle(vggInput(face).reshape(1, -1));
        INDArray[] ours = loaded.graph().output(face);
        INDArray probabilities = Transforms.softmax(ours[1], true);
        assertThat(probabilities.sub(expectedProbabilities).amaxNumber().doubleValue())
                .isLessThan(1e-5 * Math.max(1, expectedProbabilities.amaxNumber().doubleValue()) + 1e-7);
        // and fc7 is the pre-ReLU read-out of the source's (ReLU) fc7
        INDArray sourceFc7 = source.feedForward(vggInput(face).reshape(1, -1), false).get("19");
        assertThat(Transforms.relu(ours[0], true).sub(sourceFc7).amaxNumber().doubleValue()).isLessThan(1e-3);
        assertThat(ours[0].minNumber().doubleValue()).isLessThan(0);
    }

    @Test
    void kerasH5ImportsThroughDl4jAndReproducesTheKerasNetwork() throws Exception {
        Path h5 = tmp.resolve("vggface_tiny.h5");
        KerasVggFaceH5.write(h5, 64, new int[] {8, 16, 32, 64, 64}, 512, 2622, 5);
        VggFaceWeights.Loaded loaded = VggFaceWeights.load(h5.toUri().toString(), ModelProfile.TINY, CONF);
        assertThat(loaded.id()).startsWith("keras-h5:vggface_tiny.h5#sha256=").hasSize("keras-h5:vggface_tiny.h5#sha256=".length() + 16);

        // the same face through DL4J's own import of the file (channels-last input), against our graph
        ComputationGraph keras = org.deeplearning4j.nn.modelimport.keras.KerasModelImport
                .importKerasModelAndWeights(h5.toString(), false);
        Nd4j.getRandom().setSeed(6);
        INDArray face = Nd4j.rand(DataType.FLOAT, 1, 3, 64, 64);
        INDArray expected = keras.outputSingle(vggInput(face).permute(0, 2, 3, 1).dup('c'));
        INDArray probabilities = Transforms.softmax(loaded.graph().output(face)[1], true);
        assertThat(probabilities.sub(expected).amaxNumber().doubleValue())
                .isLessThan(1e-4 * expected.amaxNumber().doubleValue());
    }

    @Test
    void theRealZooChecksumIsEnforced() throws IOException {
        Path zip = saveTinyVggZip("vgg16_dl4j_vggface_inference.v1.zip");
        assertThatThrownBy(() -> VggFaceWeights.load(zip.toUri().toString(), ModelProfile.TINY, CONF))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Adler32 " + adler32(zip)).hasMessageContaining("expected 2706403553");
    }

    @Test
    void everyBrokenFileIsAOneLineError() throws IOException {
        String missing = tmp.resolve("nope.zip").toUri().toString();
        assertThatThrownBy(() -> VggFaceWeights.fromZooZip(missing, ModelProfile.TINY, CONF, 1L))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("nope.zip").hasMessageContaining("does not exist");

        Path good = saveTinyVggZip("good.zip");
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = tmp.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> VggFaceWeights.fromZooZip(truncated.toUri().toString(), ModelProfile.TINY, CONF, adler32(truncated)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("truncated.zip").hasMessageContaining("truncated");

        Path foreign = tmp.resolve("foreign.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
            z.putNextEntry(new ZipEntry("weights.bin"));
            z.write(new byte[] {1, 2, 3});
        }
        assertThatThrownBy(() -> VggFaceWeights.fromZooZip(foreign.toUri().toString(), ModelProfile.TINY, CONF, adler32(foreign)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a DL4J model");

        Path empty = tmp.resolve("empty.h5");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> VggFaceWeights.load(empty.toUri().toString(), ModelProfile.TINY, CONF))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("empty.h5").hasMessageContaining("empty");

        Path notH5 = tmp.resolve("notes.h5");
        Files.writeString(notH5, "these are not weights");
        assertThatThrownBy(() -> VggFaceWeights.load(notH5.toUri().toString(), ModelProfile.TINY, CONF))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("notes.h5").hasMessageContaining("not an HDF5 file");
    }

    @Test
    void shapeOrLayerMismatchesAreRefusedNotPatched() throws IOException {
        Path narrow = saveZip(zooStyleVgg(new int[] {8, 16, 32, 64, 32}, 13, 21), "narrow.zip");
        assertThatThrownBy(() -> VggFaceWeights.fromZooZip(narrow.toUri().toString(), ModelProfile.TINY, CONF, adler32(narrow)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("narrow.zip")
                .hasMessageContaining("tiny profile").hasMessageContaining("vgg_conv5_1");

        Path shallow = saveZip(zooStyleVgg(new int[] {8, 16, 32, 64, 64}, 12, 21), "shallow.zip");
        assertThatThrownBy(() -> VggFaceWeights.fromZooZip(shallow.toUri().toString(), ModelProfile.TINY, CONF, adler32(shallow)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("12 convolutions");

        Path paperSized = saveTinyVggZip("for-tiny.zip");
        assertThatThrownBy(() -> VggFaceWeights.fromZooZip(paperSized.toUri().toString(), ModelProfile.PAPER, CONF, adler32(paperSized)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("paper profile");
    }

    @Test
    void randomWeightsAreNamedAndReproducible() throws IOException {
        VggFaceWeights.Loaded a = VggFaceWeights.load("random:5", ModelProfile.TINY, CONF);
        VggFaceWeights.Loaded b = VggFaceWeights.load("random:5", ModelProfile.TINY, CONF);
        assertThat(a.id()).isEqualTo("random:5");
        assertThat(a.graph().params()).isEqualTo(b.graph().params());
        assertThat(a.graph().getLayer(VggFace.FC8).getParam("W").shape()).containsExactly(512, 2622);
        assertThatThrownBy(() -> VggFaceWeights.load("random:x", ModelProfile.TINY, CONF)).hasMessageContaining("random:x");
        assertThatThrownBy(() -> VggFaceWeights.load("weights.bin", ModelProfile.TINY, CONF)).hasMessageContaining("weights.bin");
    }

    @Test
    void keraChannelsLastFc6RowsAreReorderedToChannelMajor() {
        // rows (h, w, c) of a 2x2x64 map -> rows (c, h, w)
        INDArray hwc = Nd4j.arange(2 * 2 * 64).castTo(DataType.FLOAT).reshape(256, 1);
        INDArray chw = VggFaceTransplant.hwcToChw(hwc, ModelProfile.TINY);
        for (int c = 0; c < 64; c++) {
            for (int h = 0; h < 2; h++) {
                for (int w = 0; w < 2; w++) {
                    assertThat(chw.getDouble(c * 4 + h * 2 + w, 0)).isEqualTo((h * 2 + w) * 64 + c);
                }
            }
        }
    }
}
