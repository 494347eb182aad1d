package org.speech2face.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.speech2face.config.ConfigError;
import org.speech2face.config.S2fConfig;
import org.speech2face.faceapi.fetch.ModelFetchException;
import org.speech2face.faceapi.fetch.ModelFetcher;
import org.speech2face.faceapi.fetch.ModelsDirectory;
import org.speech2face.jobs.SparkJob;
import org.speech2face.jobs.ingest.CsvFiles;
import org.speech2face.jobs.ingest.IngestJob;
import org.speech2face.jobs.ingest.IngestPreview;
import org.speech2face.jobs.models.FaceApiUser;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What s2f checks before any Spark job runs, so that a wrong root or an unusable CSV ends in one sentence (exit 2)
 * instead of a stack trace from inside a stage: {@code data.root} is a folder s2f can write (or can create), and
 * for ingest stages {@code input.csv} names at least one file and {@code input.videos} is a folder. With
 * {@code --dry-run} the ingest input is also read through and summarised (rows, parse rejects, clips with and
 * without a video); a dry run writes nothing, so it cannot prove that a folder is writable, only that the
 * operating system says so. When a stage of the run uses face-api's pretrained networks (the SSD detector, the dlib
 * feature network, evaluate's recognisers), their files are fetched into {@code models.dir} if they are not there,
 * and a failure to get them is one sentence (exit 1).
 *
 * <p>When every location is on the local file system this runs before the SparkSession exists; a remote location
 * (hdfs:, s3a:) needs Spark's Hadoop settings, so it runs right after the session is built, still before any job.
 */
final class Preflight {
    /** Whether to go on to Spark. */
    enum Verdict { GO, NOTHING_TO_DO }

    private final List<SparkJob> jobs;
    private final CliArgs args;
    private final S2fConfig config;
    private final boolean ingest;

    Preflight(List<SparkJob> jobs, CliArgs args, S2fConfig config) {
        this.jobs = jobs;
        this.args = args;
        this.config = config;
        this.ingest = jobs.stream().anyMatch(j -> j instanceof IngestJob);
    }

    /** True when every location checked is on the local file system, so no Spark settings are needed. */
    boolean local() {
        return isLocal(config.dataRoot()) && (!ingest || isLocal(config.input().csv())
                && isLocal(config.input().videos()));
    }

    /**
     * Runs the checks; {@code NOTHING_TO_DO} when every stage ingests and input.csv holds no row, which a scheduled
     * run over an empty drop is not an error but nothing to do (the caller exits 0 without starting Spark).
     */
    Verdict run(Configuration conf, PrintStream out) throws IOException {
        dataRoot(conf);
        faceApiModels(out);
        if (!ingest) {
            return Verdict.GO;
        }
        CsvFiles files = CsvFiles.list(config.input().csv(), conf);
        IngestPreview.requireVideosFolder(config.input().videos(), conf);
        long rows;
        if (args.dryRun()) {
            IngestPreview preview = IngestPreview.of(files, config.input().videos(), config.input().videoExtensions(),
                    args.limit(), conf);
            out.print(preview.summary("dry run: ", config.input().videos()));
            rows = preview.rows();
        } else {
            rows = IngestPreview.hasRows(files, conf) ? 1 : 0;
        }
        if (rows > 0) {
            return Verdict.GO;
        }
        boolean onlyIngest = jobs.stream().allMatch(j -> j instanceof IngestJob);
        out.println(args.job() + ": input.csv " + files.location() + " (" + files.describe() + ") holds no rows; "
                + (onlyIngest ? "nothing to do." : "the ingest stages have nothing to do."));
        return onlyIngest ? Verdict.NOTHING_TO_DO : Verdict.GO;
    }

    /**
     * When a stage of this run uses face-api's networks, their files are in {@code models.dir}: fetched there (once,
     * from the npm registry, hash-checked) when missing. A dry run only says whether they are there.
     */
    private void faceApiModels(PrintStream out) {
        List<String> uses = new java.util.ArrayList<>();
        for (SparkJob job : jobs) {
            if (job instanceof FaceApiUser u) {
                u.faceApiUse(config).ifPresent(uses::add);
            }
        }
        if (uses.isEmpty()) {
            return;
        }
        String who = String.join(", ", uses);
        try {
            Path dir = ModelsDirectory.fromConfig(config.modelsDir());
            ModelFetcher fetcher = ModelFetcher.faceApi(System.getenv());
            if (args.dryRun()) {
                try {
                    fetcher.require(dir);
                } catch (ModelFetchException e) {
                    out.println("dry run: " + who + " would first fetch face-api's models into " + dir + ".");
                }
                return;
            }
            ModelFetcher.Result r = fetcher.fetch(dir);
            if (r.downloaded()) {
                out.printf("models: fetched face-api's networks (%d files, tarball %.1f MB) into %s for %s.%n",
                        r.files().size(), r.tarballBytes() / 1e6, dir, who);
            }
        } catch (ModelFetchException e) {
            throw new CommandFailure(who + " uses face-api's pretrained networks, which are not in models.dir: "
                    + e.getMessage(), e);
        }
    }

    /** data.root is a folder s2f can write, or one it can create; a real run creates it. */
    private void dataRoot(Configuration conf) throws IOException {
        String root = config.dataRoot();
        if (isLocal(root)) {
            Path local;
            try {
                local = Path.of(URI.create(root));
            } catch (IllegalArgumentException e) { // file:relative/path, or characters a URI cannot hold
                throw rootError(root, "is not a file: URI with an absolute path (" + e.getMessage() + ")");
            }
            localRoot(local);
            return;
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root);
        FileSystem fs = p.getFileSystem(conf);
        try {
            if (fs.exists(p)) {
                FileStatus s = fs.getFileStatus(p);
                if (!s.isDirectory()) {
                    throw rootError(root, "is a file; it must be a folder, or not exist yet");
                }
            } else if (!args.dryRun() && !fs.mkdirs(p)) {
                throw rootError(root, "cannot be created");
            }
            if (!args.dryRun()) {
                org.apache.hadoop.fs.Path probe = new org.apache.hadoop.fs.Path(p, ".s2f-write-check-" + System.nanoTime());
                fs.create(probe, false).close();
                fs.delete(probe, false);
            }
        } catch (IOException e) {
            throw rootError(root, "cannot be written to (" + e.getMessage() + ")");
        }
    }

    private void localRoot(Path root) {
        String shown = root.toString();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw rootError(shown, "is a file; it must be a folder, or not exist yet");
        }
        Path existing = root;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw rootError(shown, "cannot be created: " + existing + " is a file");
        }
        if (args.dryRun()) {
            if (existing != null && !Files.isWritable(existing)) {
                throw rootError(shown, "cannot be written to (" + existing + " is not writable)");
            }
            return;
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw rootError(shown, "cannot be created (" + why(e) + ")");
        }
        try {
            Files.delete(Files.createTempFile(root, ".s2f-write-check-", ""));
        } catch (IOException e) {
            throw rootError(shown, "cannot be written to (" + why(e) + ")");
        }
    }

    private static ConfigError rootError(String root, String what) {
        return new ConfigError("Config key 'data.root' names '" + root + "', which " + what + ".");
    }

    private static String why(IOException e) {
        if (e instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason()
                    : e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                    .toLowerCase(java.util.Locale.ROOT);
            return f.getFile() + ": " + reason;
        }
        return String.valueOf(e.getMessage());
    }

    private static boolean isLocal(String location) {
        return location.startsWith("file:");
    }
}
