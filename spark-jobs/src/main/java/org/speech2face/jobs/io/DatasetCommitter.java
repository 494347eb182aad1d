package org.speech2face.jobs.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a run's output visible all at once, or roll-forward safe. A job writes everything under
 * {@code _staging/<stage>/<runId>/}, then {@link #commit} writes a {@code _COMMIT} plan (files to delete, folders to
 * move) and carries it out. A run killed before the plan exists leaves nothing visible and its staging is deleted by
 * the next run; a run killed while carrying out the plan is finished by the next run's {@link #recover}. Readers
 * therefore never see partial Parquet files, and a killed-then-resumed run equals a clean one.
 */
public final class DatasetCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetCommitter.class);
    private static final String MARKER = "_COMMIT";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A folder of part files to move into a dataset folder. */
    public record Move(String from, String to) {
    }

    /** What a commit does, in order: delete these files, then move these folders' part files. */
    public record Plan(String runId, List<String> deletes, List<Move> moves) {
    }

    /**
     * What {@link #recover} found of earlier runs: those killed while committing (now finished) and those killed
     * before (their staging deleted). The next run's report names both, so a killed run is never silent.
     */
    public record Recovery(List<String> finished, List<String> abandoned) {
        /** One sentence per kind of leftover, for the run report; none when there were no leftovers. */
        public List<String> notes() {
            List<String> notes = new ArrayList<>();
            if (!finished.isEmpty()) {
                notes.add("Run(s) " + String.join(", ", finished) + " were killed during their commit; this run "
                        + "finished it, so their rows are in the dataset.");
            }
            if (!abandoned.isEmpty()) {
                notes.add("Run(s) " + String.join(", ", abandoned) + " stopped before committing; their staged "
                        + "output was deleted and this run redoes their rows.");
            }
            return notes;
        }
    }

    private final FileSystem fs;

    public DatasetCommitter(FileSystem fs) {
        this.fs = fs;
    }

    /**
     * Finishes committed runs and deletes abandoned ones under a stage's staging root.
     *
     * @return the runs finished and the runs abandoned, by run id
     */
    public Recovery recover(Path stagingRoot) throws IOException {
        List<String> finished = new ArrayList<>();
        List<String> abandoned = new ArrayList<>();
        if (!fs.exists(stagingRoot)) {
            return new Recovery(finished, abandoned);
        }
        for (FileStatus run : fs.listStatus(stagingRoot)) {
            if (!run.isDirectory()) {
                continue;
            }
            Path marker = new Path(run.getPath(), MARKER);
            if (fs.exists(marker)) {
                LOG.warn("Finishing the commit of interrupted run {}.", run.getPath().getName());
                execute(run.getPath(), readPlan(marker));
                finished.add(run.getPath().getName());
            } else {
                LOG.warn("Deleting staging of run {}, which stopped before committing; its rows will be redone.",
                        run.getPath().getName());
                fs.delete(run.getPath(), true);
                abandoned.add(run.getPath().getName());
            }
        }
        return new Recovery(finished, abandoned);
    }

    /** Writes the plan atomically, then carries it out. */
    public void commit(Path staging, Plan plan) throws IOException {
        Path tmp = new Path(staging, MARKER + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            out.write(JSON.writeValueAsBytes(plan));
        }
        if (!fs.rename(tmp, new Path(staging, MARKER))) {
            throw new IOException("Could not rename " + tmp + " to " + MARKER + ".");
        }
        execute(staging, plan);
    }

    /** The part files (not _SUCCESS, not hidden) in a dataset folder, or none when it does not exist yet. */
    public List<Path> partFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (st.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                out.add(st.getPath());
            }
        }
        return out;
    }

    private void execute(Path staging, Plan plan) throws IOException {
        for (String d : plan.deletes()) {
            fs.delete(new Path(d), false);
        }
        for (Move m : plan.moves()) {
            Path to = new Path(m.to());
            fs.mkdirs(to);
            for (Path part : partFiles(new Path(m.from()))) {
                Path target = new Path(to, plan.runId() + "-" + part.getName());
                if (!fs.rename(part, target)) {
                    throw new IOException("Could not move " + part + " to " + target + ".");
                }
            }
        }
        fs.delete(staging, true);
    }

    private Plan readPlan(Path marker) throws IOException {
        try (InputStream in = fs.open(marker)) {
            return JSON.readValue(in, Plan.class);
        }
    }
}
