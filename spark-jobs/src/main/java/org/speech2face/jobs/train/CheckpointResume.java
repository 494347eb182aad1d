package org.speech2face.jobs.train;

import org.speech2face.jobs.StageRefusal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.contracts.DataLayout;
import org.speech2face.contracts.CheckpointMetadata;
import org.speech2face.model.io.Checkpoints;

/**
 * Where a training run starts. By default from the newest checkpoint of its net and variant that loads (corrupt
 * newer ones are skipped with a warning), with the graph's epoch count set to the epochs already done, so the
 * learning-rate schedule carries on where it stopped; fresh weights when there is none; and with
 * {@code overwrite=true} from fresh weights after deleting the old checkpoints and metrics. A checkpoint trained
 * against other weights or data (its metadata's ids differ) is not silently continued: the run stops and says so.
 */
final class CheckpointResume {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointResume.class);

    /** The graph to train, the epochs it has behind it, and what was noticed on the way. */
    record Start(ComputationGraph graph, int epochsDone, String from, List<String> notes) {
    }

    private CheckpointResume() {
    }

    /** {@code Checkpoints.save}'s hidden working names: {@code .epoch-NNNN.<id>.tmp} and {@code .<id>.old}. */
    private static final Pattern LEFTOVER = Pattern.compile("\\.(epoch-\\d{4,})\\..+\\.(tmp|old)");

    /**
     * What a run killed while saving a checkpoint left in the checkpoint folder, put right before this run starts
     * (one run per stage and data root): a half-written {@code .tmp} folder is deleted; an {@code .old} folder, the
     * previous copy of an epoch moved aside just before the new one was to take its place, is moved back when that
     * epoch is missing and deleted otherwise. Returns one report note saying what was done, or none.
     */
    static List<String> clearLeftovers(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<String> removed = new ArrayList<>();
        List<String> restored = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            Matcher m = LEFTOVER.matcher(s.getPath().getName());
            if (!m.matches()) {
                continue;
            }
            Path epoch = new Path(dir, m.group(1));
            if (m.group(2).equals("old") && !fs.exists(epoch) && fs.rename(s.getPath(), epoch)) {
                restored.add(m.group(1));
            } else if (fs.delete(s.getPath(), true)) {
                removed.add(s.getPath().getName());
            }
        }
        List<String> notes = new ArrayList<>();
        if (!removed.isEmpty() || !restored.isEmpty()) {
            String note = "A run killed while saving a checkpoint left " + (removed.size() + restored.size())
                    + " working folder(s) in " + dir + ": "
                    + (removed.isEmpty() ? "" : "deleted " + String.join(", ", removed))
                    + (removed.isEmpty() || restored.isEmpty() ? "" : "; ")
                    + (restored.isEmpty() ? "" : "moved the previous copy of " + String.join(", ", restored)
                    + " back in place") + ".";
            LOG.warn(note);
            notes.add(note);
        }
        return notes;
    }

    static Start start(TrainingTarget target, DataLayout layout, Configuration conf, boolean overwrite) throws IOException {
        Path dir = target.checkpointDir(layout);
        List<String> notes = new ArrayList<>(clearLeftovers(dir, conf));
        if (overwrite) {
            FileSystem fs = dir.getFileSystem(conf);
            List<Integer> old = new Checkpoints(dir.toString(), conf).epochs();
            for (int epoch : old) {
                fs.delete(new Checkpoints(dir.toString(), conf).epochDir(epoch), true);
            }
            Path metrics = target.metricsDir(layout);
            fs.delete(metrics, true);
            if (!old.isEmpty()) {
                notes.add("overwrite=true: deleted " + old.size() + " checkpoint(s) of " + target.metadataVariant()
                        + " and its metrics; training starts from fresh weights.");
            }
        }
        Checkpoints.Latest latest = new Checkpoints(dir.toString(), conf).loadLatest();
        notes.addAll(latest.skipped());
        if (latest.loaded().isEmpty()) {
            ComputationGraph graph = target.fresh().get();
            graph.getConfiguration().setEpochCount(0);
            return new Start(graph, 0, "fresh weights (seeded)", notes);
        }
        Checkpoints.Loaded loaded = latest.loaded().get();
        CheckpointMetadata meta = loaded.metadata();
        String where = loaded.location();
        if (!meta.variant().equals(target.metadataVariant()) || !meta.profile().equals(target.profile().id())) {
            throw new StageRefusal("The checkpoint " + where + " holds " + meta.variant() + " of the "
                    + meta.profile() + " profile, not " + target.metadataVariant() + " of the " + target.profile().id()
                    + " profile; set overwrite=true to train it again from scratch.");
        }
        List<String> differences = meta.provenance().differencesFrom(target.provenance());
        if (!differences.isEmpty()) {
            throw new StageRefusal("The checkpoint " + where + " was trained against "
                    + String.join("; ", differences) + ", which this run would train against; set overwrite=true to "
                    + "train " + target.metadataVariant() + " again from scratch (its checkpoints and metrics are "
                    + "replaced).");
        }
        ComputationGraph graph = loaded.graph();
        graph.getConfiguration().setEpochCount(meta.epoch()); // the learning-rate schedule counts epochs
        LOG.info("{}: resuming from {} (epoch {})", target.metadataVariant(), where, meta.epoch());
        return new Start(graph, meta.epoch(), where, notes);
    }
}
