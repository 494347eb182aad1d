package org.speech2face.bench;

import org.speech2face.audio.Spectrogram;
import org.speech2face.audio.SpectrogramExtractor;
import org.speech2face.audio.SpectrogramSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Single-threaded throughput of {@link SpectrogramExtractor} from PCM (fit, STFT, compression), the figure compared
 * with NumPy's in {@code bench/numpy_spectrogram.py}. Decoding is left out on purpose: it is FFmpeg's cost, not
 * ours, and depends on the codec. The input is deterministic speech-like PCM of varied lengths (some tiled, some
 * cut), so the work matches the real job's rather than a best case.
 */
public final class SpectrogramBenchmark {
    private static final int CLIPS = 8;

    /**
     * @param segments    segments timed
     * @param wallSeconds wall time of the timed segments
     * @param cpuSeconds  CPU time the benchmark thread got meanwhile (equal to the wall time on an idle core; less
     *                    when other processes share the core, which {@link #segmentsPerCpuSecond()} corrects for)
     * @param checksum    sum over one value per output, so the JIT cannot drop the work (and a change in output
     *                    shows up)
     */
    public record Result(int segments, double wallSeconds, double cpuSeconds, double checksum) {

        /** Segments per second of wall time, on one thread. */
        public double segmentsPerSecond() {
            return segments / wallSeconds;
        }

        /** Segments per second of CPU time: the per-core rate, robust to other load on the machine. */
        public double segmentsPerCpuSecond() {
            return segments / cpuSeconds;
        }
    }

    private SpectrogramBenchmark() {
    }

    /** Runs {@code warmupSegments} untimed, then times {@code segments}, all on the calling thread. */
    public static Result run(SpectrogramSpec spec, int warmupSegments, int segments) {
        Objects.requireNonNull(spec, "spec");
        if (warmupSegments < 0 || segments <= 0) {
            throw new IllegalArgumentException("Benchmark needs warm-up >= 0 and segments > 0, got " + warmupSegments
                    + " and " + segments + ".");
        }
        float[][] clips = new float[CLIPS][];
        for (int i = 0; i < CLIPS; i++) {
            // 3.5 s .. 8.4 s: about half tiled, half cut.
            int length = (int) (spec.sampleRate() * (3.5 + 0.7 * i));
            clips[i] = speechLike(length, spec.sampleRate(), 1000L + i);
        }
        SpectrogramExtractor extractor = new SpectrogramExtractor(spec);
        double checksum = 0.0;
        for (int i = 0; i < warmupSegments; i++) {
            checksum += touch(extractor.extract(clips[i % CLIPS]));
        }
        checksum = 0.0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        for (int i = 0; i < segments; i++) {
            checksum += touch(extractor.extract(clips[i % CLIPS]));
        }
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        return new Result(segments, wallSeconds, cpuSeconds, checksum);
    }

    private static double touch(Spectrogram s) {
        return s.data()[s.data().length / 3] + s.rms();
    }

    /**
     * A crude voiced-speech stand-in: a glottal-like harmonic series with a wandering pitch (90-250 Hz), syllable-rate
     * amplitude modulation, short pauses, and some noise; enough to exercise every exponent range of the
     * compression the way real speech does.
     */
    public static float[] speechLike(int length, int sampleRate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[length];
        double phase = 0.0;
        double f0 = 90 + 160 * random.nextDouble();
        double syllableHz = 3 + 3 * random.nextDouble();
        for (int n = 0; n < length; n++) {
            double t = (double) n / sampleRate;
            if (n % (sampleRate / 50) == 0) {
                f0 = Math.max(90, Math.min(250, f0 + 8 * (random.nextDouble() - 0.5)));
            }
            phase += 2 * Math.PI * f0 / sampleRate;
            double voiced = 0.0;
            for (int h = 1; h <= 12; h++) {
                voiced += Math.sin(h * phase) / h;
            }
            double envelope = Math.max(0.0, Math.sin(2 * Math.PI * syllableHz * t));
            x[n] = (float) (0.25 * envelope * voiced + 0.01 * (random.nextDouble() - 0.5));
        }
        return x;
    }
}
