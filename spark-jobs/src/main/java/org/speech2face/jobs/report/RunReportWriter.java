package org.speech2face.jobs.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Writes a {@link RunReport} as {@code <runId>.json} and {@code <runId>.md}, and {@code latest.*}, in a folder. */
public final class RunReportWriter {
    private RunReportWriter() {
    }

    /** @return the Markdown report's path */
    public static Path write(RunReport report, Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        fs.mkdirs(dir);
        String json = report.toJson();
        String md = report.toMarkdown();
        String prefix = report.dryRun() ? "dry-run-" : "";
        write(fs, new Path(dir, prefix + report.runId() + ".json"), json);
        Path mdPath = new Path(dir, prefix + report.runId() + ".md");
        write(fs, mdPath, md);
        write(fs, new Path(dir, prefix + "latest.json"), json);
        write(fs, new Path(dir, prefix + "latest.md"), md);
        return mdPath;
    }

    private static void write(FileSystem fs, Path path, String text) throws IOException {
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(path, false);
        if (!fs.rename(tmp, path)) {
            throw new IOException("Could not rename " + tmp + " to " + path + ".");
        }
    }
}
