package org.speech2face.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code SPARK_HOME} for YARN made of Maven jars, as a Spark distribution lays it out: {@code jars/} holds Spark
 * (with spark-yarn), the Hadoop client and Scala at the parent POM's versions and nothing of s2f;
 * {@code bin/spark-submit} runs {@code SparkSubmit} through Spark's launcher as bin/spark-class does;
 * {@code conf/spark-defaults.conf} makes YARN containers read those jars in place ({@code spark.yarn.jars=local:...},
 * nothing uploaded) and bind loopback. The wrapper's own settings are untouched.
 */
final class YarnSparkHome {
    private YarnSparkHome() {
    }

    /** Builds (or reuses, when the versions are unchanged) the Spark home under {@code dir}. */
    static Path create(Path dir) throws IOException, InterruptedException {
        Path jars = dir.resolve("jars");
        Path pom = dir.resolve("spark-dist-pom.xml");
        String wanted = distributionPom();
        boolean current = Files.exists(pom) && Files.readString(pom).equals(wanted) && Files.isDirectory(jars);
        if (!current) {
            deleteTree(jars);
            Files.createDirectories(jars);
            Path fresh = dir.resolve("spark-dist-pom.xml.new");
            Files.writeString(fresh, wanted);
            // Offline first: this build's own test dependencies (spark-yarn among them) put every jar in ~/.m2.
            Path log = dir.resolve("mvn.log");
            if (!copyDependencies(fresh, jars, log, true) && !copyDependencies(fresh, jars, log, false)) {
                throw new IOException("Maven could not resolve the YARN Spark home's jars; see " + log + ":\n"
                        + Files.readString(log));
            }
            Files.move(fresh, pom, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path submit = bin.resolve("spark-submit");
        // What bin/spark-class does: Spark's launcher builds the java command (in client mode with the driver's
        // memory and Java options, as a distribution's spark-submit would), and the script runs it.
        Files.writeString(submit, """
                #!/usr/bin/env bash
                export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
                export SPARK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
                export SPARK_SCALA_VERSION=2.12
                RUNNER="${JAVA_HOME:+$JAVA_HOME/bin/}java"
                # The launcher prints messages, an empty line, the command NUL-separated; then its exit code.
                CMD=(); DELIM=$'\\n'; STARTED=false
                while IFS= read -d "$DELIM" -r ARG; do
                  if $STARTED; then CMD+=("$ARG")
                  elif [ -z "$ARG" ]; then DELIM=''; STARTED=true
                  else echo "$ARG"
                  fi
                done < <("$RUNNER" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main \\
                  org.apache.spark.deploy.SparkSubmit "$@"; printf '%d\\0' $?)
                LAST=$(( ${#CMD[@]} - 1 ))
                [ "$LAST" -ge 0 ] || exit 1
                [ "${CMD[$LAST]}" = 0 ] || exit "${CMD[$LAST]}"
                exec "${CMD[@]:0:$LAST}"
                """);
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("spark-defaults.conf"), String.join("\n",
                "# Containers read Spark's jars where they are; only the app jar and the conf archive are uploaded.",
                "spark.yarn.jars local:" + jars.toAbsolutePath() + "/*",
                "spark.ui.enabled false",
                "# The host name resolves to 127.0.0.1 here; Spark would otherwise bind the first other interface.",
                "spark.yarn.appMasterEnv.SPARK_LOCAL_IP 127.0.0.1",
                "spark.executorEnv.SPARK_LOCAL_IP 127.0.0.1", ""));
        return dir;
    }

    private static boolean copyDependencies(Path pom, Path jars, Path log, boolean offline)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "-Dstyle.color=never"));
        if (offline) {
            cmd.add("-o");
        }
        cmd.addAll(List.of("-f", pom.toString(), "dependency:copy-dependencies", "-DoutputDirectory=" + jars));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    /** The jars a Spark distribution with YARN support holds, at the parent POM's versions. */
    static String distributionPom() throws IOException {
        String spark = property("spark.version");
        StringBuilder b = new StringBuilder();
        b.append("<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>\n");
        b.append("<groupId>local</groupId><artifactId>spark-yarn-dist</artifactId><version>1</version>");
        b.append("<packaging>pom</packaging>\n<dependencyManagement><dependencies>\n");
        // spark-yarn is a newer 3.5.x than the rest; its Spark modules stay at the cores' version. Nearest-wins would
        // also pick jackson-core 2.14 and slf4j 1.7 (no binding for Spark's log4j2 bridge).
        for (String m : List.of("spark-core", "spark-launcher", "spark-network-common", "spark-network-shuffle",
                "spark-common-utils", "spark-kvstore", "spark-unsafe", "spark-tags")) {
            b.append(dep("org.apache.spark", m + "_2.12", spark));
        }
        b.append(dep("com.fasterxml.jackson.core", "jackson-core", "2.15.2"));
        b.append(dep("org.slf4j", "slf4j-api", "2.0.7"));
        b.append("</dependencies></dependencyManagement>\n<dependencies>\n");
        for (String m : List.of("spark-core", "spark-sql", "spark-mllib")) {
            b.append(dep("org.apache.spark", m + "_2.12", spark));
        }
        b.append(dep("org.apache.spark", "spark-yarn_2.12", property("spark.yarn.version")));
        for (String m : List.of("hadoop-client-api", "hadoop-client-runtime")) {
            b.append(dep("org.apache.hadoop", m, property("hadoop.version")));
        }
        for (String m : List.of("scala-library", "scala-reflect")) {
            b.append(dep("org.scala-lang", m, property("scala.version")));
        }
        return b.append("</dependencies></project>\n").toString();
    }

    private static String dep(String group, String artifact, String version) {
        return "<dependency><groupId>" + group + "</groupId><artifactId>" + artifact + "</artifactId><version>"
                + version + "</version></dependency>\n";
    }

    /** A property of the parent POM. */
    static String property(String name) throws IOException {
        String pom = Files.readString(ProjectFiles.ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(pom);
        if (!m.find()) {
            throw new IllegalStateException("The parent pom.xml has no " + name + " property.");
        }
        return m.group(1);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
