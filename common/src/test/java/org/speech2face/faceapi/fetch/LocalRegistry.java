package org.speech2face.faceapi.fetch;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * A real HTTP server on the loopback address that answers like the npm registry for one package version: the
 * version document (with {@code dist.integrity} and {@code dist.tarball}) and the tarball, which the test builds
 * as npm pack would (ustar entries under {@code package/}).
 */
final class LocalRegistry implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger tarballRequests = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    volatile byte[] tarball;
    volatile String publishedIntegrity;

    LocalRegistry(String name, String version, Map<String, byte[]> files) throws IOException {
        tarball = tgz(files);
        publishedIntegrity = integrity(tarball);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String encoded = name.replace("/", "%2f");
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getRawPath();
            byte[] body;
            int status = 200;
            if (path.equalsIgnoreCase("/" + encoded + "/" + version)) {
                body = ("{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"dist\":{\"integrity\":\""
                        + publishedIntegrity + "\",\"tarball\":\"" + uri() + "tarballs/pkg.tgz\"}}")
                        .getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/tarballs/pkg.tgz")) {
                tarballRequests.incrementAndGet();
                body = tarball;
            } else {
                status = 404;
                body = "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    static String integrity(byte[] bytes) {
        try {
            return "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gzipped ustar archive of {@code files} (paths relative to the archive root). */
    static byte[] tgz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                byte[] h = new byte[512];
                put(h, 0, f.getKey());
                put(h, 100, "0000644");
                put(h, 108, "0000000");
                put(h, 116, "0000000");
                put(h, 124, String.format("%011o", f.getValue().length));
                put(h, 136, "00000000000");
                h[156] = '0';
                put(h, 257, "ustar");
                put(h, 263, "00");
                java.util.Arrays.fill(h, 148, 156, (byte) ' ');
                int sum = 0;
                for (byte b : h) {
                    sum += b & 0xFF;
                }
                put(h, 148, String.format("%06o", sum));
                h[154] = 0;
                gz.write(h);
                gz.write(f.getValue());
                gz.write(new byte[(512 - f.getValue().length % 512) % 512]);
            }
            gz.write(new byte[1024]);
        }
        return raw.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
