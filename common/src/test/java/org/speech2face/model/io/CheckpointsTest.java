package org.speech2face.model.io;

import org.speech2face.contracts.CheckpointMetadata;
import org.speech2face.contracts.FeatureNetwork;
import org.speech2face.contracts.Provenance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.contracts.PriorFusion;
import org.speech2face.model.networks.TrainingGraphs;

class CheckpointsTest {
    private static ComputationGraph trained;
    private static MultiDataSet batch;

    @TempDir
    Path tmp;

    /**
     * A tiny encoder of the dlib profile: the same kind of graph (SE, tri-item loss, Adam state) as the VGGFace one,
     * but its loss holds no 512x2622 VFc3, so a checkpoint is 1 MB instead of 9 and each save and load is 4x faster.
     */
    @BeforeAll
    static void trainTwoSteps() {
        trained = new ComputationGraph(TrainingGraphs.encoder(ModelProfile.TINY, PriorFusion.ADD_FC,
                FeatureNetwork.DLIB_RESNET128, Networks.paperAdam(), DataType.FLOAT, 11));
        trained.init();
        int dim = FeatureNetwork.DLIB_DIMENSIONS;
        Nd4j.getRandom().setSeed(12);
        batch = new MultiDataSet(new INDArray[] {Nd4j.randn(DataType.FLOAT, 2, 2, 598, 257), Nd4j.randn(DataType.FLOAT, 2, dim)},
                new INDArray[] {Nd4j.randn(DataType.FLOAT, 2, dim)});
        trained.fit(batch);
        trained.fit(batch);
    }

    private Checkpoints store() {
        return new Checkpoints(tmp.resolve("ckpt").toUri().toString(), new Configuration());
    }

    private static CheckpointMetadata meta(int epoch) {
        return new CheckpointMetadata("tiny", "encoder/neutral+fc", epoch, null,
                Provenance.encoder("random:7", "epoch-0001:abc", "neutral@10", null, "test"), Map.of("tri_loss", 1.25));
    }

