package org.speech2face.deploy;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.SignalContainerCommand;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real HDFS (one NameNode, one DataNode) and a real YARN (a ResourceManager with the capacity scheduler and
 * {@code nodeManagers} NodeManagers that enforce container memory) in this JVM, and the client configuration
 * ({@code core-site.xml}, {@code yarn-site.xml}) a user's {@code HADOOP_CONF_DIR} would hold for them. Containers
 * are real child processes started by the NodeManagers.
 */
final class MiniYarnHdfs implements AutoCloseable {
    /** Memory and vcores each NodeManager offers; also the scheduler's largest container. */
    static final int NODE_MB = 5120;
    static final int NODE_VCORES = 4;
    static final int MIN_ALLOCATION_MB = 128;
    private static final String NAME = "s2f-yarn";

    final Path confDir;
    private final int nodeManagers;
    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final Configuration clientConf;
    private final YarnClient client;

    private MiniYarnHdfs(Path confDir, int nodeManagers, MiniDFSCluster dfs, MiniYARNCluster yarn,
            Configuration clientConf) {
        this.confDir = confDir;
        this.nodeManagers = nodeManagers;
        this.dfs = dfs;
        this.yarn = yarn;
        this.clientConf = clientConf;
        this.client = YarnClient.createYarnClient();
        client.init(new YarnConfiguration(clientConf));
        client.start();
    }

