package org.speech2face.cli;

import java.io.PrintStream;

/**
 * Standard output without ND4J 1.0.0-M2.1's SameDiff chatter: it prints "Added differentiated op &lt;name&gt;" with
 * {@code System.out.println} for every op each time a graph with a SameDiff layer (the image, tri-item and CBAM
 * layers) builds its gradient function, and DL4J's Spark workers build a graph every averaging round, so a laptop
 * pipeline printed thousands of such lines among the job summaries. Exactly those lines are dropped; everything
 * else passes through unchanged. Executors' own output goes to their logs and is left alone.
 */
final class SameDiffChatter extends PrintStream {
    static final String PREFIX = "Added differentiated op ";

    SameDiffChatter(PrintStream out) {
        super(out, true);
    }

    /** Filters this JVM's standard output (once). */
    static void install() {
        if (!(System.out instanceof SameDiffChatter)) {
            System.setOut(new SameDiffChatter(System.out));
        }
    }

    @Override
    public void println(String line) {
        if (line == null || !line.startsWith(PREFIX)) {
            super.println(line);
        }
    }
}
