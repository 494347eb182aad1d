package org.speech2face.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the code, checked on every build by reading the sources (so it needs no library and cannot be fooled
 * by a fully qualified name in the middle of a method):
 * <ul>
 * <li>stages are siblings: no stage package under {@code org.speech2face.jobs} names another, and the packages they
 *     share (the jobs root, io, models, report, stage) name no stage;</li>
 * <li>{@code org.speech2face.contracts} stands on nothing else of the project;</li>
 * <li>{@code common/} knows nothing of Spark jobs or the command line;</li>
 * <li>{@code spark-jobs/} holds no model maths: it does not define layers or compute with ND4J.</li>
 * </ul>
 */
class LayeringTest {
    /** The stage packages under org.speech2face.jobs; a new stage is added here. */
    static final Set<String> STAGES = Set.of("ingest", "features", "gender", "priors", "train", "evaluate", "generate",
            "export", "optimize", "maintenance", "migrate");
    /** What the stages share; these must not depend on any stage. */
    static final Set<String> SHARED = Set.of("", "io", "models", "monitoring", "report", "stage");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.speech2face\\.([a-z][a-z0-9_.]*?)\\.[A-Z]");
    private static final Pattern JOBS_PACKAGE = Pattern.compile("^jobs(?:\\.([a-z0-9_]+))?");

    @Test
    void stagesAreSiblingsThatShareOnlyContractsAndInfrastructure() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Source s : sources("spark-jobs/src/main/java")) {
            String own = jobsPackage(s.pkg());
            if (own == null) {
                continue;
            }
            for (String ref : s.references()) {
                String other = jobsPackage(ref);
                if (other == null || other.equals(own)) {
                    continue;
                }
                if (STAGES.contains(own) && STAGES.contains(other)) {
                    violations.add(s.file() + ": stage " + own + " uses stage " + other);
                } else if (SHARED.contains(own) && STAGES.contains(other)) {
                    violations.add(s.file() + ": shared package jobs." + own + " uses stage " + other);
                }
            }
            if (!STAGES.contains(own) && !SHARED.contains(own)) {
                violations.add(s.file() + ": jobs." + own + " is neither a known stage nor a shared package; add it to "
                        + "LayeringTest.STAGES or SHARED");
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void contractsStandOnNothingElseOfTheProject() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Source s : sources("common/src/main/java")) {
            if (s.pkg().equals("org.speech2face.contracts")) {
                s.references().stream().filter(r -> !r.equals("contracts"))
                        .forEach(r -> violations.add(s.file() + " uses org.speech2face." + r));
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void commonKnowsNoJobAndNoCommandLine() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Source s : sources("common/src/main/java")) {
            s.references().stream().filter(r -> r.startsWith("jobs") || r.startsWith("cli"))
                    .forEach(r -> violations.add(s.file() + " uses org.speech2face." + r));
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void sparkJobsHoldNoModelMaths() throws IOException {
        Pattern maths = Pattern.compile("\\b(org\\.nd4j\\.linalg\\.(factory|ops)|org\\.nd4j\\.autodiff|"
                + "org\\.deeplearning4j\\.nn\\.conf\\.layers)\\.");
        List<String> violations = new ArrayList<>();
        for (Source s : sources("spark-jobs/src/main/java")) {
            Matcher m = maths.matcher(s.text());
            while (m.find()) {
                violations.add(s.file() + " uses " + m.group(1));
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theScanSeesTheCodeItChecks() throws IOException {
        // a guard against a scan that silently reads nothing (a moved source folder, a changed package pattern)
        List<Source> jobs = sources("spark-jobs/src/main/java");
        assertThat(jobs).extracting(s -> jobsPackage(s.pkg())).contains("ingest", "train", "evaluate", "io");
        Source train = jobs.stream().filter(s -> s.file().endsWith("TrainEncoderJob.java")).findFirst().orElseThrow();
        assertThat(train.references()).contains("contracts", "jobs.models");
    }

    /** The stage or shared package of {@code org.speech2face.jobs[.x]...} (relative), or null outside jobs. */
    private static String jobsPackage(String relative) {
        String r = relative.startsWith("org.speech2face.") ? relative.substring("org.speech2face.".length()) : relative;
        Matcher m = JOBS_PACKAGE.matcher(r);
        if (!m.find() || !(r.equals("jobs") || r.startsWith("jobs."))) {
            return null;
        }
        return m.group(1) == null ? "" : m.group(1);
    }

    private record Source(String file, String pkg, String text, Set<String> references) {
    }

    private static List<Source> sources(String dir) throws IOException {
        List<Source> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher pm = Pattern.compile("(?m)^package ([\\w.]+);").matcher(text);
                String pkg = pm.find() ? pm.group(1) : "";
                String body = text.replaceFirst("(?m)^package [\\w.]+;", "");
                Set<String> refs = new java.util.TreeSet<>();
                Matcher rm = REFERENCE.matcher(body);
                while (rm.find()) {
                    refs.add(rm.group(1));
                }
                out.add(new Source(ROOT.relativize(f).toString(), pkg, text, refs));
            }
        }
        return out;
    }
}
