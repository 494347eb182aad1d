package org.speech2face.deploy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The YARN containers a {@code spark-submit --master yarn} command line asks for, computed as Spark's YARN client
 * computes them: the application master's (in cluster deploy mode it hosts the driver: driver memory plus its
 * overhead; in client mode a small AM of {@code spark.yarn.am.memory}) and one executor's (executor memory plus
 * overhead plus Spark's own off-heap when enabled). The overhead is {@code spark.*.memoryOverhead} when given, else
 * the larger of 384 MiB and 10% of the heap.
 */
public record YarnContainers(boolean clusterMode, long amMb, int amVcores, long executorMb, int executorVcores,
                             int executors, String queue) {
    private static final long MIN_OVERHEAD_MB = 384;
    /** spark-submit options that take a value; anything else starting with -- is a flag. */
    private static final Set<String> WITH_VALUE = Set.of("--master", "--deploy-mode", "--class", "--name", "--jars",
            "--packages", "--exclude-packages", "--repositories", "--py-files", "--files", "--archives", "--conf", "-c",
            "--properties-file", "--driver-memory", "--driver-java-options", "--driver-library-path",
            "--driver-class-path", "--executor-memory", "--proxy-user", "--driver-cores", "--total-executor-cores",
            "--executor-cores", "--num-executors", "--queue", "--principal", "--keytab");
    private static final Map<String, String> OPTION_KEYS = Map.of("--driver-memory", "spark.driver.memory",
            "--executor-memory", "spark.executor.memory", "--driver-cores", "spark.driver.cores",
            "--executor-cores", "spark.executor.cores", "--num-executors", "spark.executor.instances",
            "--deploy-mode", "spark.submit.deployMode", "--queue", "spark.yarn.queue");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgtp]?)i?b?");

    /** Reads the spark-submit arguments up to the application jar (the first word that is not an option). */
    public static YarnContainers fromSubmitArgs(List<String> args) {
        Map<String, String> conf = new HashMap<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) {
                break;
            }
            if (!WITH_VALUE.contains(a)) {
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("The spark-submit option " + a + " has no value.");
            }
            String v = args.get(++i);
            if (a.equals("--conf") || a.equals("-c")) {
                int eq = v.indexOf('=');
                if (eq > 0) {
                    conf.put(v.substring(0, eq).trim(), v.substring(eq + 1).trim());
                }
            } else if (OPTION_KEYS.containsKey(a)) {
                options.put(OPTION_KEYS.get(a), v);
            }
        }
        conf.putAll(options); // spark-submit's own options win over --conf, as in SparkSubmitArguments
        boolean cluster = "cluster".equals(conf.getOrDefault("spark.submit.deployMode", "client"));
        long am;
        int amCores;
        if (cluster) {
            am = withOverhead(conf, "spark.driver", mib(conf.getOrDefault("spark.driver.memory", "1g")));
            amCores = Integer.parseInt(conf.getOrDefault("spark.driver.cores", "1"));
        } else {
            long heap = mib(conf.getOrDefault("spark.yarn.am.memory", "512m"));
            am = heap + Optional.ofNullable(conf.get("spark.yarn.am.memoryOverhead")).map(YarnContainers::mib)
                    .orElse(Math.max(MIN_OVERHEAD_MB, (long) (0.10 * heap)));
            amCores = Integer.parseInt(conf.getOrDefault("spark.yarn.am.cores", "1"));
        }
        long executor = withOverhead(conf, "spark.executor", mib(conf.getOrDefault("spark.executor.memory", "1g")));
        if (Boolean.parseBoolean(conf.getOrDefault("spark.memory.offHeap.enabled", "false"))) {
            executor += mib(conf.getOrDefault("spark.memory.offHeap.size", "0"));
        }
        return new YarnContainers(cluster, am, amCores, executor,
                Integer.parseInt(conf.getOrDefault("spark.executor.cores", "1")),
                Integer.parseInt(conf.getOrDefault("spark.executor.instances", "2")), conf.get("spark.yarn.queue"));
    }

    private static long withOverhead(Map<String, String> conf, String prefix, long heap) {
        String explicit = conf.get(prefix + ".memoryOverhead");
        if (explicit != null) {
            return heap + mib(explicit);
        }
        double factor = Double.parseDouble(conf.getOrDefault(prefix + ".memoryOverheadFactor", "0.10"));
        return heap + Math.max(MIN_OVERHEAD_MB, (long) (factor * heap));
    }

    /** A Spark memory size in MiB: a number of MiB, or a number with k, m, g, t or p (optionally followed by b). */
    static long mib(String size) {
        Matcher m = SIZE.matcher(size.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("The memory size '" + size + "' is not a number with an optional unit "
                    + "(k, m, g, t).");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> (n + 1023) / 1024;
            case "g" -> n * 1024;
            case "t" -> n * 1024 * 1024;
            case "p" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    /** Each request rounded up to the scheduler's allocation step, as the ResourceManager rounds it. */
    public YarnContainers roundedTo(long stepMb) {
        if (stepMb <= 1) {
            return this;
        }
        return new YarnContainers(clusterMode, roundUp(amMb, stepMb), amVcores, roundUp(executorMb, stepMb),
                executorVcores, executors, queue);
    }

    private static long roundUp(long mb, long step) {
        return (mb + step - 1) / step * step;
    }

    /** "the driver's container" or "the application master's container", as a user would name it. */
    String amName() {
        return clusterMode ? "the driver's container (cluster deploy mode: the driver runs in YARN's application "
                + "master)" : "the application master's container";
    }
}
