package org.speech2face.cli;

import org.speech2face.jobs.RerunSelection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code s2f <job> [args...] [--conf FILE] [--set key=value]... [--profile tiny|paper] [--dry-run] [--limit N]},
 * parsed. Positional words after the job name (e.g. {@code bench preprocessing}) are kept as arguments of the job;
 * {@code --profile X} is short for {@code --set model.profile=X}; {@code --input}, {@code --output} and
 * {@code --variant} (generate's) are kept by name in {@link #options()}, and {@code --reference} (show-config's) in
 * {@link #flags()}.
 */
public record CliArgs(String job, List<String> positional, String confFile, List<String> sets, boolean dryRun,
                      OptionalLong limit, boolean help, Map<String, String> options, Set<String> flags) {
    /** Options a job reads by name, without the leading dashes. */
    static final List<String> JOB_OPTIONS = List.of("input", "output", "variant", "models-dir", "only", "where",
            "stages");
    /** Switches a job reads by name, without the leading dashes. */
    static final List<String> JOB_FLAGS = List.of("reference", "no-detect", "json", "retry-rejects");


    /** A command line that cannot be understood; the message says which word and why. */
    public static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageError(String message) {
            super(message);
        }
    }

    public static CliArgs parse(String... argv) {
        String job = null;
        List<String> positional = new ArrayList<>();
        String conf = null;
        List<String> sets = new ArrayList<>();
        boolean dryRun = false;
        boolean help = false;
        OptionalLong limit = OptionalLong.empty();
        Map<String, String> options = new LinkedHashMap<>();
        Set<String> flags = new TreeSet<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--") && JOB_OPTIONS.contains(a.substring(2))) {
                options.put(a.substring(2), value(argv, ++i, a));
                continue;
            }
            if (a.startsWith("--") && JOB_FLAGS.contains(a.substring(2))) {
                flags.add(a.substring(2));
                continue;
            }
            switch (a) {
                case "--conf" -> conf = value(argv, ++i, a);
                case "--set" -> sets.add(value(argv, ++i, a));
                case "--dry-run" -> dryRun = true;
                case "--profile" -> sets.add("model.profile=" + value(argv, ++i, a));
                case "-h", "--help" -> help = true;
                case "--limit" -> {
                    String v = value(argv, ++i, a);
                    try {
                        long n = Long.parseLong(v);
                        if (n <= 0) {
                            throw new NumberFormatException();
                        }
                        limit = OptionalLong.of(n);
                    } catch (NumberFormatException e) {
                        throw new UsageError("--limit takes a positive whole number of CSV lines, got '" + v + "'.");
                    }
                }
                default -> {
                    if (a.startsWith("--set=")) {
                        sets.add(a.substring("--set=".length()));
                    } else if (a.startsWith("--conf=")) {
                        conf = a.substring("--conf=".length());
                    } else if (a.startsWith("-")) {
                        throw new UsageError("Unknown option '" + a + "'; see s2f --help.");
                    } else if (job == null) {
                        job = a;
                    } else {
                        positional.add(a);
                    }
                }
            }
        }
        return new CliArgs(job, List.copyOf(positional), conf, List.copyOf(sets), dryRun, limit, help || job == null,
                Map.copyOf(options), Set.copyOf(flags));
    }

    private static String value(String[] argv, int i, String option) {
        if (i >= argv.length) {
            throw new UsageError(option + " needs a value.");
        }
        return argv[i];
    }

    /** The rows --retry-rejects, --only and --where ask a keyed stage to redo; a bad value is a usage error. */
    public RerunSelection rerun() {
        try {
            String only = options.get("only");
            return new RerunSelection(flags.contains("retry-rejects"),
                    only == null ? List.of() : RerunSelection.parseKeys(only), options.get("where"));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }
}
