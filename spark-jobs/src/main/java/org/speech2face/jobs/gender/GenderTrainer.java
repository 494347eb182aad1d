package org.speech2face.jobs.gender;

import org.speech2face.contracts.VoiceGender;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.config.S2fConfig;
import org.speech2face.contracts.FloatTensorCodec;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.SpectrogramInput;
import org.speech2face.model.networks.VoiceGenderClassifier;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Trains the voice gender classifier on the driver, streaming the labelled spectrograms from the executors a
 * partition at a time ({@code toLocalIterator}) through a shuffle buffer into mini-batches. Why not DL4J's
 * parameter averaging: the network is small (0.3 M parameters tiny, 8 M paper), one 2-core driver trains it at
 * tens of examples per second, and a single optimiser keeps batch norm statistics and Adam's state exact and the
 * result reproducible from the seed; the executors do the IO. Examples are rows with {@code male} and {@code spec}.
 */
final class GenderTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(GenderTrainer.class);

    /** What training did, epoch by epoch. */
    record Result(MultiLayerNetwork net, List<Double> epochLoss, long steps, long examplesSeen, long droppedTail,
                  double seconds) {
    }

    /** Held-out verdicts: counts by true and predicted gender. */
    record Confusion(long maleAsMale, long maleAsFemale, long femaleAsFemale, long femaleAsMale) {
        long total() {
            return maleAsMale + maleAsFemale + femaleAsFemale + femaleAsMale;
        }

        double accuracy() {
            return total() == 0 ? Double.NaN : (maleAsMale + femaleAsFemale) / (double) total();
        }
    }

    private final ModelProfile profile;
    private final S2fConfig.Gender cfg;
    private long fitted;

    GenderTrainer(ModelProfile profile, S2fConfig.Gender cfg) {
        this.profile = profile;
        this.cfg = cfg;
    }

    Result train(Dataset<Row> examples, long female, long male) {
        MultiLayerNetwork net = VoiceGenderClassifier.create(profile, cfg.seed(), cfg.learningRate(),
                VoiceGenderClassifier.balancedWeights(female, male));
        List<Double> losses = new ArrayList<>();
        long steps = 0;
        long dropped = 0;
        fitted = 0;
        long t0 = System.nanoTime();
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            Random random = new Random(cfg.seed() * 1_000_003L + epoch);
            ShuffleBuffer<Example> buffer = new ShuffleBuffer<>(cfg.shuffleBuffer(), random);
            List<Example> batch = new ArrayList<>(cfg.batchSize());
            double lossSum = 0;
            int epochSteps = 0;
            Iterator<Row> rows = examples.toLocalIterator();
            while (rows.hasNext()) {
                Example out = buffer.offer(Example.of(rows.next()));
                if (out != null && add(batch, out)) {
                    lossSum += fit(net, batch);
                    epochSteps++;
                }
            }
            for (Example e : buffer.drain()) {
                if (add(batch, e)) {
                    lossSum += fit(net, batch);
                    epochSteps++;
                }
            }
            if (batch.size() >= 2) { // batch norm needs two examples; a lone last one waits for the next epoch
                lossSum += fit(net, batch);
                epochSteps++;
            } else {
                dropped += batch.size();
            }
            steps += epochSteps;
            double loss = epochSteps == 0 ? Double.NaN : lossSum / epochSteps;
            losses.add(loss);
            LOG.info(String.format("train-gender: epoch %d/%d, mean loss %.4f over %d steps, %.1f s", epoch,
                    cfg.epochs(), loss, epochSteps, (System.nanoTime() - t0) / 1e9));
        }
        return new Result(net, losses, steps, fitted, dropped, (System.nanoTime() - t0) / 1e9);
    }

    /** Confusion counts of {@code net} over {@code examples}, predicting by {@link VoiceGender#isMale}. */
    Confusion evaluate(MultiLayerNetwork net, Dataset<Row> examples) {
        long mm = 0;
        long mf = 0;
        long ff = 0;
        long fm = 0;
        List<Example> batch = new ArrayList<>(cfg.batchSize());
        Iterator<Row> rows = examples.toLocalIterator();
        while (rows.hasNext() || !batch.isEmpty()) {
            if (rows.hasNext()) {
                batch.add(Example.of(rows.next()));
            }
            if (batch.size() == cfg.batchSize() || (!rows.hasNext() && !batch.isEmpty())) {
                float[] p = VoiceGenderClassifier.pMale(net, batch.stream().map(Example::input).toArray(float[][]::new));
                for (int i = 0; i < p.length; i++) {
                    boolean saidMale = VoiceGender.isMale(p[i]);
                    if (batch.get(i).male()) {
                        if (saidMale) {
                            mm++;
                        } else {
                            mf++;
                        }
                    } else if (saidMale) {
                        fm++;
                    } else {
                        ff++;
                    }
                }
                batch.clear();
            }
        }
        return new Confusion(mm, mf, ff, fm);
    }

    private boolean add(List<Example> batch, Example e) {
        batch.add(e);
        return batch.size() == cfg.batchSize();
    }

    private double fit(MultiLayerNetwork net, List<Example> batch) {
        fitted += batch.size();
        float[][] x = new float[batch.size()][];
        boolean[] male = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            x[i] = batch.get(i).input();
            male[i] = batch.get(i).male();
        }
        net.fit(new DataSet(VoiceGenderClassifier.batch(x), VoiceGenderClassifier.labels(male)));
        batch.clear();
        return net.score();
    }

    /** One labelled spectrogram in the network's layout. */
    record Example(float[] input, boolean male) {
        static Example of(Row r) {
            int frames = r.getAs("frames");
            int bins = r.getAs("bins");
            float[] spec = FloatTensorCodec.decode(r.getAs("spec"), frames, bins, SpectrogramInput.CHANNELS);
            return new Example(SpectrogramInput.channelsFirst(spec, frames, bins), r.getAs("male"));
        }
    }
}
