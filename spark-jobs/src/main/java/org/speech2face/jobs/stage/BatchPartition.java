package org.speech2face.jobs.stage;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.speech2face.data.RejectException;
import org.speech2face.contracts.RejectReason;
import org.speech2face.jobs.io.HadoopConf;
import org.speech2face.jobs.io.RejectSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Runs a {@link BatchProcessor} over one partition of planned rows: decodes row by row (rejects to a
 * {@link RejectSink}), collects {@code batchSize} decoded rows, runs them through the network together and streams
 * the output rows on to Spark's writer. Only one batch is held in memory. The batch size comes from a config key
 * ({@code features.batch-size}, {@code evaluate.batch-size}) that has already checked it.
 */
public final class BatchPartition<T> implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BatchPartition.class);

    private final String stage;
    private final BatchProcessor.Factory<T> factory;
    private final int batchSize;
    private final HadoopConf conf;
    private final String rejectsDir;
    private final String runId;
    private final LongAccumulator written;
    private final LongAccumulator rejected;

    public BatchPartition(String stage, BatchProcessor.Factory<T> factory, int batchSize, HadoopConf conf,
                          String rejectsDir, String runId, LongAccumulator written, LongAccumulator rejected) {
        this.stage = stage;
        this.factory = factory;
        this.batchSize = batchSize;
        this.conf = conf;
        this.rejectsDir = rejectsDir;
        this.runId = runId;
        this.written = written;
        this.rejected = rejected;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Iterator<>() {
            private final BatchProcessor<T> processor = factory.create();
            private final RejectSink sink = new RejectSink(new Path(rejectsDir), conf.get(), runId);
            private final Deque<Row> ready = new ArrayDeque<>();
            private boolean closed;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && !closed) {
                    fill();
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }

            private void fill() {
                List<Row> planned = new ArrayList<>(batchSize);
                List<T> prepared = new ArrayList<>(batchSize);
                while (planned.size() < batchSize && input.hasNext()) {
                    Row row = input.next();
                    try {
                        prepared.add(processor.prepare(row));
                        planned.add(row);
                    } catch (RejectException e) {
                        reject(row, e.reason(), e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.warn("{}: {} failed unexpectedly.", stage, row.getAs("key"), e);
                        reject(row, RejectReason.INTERNAL_ERROR, "Decoding " + row.getAs("key") + " failed: " + e);
                    }
                }
                if (!planned.isEmpty()) {
                    List<Row> out = processor.process(planned, prepared);
                    if (out.size() != planned.size()) {
                        throw new IllegalStateException(stage + " returned " + out.size() + " rows for a batch of "
                                + planned.size() + ".");
                    }
                    ready.addAll(out);
                    written.add(out.size());
                }
                if (!input.hasNext()) {
                    closed = true;
                    sink.close();
                    processor.close();
                }
            }

            private void reject(Row row, RejectReason reason, String message) {
                Long line = row.isNullAt(row.fieldIndex("line")) ? null : row.getAs("line");
                sink.write(row.getAs("key"), row.getAs("youtube_id"), line, reason.code(), message, row.getAs("raw"));
                rejected.add(1);
            }
        };
    }
}
