package org.apache.spark.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The Java command line the driver pod's entrypoint starts: Spark's image runs {@code spark-submit --deploy-mode
 * client} on the pod's arguments, and Spark's launcher ({@link SparkSubmitCommandBuilder}, package-private, hence this
 * class in its package) turns that into the driver JVM's command, JVM options included.
 */
public final class DriverPodLaunch {
    private DriverPodLaunch() {
    }

    /**
     * @param podArgs   the driver container's args after {@code driver}, with the properties file replaced by a
     *                  local copy of the config map's {@code spark.properties}
     * @param sparkHome a folder with an empty {@code jars/} the launcher can list
     */
    public static List<String> command(List<String> podArgs, Path sparkHome) throws Exception {
        List<String> args = new ArrayList<>(List.of("--conf", "spark.driver.bindAddress=10.0.0.1",
                "--deploy-mode", "client"));
        args.addAll(podArgs);
        SparkSubmitCommandBuilder builder = new SparkSubmitCommandBuilder(args);
        builder.childEnv.put("SPARK_HOME", sparkHome.toString());
        builder.childEnv.put("SPARK_SCALA_VERSION", "2.12");
        return builder.buildCommand(new HashMap<>());
    }
}
