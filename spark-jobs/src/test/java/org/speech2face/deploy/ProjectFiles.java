package org.speech2face.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checkout the deploy tests look at: Maven runs them with the spark-jobs module as working directory. */
public final class ProjectFiles {
    public static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private ProjectFiles() {
    }

    /** The parent POM's Java 17 option list, which wrappers and manifests must carry verbatim. */
    public static String jvmOpens() {
        return pomProperty("s2f.jvm.opens");
    }

    /** The parent POM's heap option (the heap keeps what it grew to), which every driver and executor gets. */
    public static String jvmHeap() {
        return pomProperty("s2f.jvm.heap");
    }

    private static String pomProperty(String name) {
        try {
            String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">(.*)</" + Pattern.quote(name) + ">").matcher(pom);
            if (!m.find() || m.group(1).isBlank()) {
                throw new IllegalStateException("The parent pom.xml has no " + name + " property.");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project's version, from the parent POM. */
    public static String projectVersion() {
        try {
            String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<artifactId>speech2face-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
            if (!m.find()) {
                throw new IllegalStateException("The parent pom.xml has no version after its artifactId.");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
