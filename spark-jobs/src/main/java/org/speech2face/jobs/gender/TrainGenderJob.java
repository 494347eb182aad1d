package org.speech2face.jobs.gender;

import org.speech2face.jobs.io.GenderLabels;
import org.speech2face.model.io.GenderModelStore;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.DataLayout;
import org.speech2face.data.Split;
import org.speech2face.jobs.JobContext;
import org.speech2face.jobs.SparkJob;
import org.speech2face.contracts.SpectrogramsDataset;
import org.speech2face.jobs.report.Counter;
import org.speech2face.jobs.report.RunReport;
import org.speech2face.jobs.report.RunReportWriter;
import org.speech2face.jobs.io.SourceDataset;
import org.speech2face.model.networks.ModelProfile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * {@code train-gender}: the voice gender classifier (AR-SPM section 3.1) on the spectrograms whose video has a
 * label, trained on the train split and scored on val + test (split by youtube_id, so no speaker is on both
 * sides), saved under models/gender/. A model already there is kept unless {@code overwrite} is set: training
 * is the one part of this stage that costs, and its result does not depend on which clips were added since.
 */
public final class TrainGenderJob implements SparkJob {
    /** What train-gender counts: how its examples were chosen, and the model it saved. */
    public enum Counts implements Counter {
        /** 1 when a saved model was kept (no overwrite). */
        SKIPPED_EXISTING,
        SPECTROGRAMS_IN, UNLABELLED, WRONG_SHAPE, LABEL_ROWS, LABEL_ROWS_INVALID, VIDEOS_LABELLED_BOTH_WAYS,
        TRAIN_MALE, TRAIN_FEMALE, HELDOUT,
        /** 1 when a model was saved. */
        WRITTEN,
        STEPS, DROPPED_TAIL_EXAMPLES,
        /** Examples fitted over all epochs, counted on the executors. */
        EXAMPLES_FITTED,
        /** Epochs whose fitted examples did not add up to the epoch's deal; 0 when all did. */
        EPOCHS_WITH_EXAMPLES_UNACCOUNTED,
        /** Minibatches of a single example (batch norm cannot train on one); the deal keeps this 0. */
        MINIBATCHES_OF_ONE_EXAMPLE
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainGenderJob.class);

    /** Models and files, not tables: no writer lease. */
    @Override
    public boolean writesTables() {
        return false;
    }

    @Override
    public String name() {
        return "train-gender";
    }

    @Override
    public String summary() {
        return "voice gender CNN on labelled spectrograms, held-out accuracy -> models/gender/";
    }

