package org.speech2face.jobs.ingest;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.data.AvSpeechSegment;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;
import org.speech2face.data.VideoLocator;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.io.RejectSink;
import org.speech2face.media.FFmpegLog;

import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Runs a {@link SegmentProcessor} over one partition of planned rows, streaming output rows to Spark's writer and
 * rejects to a {@link RejectSink}. Rows arrive sorted by youtube_id, so a remote clip is copied to local disk once
 * for all its segments. One bad clip never fails the task: anything it throws becomes a reject with its reason.
 */
final class ProcessPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProcessPartition.class);

    private final String stage;
    private final SegmentProcessor.Factory factory;
    private final VideoLocator locator;
    private final HadoopConf conf;
    private final String rejectsDir;
    private final String runId;
    private final LongAccumulator written;
    private final LongAccumulator rejected;

    ProcessPartition(String stage, SegmentProcessor.Factory factory, VideoLocator locator, HadoopConf conf,
                     String rejectsDir, String runId, LongAccumulator written, LongAccumulator rejected) {
        this.stage = stage;
        this.factory = factory;
        this.locator = locator;
        this.conf = conf;
        this.rejectsDir = rejectsDir;
        this.runId = runId;
        this.written = written;
        this.rejected = rejected;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        FFmpegLog.quiet();
        return new Iterator<>() {
            private final SegmentProcessor processor = factory.create();
            private final RejectSink sink = new RejectSink(new Path(rejectsDir), conf.get(), runId);
            private VideoLocator.LocalVideo video;
            private String videoId;
            private RejectException videoError;
            private Row next;
            private boolean closed;

            @Override
            public boolean hasNext() {
                while (next == null && !closed) {
                    if (!input.hasNext()) {
                        closeAll();
                        return false;
                    }
                    next = processRow(input.next());
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = next;
                next = null;
                return r;
            }

            private Row processRow(Row planned) {
                AvSpeechSegment seg = CsvInput.segment(planned);
                String key = planned.getString(2);
                try {
                    java.nio.file.Path local = localVideo(seg.youtubeId());
                    Row out = processor.process(seg, planned.getString(8), local);
                    written.add(1);
                    return out;
                } catch (RejectException e) {
                    reject(planned, key, seg, e.reason(), e.getMessage());
                } catch (RuntimeException | IOException e) {
                    LOG.warn("{}: {} failed unexpectedly.", stage, key, e);
                    reject(planned, key, seg, RejectReason.INTERNAL_ERROR, "Processing " + key + " failed: " + e);
                }
                return null;
            }

            private void reject(Row planned, String key, AvSpeechSegment seg, RejectReason reason, String message) {
                sink.write(key, seg.youtubeId(), seg.line(), reason.code(), message, planned.getString(1),
                        reason.retryable() ? null : fingerprint(seg.youtubeId()));
                rejected.add(1);
            }

            /** The video's size and mtime, so a content reject is retried once the file is replaced. */
            private String fingerprint(String youtubeId) {
                try {
                    return locator.fingerprint(youtubeId, conf.get());
                } catch (IOException e) {
                    return null;
                }
            }

            private java.nio.file.Path localVideo(String youtubeId) throws RejectException, IOException {
                if (!youtubeId.equals(videoId)) {
                    closeVideo();
                    videoId = youtubeId;
                    try {
                        video = locator.open(youtubeId, conf.get());
                    } catch (RejectException e) {
                        videoError = e; // every segment of this clip gets the same reason
                    } catch (IOException e) {
                        videoId = null; // a transient IO failure is retried for the next segment
                        throw e;
                    }
                }
                if (videoError != null) {
                    throw new RejectException(videoError.reason(), videoError.getMessage());
                }
                return video.file();
            }

            private void closeVideo() {
                if (video != null) {
                    video.close();
                }
                video = null;
                videoError = null;
            }

            private void closeAll() {
                closed = true;
                closeVideo();
                sink.close();
                processor.close();
            }
        };
    }
}
