package org.speech2face.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.speech2face.config.ConfigError;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.StageRefusal;
import org.speech2face.jobs.RerunSelection;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.SparkSessions;
import org.speech2face.jobs.io.DataRootLease;
import org.speech2face.jobs.report.RunReport;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code s2f} command: one entry point for every job, on a laptop through {@code bin/s2f} and on a cluster
 * through spark-submit. Usage and config mistakes exit with code 2 and a one-line message; a failed job exits 1.
 */
public final class S2f {
    /**
     * The writer lease's timings: a command that got past the first read waits this long before reading the lease
     * back; a holder renews it this often; a lease unchanged this long belongs to a run that died.
     */
    static final Duration LEASE_SETTLE = Duration.ofSeconds(3);
    static final Duration LEASE_HEARTBEAT = Duration.ofMinutes(1);
    static final Duration LEASE_STALE = Duration.ofMinutes(10);

    private S2f() {
    }

    public static void main(String[] argv) {
        SameDiffChatter.install();
        int code = run(argv, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command line; returns the process exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args;
        try {
            args = CliArgs.parse(argv);
        } catch (CliArgs.UsageError e) {
            err.println("s2f: " + e.getMessage());
            return 2;
        }
        if (args.help()) {
            out.print(usage());
            return args.job() == null && !List.of(argv).contains("--help") && !List.of(argv).contains("-h") ? 2 : 0;
        }
        Command command = Commands.find(args.job());
        if (command == null) {
            err.println("s2f: unknown job '" + args.job() + "'. Jobs: " + String.join(", ", Commands.names()) + ".");
            return 2;
        }
        S2fConfig config;
        try {
            config = ConfigLoader.load(args.confFile(), args.sets());
        } catch (ConfigError e) {
            err.println("s2f: " + e.getMessage());
            return 2;
        }
        try {
            return command.run(args, config, out);
        } catch (ConfigError | CliArgs.UsageError e) {
            err.println("s2f: " + e.getMessage());
            return 2;
        } catch (CommandFailure | StageRefusal e) {
            err.println("s2f: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("s2f: " + args.job() + " failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * Runs Spark jobs in order on one session; each writes its own report. The {@link Preflight} checks run first:
     * before the session when every location is local, else as soon as it exists. A command that writes tables on a
     * root that needs a writer lease ({@link DataRootLease}) takes it before the session starts, so a command that
     * must wait for another starts no Spark application at all.
     */
    static int runJobs(List<SparkJob> jobs, CliArgs args, S2fConfig config, PrintStream out) throws Exception {
        RerunSelection rerun = args.rerun();
        Preflight preflight = new Preflight(jobs, args, config);
        if (preflight.local() && preflight.run(new Configuration(), out) == Preflight.Verdict.NOTHING_TO_DO) {
            return 0;
        }
        String runId = JobContext.newRunId();
        try (DataRootLease ignored = writerLease(config, args, jobs, runId)) {
            // An embedding caller keeps its running session; a stopped one left active on this thread is not running.
            scala.Option<SparkSession> active = SparkSession.getActiveSession();
            boolean ours = active.isEmpty() || active.get().sparkContext().isStopped();
            SparkSession spark = SparkSessions.create(config.spark());
            try {
                if (!preflight.local() && preflight.run(spark.sparkContext().hadoopConfiguration(), out)
                        == Preflight.Verdict.NOTHING_TO_DO) {
                    return 0;
                }
                JobContext ctx = new JobContext(spark, config, runId, args.dryRun(), args.limit(), rerun);
                for (SparkJob job : jobs) {
                    RunReport report = job.run(ctx);
                    out.println(summary(report));
                }
                return 0;
            } finally {
                if (ours) {
                    spark.stop();
                }
            }
        } catch (DataRootLease.Busy e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    /**
     * The data root's writer lease when the command writes tables there and the root needs one, else null. The file
     * system is the one the session will have: Spark's Hadoop configuration from the same settings.
     */
    private static DataRootLease writerLease(S2fConfig c, CliArgs args, List<SparkJob> jobs, String runId)
            throws IOException {
        if (args.dryRun() || jobs.stream().noneMatch(SparkJob::writesTables)
                || !DataRootLease.applies(c.datasets().writerLease(), c.dataRoot(), c.spark().conf())) {
            return null;
        }
        SparkConf sparkConf = new SparkConf();
        c.spark().conf().forEach(sparkConf::set);
        Path root = new DataLayout(c.dataRoot()).rootPath();
        FileSystem fs = root.getFileSystem(SparkHadoopUtil.get().newConfiguration(sparkConf));
        return DataRootLease.acquire(fs, root, DataRootLease.Holder.of(runId, args.job()), LEASE_SETTLE, LEASE_STALE,
                LEASE_HEARTBEAT);
    }

    static String summary(RunReport r) {
        StringBuilder b = new StringBuilder(r.stage()).append(r.dryRun() ? " (dry run)" : "").append(": ");
        Map<String, Long> c = r.counts();
        c.forEach((k, v) -> b.append(k).append(' ').append(v).append(", "));
        if (!r.rejectsByReason().isEmpty()) {
            b.append("rejects by reason ").append(r.rejectsByReason()).append(", ");
        }
        r.headlines().forEach((k, v) -> b.append(k).append(' ').append(v).append(", "));
        b.append(String.format("%.1f s", r.wallSeconds()));
        return b.toString();
    }

    static String usage() {
        StringBuilder b = new StringBuilder();
        b.append("usage: s2f <job> [--conf FILE] [--set key=value]... [--profile tiny|paper] [--dry-run] [--limit N]\n\n");
        b.append("  --conf FILE      HOCON config (default: the embedded conf/local.conf)\n");
        b.append("  --set key=value  override one key, e.g. --set data.root=/tmp/s2f --set overwrite=true\n");
        b.append("  --profile NAME   short for --set model.profile=NAME\n");
        b.append("  --dry-run        plan and report what would be done; read no media, write nothing\n");
        b.append("  --limit N        only the first N rows of the CSV (in file order)\n");
        b.append("  --retry-rejects  also redo rows rejected for their content (by default only new rows and\n");
        b.append("                   rows whose reject is retryable, or whose input file changed, are redone)\n");
        b.append("  --only KEYS      redo exactly these clip_ids (comma-separated), whatever their outcome\n");
        b.append("  --where SQL      redo exactly the planned rows matching this condition (e.g. youtube_id = 'x')\n");
        b.append("  pipeline --stages A,B,...   only these of the pipeline's stages, in pipeline order\n");
        b.append("  generate --input VOICE|FOLDER --output FACE.png|FOLDER [--variant ID]\n");
        b.append("  show-config [--reference]   the effective config, or the reference of every key\n\njobs:\n");
        for (String name : Commands.names()) {
            b.append(String.format("  %-16s %s%n", name, Commands.find(name).summary()));
        }
        return b.toString();
    }
}
