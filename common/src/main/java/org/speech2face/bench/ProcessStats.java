package org.speech2face.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the kernel says about this process and the machine: the peak resident set (a benchmark's memory figure, the
 * same measure Python's {@code getrusage} reports for the PyTorch side) and the load average (printed beside timing
 * figures, since on a shared machine the neighbours' work slows both sides unequally).
 */
public final class ProcessStats {
    private ProcessStats() {
    }

    /** Peak resident set size of this process in bytes ({@code VmHWM}), or -1 where /proc is not there. */
    public static long peakRssBytes() {
        long kb = statusKilobytes("VmHWM:");
        return kb < 0 ? -1 : kb * 1024;
    }

    /** The three load averages (1, 5, 15 minutes), or NaNs where /proc is not there. */
    public static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
    }

    /** "load 1.23 / 1.50 / 1.61 (1, 5, 15 min) on 2 cores". */
    public static String describeLoad() {
        double[] l = loadAverage();
        return String.format(Locale.ROOT, "load average %.2f / %.2f / %.2f (1, 5, 15 min) on %d cores", l[0], l[1], l[2],
                Runtime.getRuntime().availableProcessors());
    }

    private static long statusKilobytes(String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (NumberFormatException e) {
            throw new UncheckedIOException(new IOException("Unreadable " + key + " line in /proc/self/status.", e));
        }
    }
}