    @Test
    void reloadedGraphGivesBitIdenticalOutputsAndResumesAdamExactly() throws IOException {
        Checkpoints store = store();
        CheckpointMetadata written = store.save(trained, meta(1));
        Checkpoints.Loaded loaded = store.load(1);

        assertThat(loaded.metadata()).isEqualTo(written);
        assertThat(loaded.metadata().provenance().vggface()).isEqualTo("random:7");
        assertThat(loaded.metadata().provenance().producer()).isEqualTo("train-encoder");
        assertThat(loaded.metadata().lossTerms()).containsEntry("tri_loss", 1.25);
        assertThat(loaded.metadata().configHash()).isEqualTo(Checkpoints.configHash(trained.getConfiguration()));
        assertThat(loaded.location()).startsWith("file:").endsWith("epoch-0001/model.zip");

        ComputationGraph copy = loaded.graph();
        assertThat(bits(copy.params())).isEqualTo(bits(trained.params()));
        assertThat(bits(copy.getUpdater().getStateViewArray())).as("Adam moments")
                .isEqualTo(bits(trained.getUpdater().getStateViewArray()));
        assertThat(bits(copy.output(batch.getFeatures())[0])).isEqualTo(bits(trained.output(batch.getFeatures())[0]));
        assertThat(copy.getConfiguration().getIterationCount()).isEqualTo(trained.getConfiguration().getIterationCount());
        // one more step continues from the same state; multi-threaded kernels need not sum in the same order, so
        // the two steps agree to within a few percent of the step, not bit for bit
        ComputationGraph original = trained.clone();
        INDArray before = trained.params().dup();
        original.fit(batch);
        copy.fit(batch);
        INDArray stepOriginal = original.params().sub(before);
        INDArray stepCopy = copy.params().sub(before);
        assertThat(stepCopy.sub(stepOriginal).amaxNumber().doubleValue())
                .isLessThan(0.05 * stepOriginal.amaxNumber().doubleValue());

        try (Stream<Path> files = Files.list(tmp.resolve("ckpt"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("epoch-0001");
        }
        try (Stream<Path> files = Files.list(tmp.resolve("ckpt/epoch-0001"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")))
                    .containsExactlyInAnyOrder("model.zip", "metadata.json");
        }
    }

    @Test
    void latestIsTheNewestCompleteCheckpoint() throws IOException {
        Checkpoints store = store();
        assertThat(store.latest()).isEmpty();
        store.save(trained, meta(1));
        store.save(trained, meta(3));
        store.save(trained, meta(3)); // replacing an epoch is allowed
        Files.createDirectories(tmp.resolve("ckpt/epoch-0005"));
        Files.writeString(tmp.resolve("ckpt/epoch-0005/metadata.json"), "{}"); // metadata without its model: incomplete
        // what a run killed while saving leaves: a complete-looking hidden folder that was never renamed
        Path killed = Files.createDirectories(tmp.resolve("ckpt/.epoch-0006.1234.tmp"));
        Files.copy(tmp.resolve("ckpt/epoch-0003/model.zip"), killed.resolve("model.zip"));
        Files.copy(tmp.resolve("ckpt/epoch-0003/metadata.json"), killed.resolve("metadata.json"));
        assertThat(store.latest()).contains(3);
        assertThat(store.epochs()).containsExactly(1, 3);
        try (Stream<Path> files = Files.list(tmp.resolve("ckpt"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("epoch-0001", "epoch-0003", "epoch-0005", ".epoch-0006.1234.tmp");
        }
    }

    @Test
    void missingTruncatedAndForeignFilesAreOneLineErrors() throws IOException {
        Checkpoints store = store();
        store.save(trained, meta(2));
        Path model = tmp.resolve("ckpt/epoch-0002/model.zip");
        FileSystem local = FileSystem.getLocal(new Configuration()).getRawFileSystem();

        assertThatThrownBy(() -> store.load(7)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("epoch-0007/metadata.json").hasMessageContaining("does not exist");

        byte[] full = Files.readAllBytes(model);
        Path truncated = tmp.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(full, full.length / 2));
        assertThatThrownBy(() -> Checkpoints.readGraph(local, new org.apache.hadoop.fs.Path(truncated.toUri()), false))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("truncated.zip").hasMessageContaining("truncated");

        Path png = tmp.resolve("face.zip");
        Files.write(png, getClass().getResourceAsStream("/msssim/obama_64.png").readAllBytes());
        assertThatThrownBy(() -> Checkpoints.readGraph(local, new org.apache.hadoop.fs.Path(png.toUri()), false))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("face.zip").hasMessageContaining("not a zip");

        Path otherZip = tmp.resolve("other.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(otherZip))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("hello".getBytes());
        }
        assertThatThrownBy(() -> Checkpoints.readGraph(local, new org.apache.hadoop.fs.Path(otherZip.toUri()), false))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a DL4J model");

        Path empty = tmp.resolve("empty.zip");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> Checkpoints.readGraph(local, new org.apache.hadoop.fs.Path(empty.toUri()), false))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("is empty");

        Files.writeString(tmp.resolve("ckpt/epoch-0002/metadata.json"), "not json");
        assertThatThrownBy(() -> store.load(2)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("epoch-0002/metadata.json").hasMessageContaining("not valid JSON");
    }

    @Test
    void metadataOfAnotherModelIsRefused() throws IOException {
        Checkpoints store = store();
        store.save(trained, meta(1));
        ComputationGraph other = new ComputationGraph(TrainingGraphs.encoder(ModelProfile.TINY, PriorFusion.NONE,
                FeatureNetwork.DLIB_RESNET128, Networks.paperAdam(), DataType.FLOAT, 11));
        other.init();
        new Checkpoints(tmp.resolve("other").toUri().toString(), new Configuration()).save(other, meta(1));
        for (String f : new String[] {"metadata.json", ".metadata.json.crc"}) { // with Hadoop's checksum file
            Files.copy(tmp.resolve("other/epoch-0001/" + f), tmp.resolve("ckpt/epoch-0001/" + f),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThatThrownBy(() -> store.load(1)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("epoch-0001/model.zip").hasMessageContaining("configuration hash");
    }

    @Test
    void corruptionIsCaughtByTheFileSystemChecksum() throws IOException {
        Checkpoints store = store();
        store.save(trained, meta(4));
        Path model = tmp.resolve("ckpt/epoch-0004/model.zip");
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 3] ^= 0x5a; // one flipped byte, the .crc left as written
        Files.write(model, bytes);
        assertThatThrownBy(() -> store.load(4)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("epoch-0004/model.zip").hasMessageContaining("Checksum");
    }

    @Test
    void loadLatestFallsBackPastCheckpointsThatDoNotLoad() throws IOException {
        Checkpoints store = store();
        assertThat(store.loadLatest().loaded()).isEmpty();
        for (int epoch = 1; epoch <= 3; epoch++) {
            store.save(trained, meta(epoch));
        }
        Path model3 = tmp.resolve("ckpt/epoch-0003/model.zip");
        byte[] full = Files.readAllBytes(model3);
        Files.delete(tmp.resolve("ckpt/epoch-0003/.model.zip.crc"));
        Files.write(model3, Arrays.copyOf(full, full.length / 2)); // what a full disk leaves
        Files.writeString(tmp.resolve("ckpt/epoch-0002/metadata.json"), "{\"epoch\": ");
        Files.delete(tmp.resolve("ckpt/epoch-0002/.metadata.json.crc"));

        Checkpoints.Latest latest = store.loadLatest();
        assertThat(latest.loaded()).isPresent();
        assertThat(latest.loaded().get().metadata().epoch()).isEqualTo(1);
        assertThat(latest.skipped()).hasSize(2);
        assertThat(latest.skipped().get(0)).startsWith("Checkpoint epoch-0003 cannot be used")
                .contains("truncated").endsWith("falling back to epoch-0002.");
        assertThat(latest.skipped().get(1)).startsWith("Checkpoint epoch-0002 cannot be used")
                .contains("not valid JSON").endsWith("falling back to epoch-0001.");
        assertThat(bits(latest.loaded().get().graph().params())).isEqualTo(bits(trained.params()));
        assertThat(store.latest()).as("a bad checkpoint is left in place, not deleted").contains(3);

        Files.writeString(tmp.resolve("ckpt/epoch-0001/metadata.json"), "[]");
        Files.delete(tmp.resolve("ckpt/epoch-0001/.metadata.json.crc"));
        Checkpoints.Latest none = store.loadLatest();
        assertThat(none.loaded()).isEmpty();
        assertThat(none.skipped()).hasSize(3);
        assertThat(none.skipped().get(2)).endsWith("training starts from fresh weights.");
    }

    @Test
    void aLayerFingerprintFollowsThatLayersWeightsOnly() {
        ComputationGraph copy = trained.clone();
        String fc2 = Checkpoints.layerFingerprint(copy, "se_fc2");
        assertThat(fc2).hasSize(16).isEqualTo(Checkpoints.layerFingerprint(trained, "se_fc2"));
        String conv1 = Checkpoints.layerFingerprint(copy, "se_conv1");
        copy.getLayer("se_fc2").params().addi(1e-3);
        assertThat(Checkpoints.layerFingerprint(copy, "se_fc2")).isNotEqualTo(fc2);
        assertThat(Checkpoints.layerFingerprint(copy, "se_conv1")).isEqualTo(conv1);
        assertThatThrownBy(() -> Checkpoints.layerFingerprint(copy, "nope")).hasMessageContaining("'nope'");
    }

    @Test
    void metadataIsValidated() {
        Provenance p = Provenance.decoder("random:7", "test");
        assertThatThrownBy(() -> new CheckpointMetadata("tiny", "", 1, null, p, null)).hasMessageContaining("variant");
        assertThatThrownBy(() -> new CheckpointMetadata("tiny", "decoder", -1, null, p, null)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new CheckpointMetadata("tiny", "decoder", 1, null, null, null))
                .hasMessageContaining("provenance");
    }

    private static int[] bits(INDArray a) {
        float[] f = a.dup().data().asFloat();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }
}
