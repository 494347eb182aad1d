package org.speech2face.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * There is no Docker engine here, so deploy/docker/Dockerfile is never built in the tests; this checks what can be
 * checked without one: its bases, that its versions are the build's (Spark, the jar, Java, hadoop-aws and the AWS SDK
 * with the hashes of the very jars the S3 test runs with), that every COPY source is a file the build makes and the
 * build context lets through, and that the paths inside the image are the ones the wrapper and manifests use.
 */
class DockerfileTest {
    private static final Path DOCKERFILE = ProjectFiles.ROOT.resolve("deploy/docker/Dockerfile");

    private static String text() throws IOException {
        return Files.readString(DOCKERFILE);
    }

    /** ARG name=default, first definition of each. */
    private static Map<String, String> args() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^ARG (\\w+)=(\\S+)$").matcher(text());
        while (m.find()) {
            out.putIfAbsent(m.group(1), m.group(2));
        }
        return out;
    }

    private static String pomProperty(String pom, String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
                .matcher(Files.readString(ProjectFiles.ROOT.resolve(pom)));
        assertThat(m.find()).as("%s in %s", name, pom).isTrue();
        return m.group(1);
    }

    @Test
    void theImageIsUbuntu2204WithTheCuda118RuntimeAndJava17() throws IOException {
        Map<String, String> args = args();
        assertThat(args).containsEntry("CPU_BASE", "ubuntu:22.04")
                .containsEntry("CUDA_BASE", "nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04")
                .containsEntry("FLAVOUR", "cpu");
        assertThat(text()).contains("FROM base-${FLAVOUR}\n", "FROM ${CPU_BASE} AS base-cpu\n",
                "FROM ${CUDA_BASE} AS base-cuda\n");
        String release = pomProperty("pom.xml", "maven.compiler.release");
        assertThat(text()).contains("openjdk-" + release + "-jre-headless", "java-" + release + "-openjdk-amd64");
    }

    @Test
    void itsVersionsAreTheBuilds() throws IOException {
        Map<String, String> args = args();
        assertThat(args.get("SPARK_VERSION")).isEqualTo(pomProperty("pom.xml", "spark.version"));
        assertThat(args.get("HADOOP_AWS_VERSION")).isEqualTo(pomProperty("pom.xml", "hadoop.version"));
        assertThat(args.get("S2F_VERSION")).isEqualTo(ProjectFiles.projectVersion());
    }

    /** The image adds the two jars S3PreprocessIT runs with: same versions, and hashes of the same bytes. */
    @Test
    void hadoopAwsAndTheSdkAreTheTestedJarsByHash() throws Exception {
        Map<String, String> args = args();
        Path aws = classPathJar("hadoop-aws-");
        Path sdk = classPathJar("aws-java-sdk-bundle-");
        assertThat(aws.getFileName().toString()).isEqualTo("hadoop-aws-" + args.get("HADOOP_AWS_VERSION") + ".jar");
        assertThat(sdk.getFileName().toString())
                .isEqualTo("aws-java-sdk-bundle-" + args.get("AWS_SDK_VERSION") + ".jar");
        assertThat(args.get("HADOOP_AWS_SHA256")).isEqualTo(sha256(aws));
        assertThat(args.get("AWS_SDK_SHA256")).isEqualTo(sha256(sdk));
        assertThat(text()).contains("sha256sum -c", "sha512sum -c");
    }

    /** Each flavour's COPY source is the shaded jar mvn package names (classifier cpu, or cuda under -Pcuda). */
    @Test
    void everyCopySourceIsAFileTheBuildMakesAndTheContextSends() throws IOException {
        List<String> sources = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(text()).results()
                .map(r -> r.group(1)).toList();
        assertThat(sources).containsExactly("spark-jobs/target/speech2face-spark-jobs-${S2F_VERSION}-${FLAVOUR}.jar",
                "deploy/gpu-discovery.sh");
        String shade = Files.readString(ProjectFiles.ROOT.resolve("spark-jobs/pom.xml"));
        assertThat(shade).contains("<shadedClassifierName>${s2f.dist.classifier}</shadedClassifierName>",
                "<artifactId>speech2face-spark-jobs</artifactId>");
        String parent = Files.readString(ProjectFiles.ROOT.resolve("pom.xml"));
        assertThat(parent).contains("<s2f.dist.classifier>cpu</s2f.dist.classifier>",
                "<s2f.dist.classifier>cuda</s2f.dist.classifier>");
        List<String> ignore = Files.readAllLines(ProjectFiles.ROOT.resolve(".dockerignore"));
        assertThat(ignore).contains("*");
        for (String flavour : List.of("cpu", "cuda")) {
            String jar = sources.get(0).replace("${S2F_VERSION}", ProjectFiles.projectVersion())
                    .replace("${FLAVOUR}", flavour);
            assertThat(jar).isEqualTo("spark-jobs/target/speech2face-spark-jobs-" + ProjectFiles.projectVersion() + "-"
                    + flavour + ".jar");
            assertThat(sentByContext(ignore, jar)).as("%s passes .dockerignore", jar).isTrue();
        }
        assertThat(ProjectFiles.ROOT.resolve(sources.get(1))).isRegularFile();
        assertThat(sentByContext(ignore, sources.get(1))).isTrue();
        assertThat(sentByContext(ignore, "samples/avspeech-sample/avspeech.csv")).isFalse();
    }

    @Test
    void thePathsInsideTheImageAreTheOnesTheWrapperAndManifestsUse() throws IOException {
        assertThat(text()).contains(" /opt/s2f/s2f.jar\n", " /opt/s2f/deploy/gpu-discovery.sh\n",
                "ENTRYPOINT [\"/opt/entrypoint.sh\"]", "USER 185");
        String wrapper = Files.readString(ProjectFiles.ROOT.resolve("deploy/submit-k8s.sh"));
        assertThat(wrapper).contains("local:///opt/s2f/s2f.jar", "/opt/s2f/deploy/gpu-discovery.sh");
        String manifest = Files.readString(ProjectFiles.ROOT.resolve("deploy/k8s/train-decoder.yaml"));
        assertThat(manifest).contains("local:///opt/s2f/s2f.jar", "/opt/s2f/deploy/gpu-discovery.sh");
    }

    /** Docker's rule: the last matching line decides; a line starting with ! lets a path back in. */
    private static boolean sentByContext(List<String> ignore, String path) {
        boolean sent = true;
        for (String line : ignore) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            boolean include = l.startsWith("!");
            String pattern = include ? l.substring(1) : l;
            if (FileSystems.getDefault().getPathMatcher("glob:" + pattern).matches(Path.of(path))
                    || pattern.equals("*")) {
                sent = include;
            }
        }
        return sent;
    }

    private static Path classPathJar(String prefix) {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of).filter(p -> p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith(".jar")).findFirst()
                .orElseThrow(() -> new AssertionError(prefix + "*.jar is not on the test class path"));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
