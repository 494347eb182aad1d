package org.speech2face.media;

import org.bytedeco.ffmpeg.global.avutil;

/**
 * FFmpeg prints every opened file's stream table to stderr at its default level; on a million clips that drowns
 * the executor logs. Errors still come through, and every failure the jobs care about becomes a reject anyway.
 */
public final class FFmpegLog {
    private static volatile boolean quiet;

    private FFmpegLog() {
    }

    /** Lowers FFmpeg's native log level to errors, once per JVM. */
    public static void quiet() {
        if (!quiet) {
            synchronized (FFmpegLog.class) {
                if (!quiet) {
                    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
                    quiet = true;
                }
            }
        }
    }
}
