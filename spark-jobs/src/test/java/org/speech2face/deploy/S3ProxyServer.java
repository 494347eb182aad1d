package org.speech2face.deploy;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListObjectsV2Result;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API on loopback: S3Proxy 2.1.0 with its in-memory back end, in a JVM of its own (its jclouds needs an
 * older gson than Spark's), class path resolved by Maven from spark-jobs/src/test/s3proxy/pom.xml. Stopped by its own
 * process handle on {@link #close}.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String IDENTITY = "local-identity";
    static final String CREDENTIAL = "local-credential";
    private static final Path HOME = ProjectFiles.ROOT.resolve("spark-jobs/src/test/s3proxy");

    private final Process process;
    private final Path log;
    private final String endpoint;

    private S3ProxyServer(Process process, Path log, String endpoint) {
        this.process = process;
        this.log = log;
        this.endpoint = endpoint;
    }

    /** Starts S3Proxy with its state and log under {@code dir}; returns once it answers HTTP. */
    static S3ProxyServer start(Path dir, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cp = dir.resolve("s3proxy.cp");
        Path mvnLog = dir.resolve("mvn.log");
        Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", HOME.resolve("pom.xml").toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + cp).redirectErrorStream(true)
                .redirectOutput(mvnLog.toFile()).start();
        if (!mvn.waitFor(5, TimeUnit.MINUTES) || mvn.exitValue() != 0 || !Files.exists(cp)) {
            mvn.destroyForcibly();
            throw new IllegalStateException("Maven could not resolve S3Proxy's class path: " + Files.readString(mvnLog));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        Path conf = dir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n", "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL, "jclouds.provider=transient", "jclouds.identity=" + IDENTITY,
                "jclouds.credential=" + CREDENTIAL, ""));
        Path log = dir.resolve("s3proxy.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dlogback.configurationFile=" + HOME.resolve("logback.xml"), "-cp", Files.readString(cp).strip(),
                "org.gaul.s3proxy.Main", "--properties", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3ProxyServer server = new S3ProxyServer(p, log, endpoint);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!server.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("S3Proxy did not start on " + endpoint + "; its log: "
                        + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return server;
    }

    /** Any HTTP answer (an anonymous GET / gets 403) means the server is up. */
    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int code = c.getResponseCode();
            c.disconnect();
            return code > 0;
        } catch (IOException e) {
            return false;
        }
    }

    String endpoint() {
        return endpoint;
    }

    /** An S3 client of the SDK that S3A uses, for what S3A does not do: buckets, listings by key. */
    AmazonS3 client() {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(IDENTITY, CREDENTIAL)))
                .build();
    }

    /** The Hadoop settings that point s3a:// here, failing fast rather than retrying for minutes. */
    Map<String, String> s3aSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fs.s3a.endpoint", endpoint);
        s.put("fs.s3a.endpoint.region", "us-east-1");
        s.put("fs.s3a.path.style.access", "true");
        s.put("fs.s3a.connection.ssl.enabled", "false");
        s.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        s.put("fs.s3a.access.key", IDENTITY);
        s.put("fs.s3a.secret.key", CREDENTIAL);
        s.put("fs.s3a.attempts.maximum", "3");
        s.put("fs.s3a.retry.limit", "3");
        return s;
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
    }

    /** Every key in {@code bucket}, sorted. */
    static List<String> keys(AmazonS3 s3, String bucket) {
        List<String> keys = new ArrayList<>();
        ListObjectsV2Request request = new ListObjectsV2Request().withBucketName(bucket);
        ListObjectsV2Result page;
        do {
            page = s3.listObjectsV2(request);
            page.getObjectSummaries().forEach(o -> keys.add(o.getKey()));
            request.setContinuationToken(page.getNextContinuationToken());
        } while (page.isTruncated());
        keys.sort(null);
        return keys;
    }
}