    static MiniYarnHdfs start(Path base, int nodeManagers) throws IOException, InterruptedException {
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(new Configuration(), base.resolve("dfs").toFile())
                .numDataNodes(1).build();
        MiniYARNCluster yarn = null;
        try {
            dfs.waitActive();
            YarnConfiguration yc = new YarnConfiguration();
            yc.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());
            yc.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
            yc.setBoolean("yarn.nodemanager.disk-health-checker.enable", false);
            // capacity-scheduler.xml is not in the shaded minicluster jar: one queue taking the whole cluster.
            String q = "yarn.scheduler.capacity.root.";
            yc.set(q + "queues", "default");
            yc.set(q + "default.capacity", "100");
            yc.set(q + "default.user-limit-factor", "1");
            yc.set(q + "default.maximum-capacity", "100");
            yc.set(q + "default.state", "RUNNING");
            yc.set(q + "default.acl_submit_applications", "*");
            yc.set(q + "default.acl_administer_queue", "*");
            yc.set("yarn.scheduler.capacity.node-locality-delay", "-1");
            yc.set("yarn.resourcemanager.hostname", "localhost");
            // MiniYARNCluster overwrites yarn.nodemanager.resource.memory-mb with this one.
            yc.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", NODE_MB);
            // Without it the NodeManagers check no container's memory at all.
            yc.setBoolean("yarn.minicluster.control-resource-monitoring", true);
            yc.setBoolean("yarn.nodemanager.pmem-check-enabled", true);
            yc.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
            yc.setInt("yarn.scheduler.minimum-allocation-mb", MIN_ALLOCATION_MB);
            yc.setInt("yarn.scheduler.maximum-allocation-mb", NODE_MB);
            yc.setInt("yarn.nodemanager.resource.cpu-vcores", NODE_VCORES);
            yc.setInt("yarn.scheduler.maximum-allocation-vcores", NODE_VCORES);
            // Keep container folders (and their logs) after the application for the assertions and for a reader.
            yc.setInt("yarn.nodemanager.delete.debug-delay-sec", 600);
            yarn = new MiniYARNCluster(NAME, nodeManagers, 1, 1);
            yarn.init(yc);
            yarn.start();
            String rm = awaitPort(yarn, YarnConfiguration.RM_ADDRESS);

            Configuration client = new Configuration(false);
            client.set("fs.defaultFS", dfs.getFileSystem().getUri().toString());
            Configuration yarnSite = new Configuration(false);
            yarnSite.set(YarnConfiguration.RM_ADDRESS, rm);
            for (String key : List.of(YarnConfiguration.RM_SCHEDULER_ADDRESS, YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
                    YarnConfiguration.RM_ADMIN_ADDRESS, YarnConfiguration.RM_WEBAPP_ADDRESS)) {
                yarnSite.set(key, yarn.getConfig().get(key));
            }
            yarnSite.setInt("yarn.scheduler.minimum-allocation-mb", MIN_ALLOCATION_MB);
            Path confDir = Files.createDirectories(base.resolve("hadoop-conf"));
            write(client, confDir.resolve("core-site.xml"));
            write(yarnSite, confDir.resolve("yarn-site.xml"));
            Configuration both = new Configuration(false);
            both.addResource(new org.apache.hadoop.fs.Path(confDir.resolve("core-site.xml").toUri()));
            both.addResource(new org.apache.hadoop.fs.Path(confDir.resolve("yarn-site.xml").toUri()));
            both.get("fs.defaultFS"); // load now, while the files are certainly there
            return new MiniYarnHdfs(confDir, nodeManagers, dfs, yarn, new Configuration(both));
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (yarn != null) {
                yarn.stop();
            }
            dfs.shutdown();
            throw e;
        }
    }

    /** {@code start()} may return before the ResourceManager's port is bound. */
    private static String awaitPort(MiniYARNCluster yarn, String key) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            String address = yarn.getConfig().get(key);
            if (address != null && !address.endsWith(":0")) {
                return address;
            }
            Thread.sleep(100);
        }
        throw new IOException("The ResourceManager did not bind " + key + " within 60 s.");
    }

    private static void write(Configuration conf, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            conf.writeXml(out);
        }
    }

    FileSystem fs() throws IOException {
        return dfs.getFileSystem();
    }

    /** {@code hdfs://host:port} of the NameNode. */
    String hdfsUri() throws IOException {
        return dfs.getFileSystem().getUri().toString();
    }

    Configuration clientConf() {
        return clientConf;
    }

    YarnClient client() {
        return client;
    }

    /** Every application the ResourceManager knows, oldest first. */
    List<ApplicationReport> applications() throws IOException, YarnException {
        List<ApplicationReport> out = new ArrayList<>(client.getApplications());
        out.sort(Comparator.comparing(ApplicationReport::getApplicationId));
        return out;
    }

    Optional<ApplicationReport> application(String name) throws IOException, YarnException {
        return applications().stream().filter(a -> a.getName().equals(name)).reduce((a, b) -> b);
    }

    /** The live containers of the application's current attempt other than the AM's (in cluster mode, the driver's). */
    List<ContainerId> executorContainers(ApplicationReport app) throws IOException, YarnException {
        List<ContainerId> out = new ArrayList<>();
        ApplicationReport now = client.getApplicationReport(app.getApplicationId());
        for (ContainerReport c : client.getContainers(now.getCurrentApplicationAttemptId())) {
            if (c.getContainerId().getContainerId() > 1 && c.getContainerExitStatus() == 0
                    && c.getContainerState() == org.apache.hadoop.yarn.api.records.ContainerState.RUNNING) {
                out.add(c.getContainerId());
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** What {@code yarn container -signal <id> FORCEFUL_SHUTDOWN} does: the NodeManager SIGKILLs the process. */
    void kill(ContainerId container) throws IOException, YarnException {
        client.signalToContainer(container, SignalContainerCommand.FORCEFUL_SHUTDOWN);
    }

    /** A container's log folder on whichever NodeManager ran it ({@code stdout}, {@code stderr} inside). */
    Optional<Path> containerLogs(String containerId) throws IOException {
        Path data = Path.of("target/test/data", NAME).toAbsolutePath();
        if (!Files.isDirectory(data)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(data, 4)) {
            return s.filter(p -> p.getFileName().toString().equals(containerId) && Files.isDirectory(p)
                    && p.toString().contains("-logDir-nm-")).findFirst();
        }
    }

    /** The log folders of every container an application ran, on any NodeManager, by container id. */
    java.util.Map<String, Path> containerLogs(ApplicationReport app) throws IOException {
        java.util.Map<String, Path> out = new java.util.TreeMap<>();
        String id = app.getApplicationId().toString();
        try (Stream<Path> s = Files.walk(workDir(), 4)) {
            s.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals(id)
                    && p.toString().contains("-logDir-nm-") && Files.isDirectory(p))
                    .forEach(p -> out.put(p.getFileName().toString(), p));
        }
        return out;
    }

    /** Where MiniYARNCluster keeps its NodeManagers' folders; cleared before a start so old logs are not read. */
    static Path workDir() {
        return Path.of("target/test/data", NAME).toAbsolutePath();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } finally {
            try {
                stopNodeManagersAtOnce();
                yarn.stop();
            } finally {
                dfs.shutdown();
            }
        }
    }

    /**
     * A NodeManager's stop waits 10 s for the log deletions it scheduled (hours ahead, so it always waits them out);
     * stopped one after the other, as {@code yarn.stop()} does, that is 10 s per node. {@code yarn.stop()} then finds
     * them stopped.
     */
    private void stopNodeManagersAtOnce() {
        List<Thread> stops = new ArrayList<>();
        for (int i = 0; i < nodeManagers; i++) {
            Thread t = new Thread(yarn.getNodeManager(i)::stop, "stop-nodemanager-" + i);
            t.start();
            stops.add(t);
        }
        try {
            for (Thread t : stops) {
                t.join(Duration.ofMinutes(1).toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