    @Override
    public RunReport run(JobContext ctx) throws Exception {
        S2fConfig cfg = ctx.config();
        Path dir = ctx.layout().genderModel();
        RunReport report = new RunReport(name(), ctx.runId(), List.of(Counts.values())).dryRun(ctx.dryRun()).output(dir.toString())
                .config(cfg.rendered());
        ctx.spark().sparkContext().setJobGroup(name(), name() + ": " + summary(), false);
        Map<String, Object> existing = GenderModelStore.metadata(dir, ctx.hadoopConf());
        if (existing != null && !cfg.overwrite()) {
            report.count(Counts.SKIPPED_EXISTING, 1).figure("model_id", existing.get("model_id"))
                    .headline("heldout_accuracy", existing.get("heldout_accuracy"))
                    .note("A gender model is already saved (run " + existing.get("run_id") + "); it is kept. Set "
                            + "overwrite=true to train a new one.");
            return finish(ctx, report, dir);
        }

        ctx.spark().sparkContext().setJobDescription(name() + ": join spectrograms to labels");
        Dataset<Row> spectrograms = SourceDataset.read(ctx, DataLayout.SPECTROGRAMS, SpectrogramsDataset.SCHEMA,
                "ingest-audio");
        GenderLabels labels;
        try {
            labels = GenderLabels.read(ctx, cfg.gender().labels());
        } catch (IllegalArgumentException e) {
            if (!ctx.dryRun()) {
                throw e;
            }
            return report.note("A real run would stop here: " + e.getMessage()).finish();
        }
        Dataset<Row> joined = spectrograms.join(labels.labels(), "youtube_id");
        Dataset<Row> examples = joined
                .filter(col("frames").equalTo(ModelProfile.SPECTROGRAM_FRAMES)
                        .and(col("bins").equalTo(ModelProfile.SPECTROGRAM_BINS)))
                // One shuffle up front, so partitions are not runs of one video; the buffer mixes further per epoch.
                .orderBy(xxhash64(col("clip_id"), lit(cfg.gender().seed())))
                .select("clip_id", "youtube_id", "split", "male", "frames", "bins", "spec")
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> train = examples.filter(col("split").equalTo(Split.TRAIN.code()));
        Dataset<Row> heldOut = examples.filter(col("split").notEqual(Split.TRAIN.code()));
        long spectrogramsIn = spectrograms.count();
        long labelled = joined.count();
        long usable = examples.count();
        long male = train.filter(col("male")).count();
        long female = train.filter(col("male").equalTo(false)).count();
        report.count(Counts.SPECTROGRAMS_IN, spectrogramsIn).count(Counts.UNLABELLED, spectrogramsIn - labelled)
                .count(Counts.WRONG_SHAPE, labelled - usable).count(Counts.LABEL_ROWS, labels.rows())
                .count(Counts.LABEL_ROWS_INVALID, labels.invalid())
                .count(Counts.VIDEOS_LABELLED_BOTH_WAYS, labels.conflicting())
                .count(Counts.TRAIN_MALE, male).count(Counts.TRAIN_FEMALE, female)
                .count(Counts.HELDOUT, usable - male - female);
        if (ctx.dryRun()) {
            examples.unpersist();
            report.note("Dry run: nothing was trained or written.");
            return report.finish();
        }

        ModelProfile profile = ModelProfile.parse(cfg.profile().name());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext());
        // The parameter averaging of train-decoder and train-encoder: training.workers, training.averaging-frequency.
        int workers = cfg.training().workers() > 0 ? cfg.training().workers() : Math.max(1, sc.defaultParallelism());
        int frequency = cfg.training().averagingFrequency();
        GenderTrainer trainer = new GenderTrainer(profile, cfg.gender(), workers, frequency);
        ctx.spark().sparkContext().setJobDescription(name() + ": train on " + (male + female) + " voices");
        GenderTrainer.Result result = trainer.train(sc, train, female, male);
        ctx.spark().sparkContext().setJobDescription(name() + ": evaluate");
        GenderTrainer.Confusion held = trainer.evaluate(heldOut);
        GenderTrainer.Confusion fit = trainer.evaluate(train);
        examples.unpersist();

        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("run_id", ctx.runId());
        meta.put("profile", profile.id());
        meta.put("heldout_accuracy", round(held.accuracy()));
        meta.put("heldout", held.total());
        meta.put("train_accuracy", round(fit.accuracy()));
        meta.put("train_male", male);
        meta.put("train_female", female);
        meta.put("epochs", cfg.gender().epochs());
        meta.put("labels", cfg.gender().labels());
        String id = GenderModelStore.save(result.net(), meta, dir, ctx.hadoopConf(), ctx.runId());

        report.count(Counts.WRITTEN, 1).count(Counts.STEPS, result.steps())
                .count(Counts.DROPPED_TAIL_EXAMPLES, result.droppedTail())
                .count(Counts.EXAMPLES_FITTED, result.examplesSeen())
                .count(Counts.EPOCHS_WITH_EXAMPLES_UNACCOUNTED, result.epochsUnaccounted())
                .count(Counts.MINIBATCHES_OF_ONE_EXAMPLE, result.minibatchesOfOne())
                .figure("model_id", id).headline("heldout_accuracy", round(held.accuracy()))
                .figure("train_accuracy", round(fit.accuracy()))
                .figure("train_seconds", round(result.seconds()))
                .figure("examples_per_second", round(result.examplesSeen() / Math.max(result.seconds(), 1e-9)))
                .figure("workers", workers).figure("averaging_frequency", frequency)
                .figure("epoch_loss", result.epochLoss().stream().map(TrainGenderJob::round).toList())
                .figure("epoch_examples", result.epochExamples())
                .table("Held-out confusion (val + test, by clip)", List.of("true \\ predicted", "male", "female"),
                        List.of(List.of("male", held.maleAsMale(), held.maleAsFemale()),
                                List.of("female", held.femaleAsMale(), held.femaleAsFemale())))
                .note("Trained on the executors by parameter averaging (DL4J, updater state averaged) over " + workers
                        + " workers, " + frequency + " minibatch(es) between averagings; each epoch deals every "
                        + "example to one worker once, except one that would be a minibatch of one.")
                .note("The paper reports 97.01% on VGGFace's test videos; this run's held-out accuracy is over "
                        + held.total() + " clips.");
        if (held.total() == 0) {
            report.note("No labelled voice is in val or test, so there is no held-out accuracy.");
        }
        LOG.info("train-gender: held-out accuracy {} over {} clips, train accuracy {}; model {}", held.accuracy(),
                held.total(), fit.accuracy(), id);
        return finish(ctx, report, dir);
    }

    private static RunReport finish(JobContext ctx, RunReport report, Path dir) throws java.io.IOException {
        report.finish();
        if (!ctx.dryRun()) {
            RunReportWriter.write(report, new Path(dir, "_reports"), ctx.hadoopConf());
        }
        return report;
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10000.0) / 10000.0;
    }
}
