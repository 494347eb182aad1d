package org.speech2face.deploy;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Run by deploy/submit-yarn.sh before spark-submit: can YARN place the driver's container and at least one
 * executor's on the NodeManagers it has? Spark's client only compares each container with the scheduler's maximum,
 * so a container that fits the maximum but no node, or a driver that takes the only node big enough for an
 * executor, leaves the application waiting forever ("Initial job has not accepted any resources"). Memory decides
 * whether two containers share a node; each container also needs no more vcores than a node has (YARN refuses a
 * request above the largest node's). Exit code 2 and a sentence when
 * it cannot fit; 0 when it fits or when the ResourceManager cannot be asked (then a note says the check was skipped).
 */
public final class YarnCapacityCheck {
    /** What one NodeManager offers. */
    public record Node(String id, long memoryMb, int vcores) {
    }

    private YarnCapacityCheck() {
    }

    public static void main(String[] args) {
        YarnContainers request;
        try {
            request = YarnContainers.fromSubmitArgs(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println("submit-yarn.sh: " + e.getMessage());
            System.exit(2);
            return;
        }
        Configuration conf = new YarnConfiguration();
        // An unreachable ResourceManager must cost seconds, not the client's default quarter of an hour.
        conf.setLong("yarn.resourcemanager.connect.max-wait.ms", 10_000);
        conf.setLong("yarn.resourcemanager.connect.retry-interval.ms", 1_000);
        conf.setInt("ipc.client.connect.max.retries", 1);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 1);
        List<Node> nodes;
        try (YarnClient client = YarnClient.createYarnClient()) {
            client.init(conf);
            client.start();
            nodes = client.getNodeReports(NodeState.RUNNING).stream().map(YarnCapacityCheck::node).toList();
        } catch (Exception | LinkageError e) {
            System.err.println("submit-yarn.sh: note: container sizes not checked; the ResourceManager at "
                    + conf.get(YarnConfiguration.RM_ADDRESS) + " did not answer (" + e.getClass().getSimpleName()
                    + ": " + firstLine(e.getMessage()) + ").");
            return;
        }
        if (nodes.isEmpty()) {
            System.err.println("submit-yarn.sh: note: container sizes not checked; the ResourceManager at "
                    + conf.get(YarnConfiguration.RM_ADDRESS) + " has no running NodeManager right now.");
            return;
        }
        Optional<String> problem = problem(request.roundedTo(allocationStep(conf)), nodes);
        if (problem.isPresent()) {
            System.err.println("submit-yarn.sh: " + problem.get());
            System.exit(2);
        }
    }

    private static Node node(NodeReport r) {
        return new Node(r.getNodeId().toString(), r.getCapability().getMemorySize(), r.getCapability().getVirtualCores());
    }

    /**
     * The scheduler rounds every request up to a multiple of its minimum allocation. Only a minimum the client's
     * yarn-site.xml states is used: yarn-default's 1024 MB may not be the cluster's, and would then refuse in error.
     */
    static long allocationStep(Configuration conf) {
        String key = YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB;
        String[] sources = conf.getPropertySources(key);
        boolean stated = sources != null && Arrays.stream(sources).anyMatch(s -> !s.equals("yarn-default.xml"));
        return stated ? conf.getLong(key, 1) : 1;
    }

    /** Why the driver (or AM) and one executor cannot both be placed on {@code nodes}, or empty if they can. */
    public static Optional<String> problem(YarnContainers c, List<Node> nodes) {
        Node largest = nodes.stream().max(Comparator.comparingLong(Node::memoryMb)).orElseThrow();
        int mostVcores = nodes.stream().mapToInt(Node::vcores).max().orElseThrow();
        String offer = String.format(Locale.ROOT, "the largest of the cluster's %d running NodeManager(s) offers %d MB"
                + " and the most vcores any has is %d", nodes.size(), largest.memoryMb(), mostVcores);
        String advice = " Pass smaller --driver-memory, --executor-memory or --offheap (or fewer --executor-cores), "
                + "or submit to a cluster with larger nodes.";
        boolean amFits = nodes.stream().anyMatch(n -> fits(n, c.amMb(), c.amVcores()));
        boolean executorFits = nodes.stream().anyMatch(n -> fits(n, c.executorMb(), c.executorVcores()));
        if (!amFits || !executorFits) {
            StringBuilder b = new StringBuilder("YARN cannot run this application: ");
            if (!amFits) {
                b.append(String.format(Locale.ROOT, "%s needs %d MB and %d vcore(s)", c.amName(), c.amMb(), c.amVcores()));
            }
            if (!executorFits) {
                b.append(amFits ? "" : ", and ").append(String.format(Locale.ROOT,
                        "each executor's container needs %d MB and %d vcore(s)", c.executorMb(), c.executorVcores()));
            }
            return Optional.of(b.append(", but ").append(offer).append("; no node can hold ")
                    .append(amFits || executorFits ? "it" : "either").append(", so the application would wait forever.")
                    .append(advice).toString());
        }
        for (Node am : nodes) {
            if (!fits(am, c.amMb(), c.amVcores())) {
                continue;
            }
            for (Node ex : nodes) {
                // Only memory is summed: the capacity scheduler's default calculator does not count vcores per node.
                if (fits(ex, c.executorMb() + (ex == am ? c.amMb() : 0), c.executorVcores())) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(String.format(Locale.ROOT, "YARN cannot run this application: %s (%d MB) and one executor's "
                        + "container (%d MB) each fit a node, but not together: %s, so the driver would start and wait "
                        + "forever for its first executor.%s", c.amName(), c.amMb(), c.executorMb(), offer, advice));
    }

    private static boolean fits(Node n, long mb, int vcores) {
        return n.memoryMb() >= mb && n.vcores() >= vcores;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
