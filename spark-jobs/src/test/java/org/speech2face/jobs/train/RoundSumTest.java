package org.speech2face.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.speech2face.model.networks.ModelProfile;
import org.speech2face.model.networks.Networks;
import org.speech2face.model.networks.TrainingGraphs;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/** What a round broadcasts and what its workers send back, summed as DL4J sums them and through Spark's Kryo. */
class RoundSumTest {
    private static final SerializerInstance KRYO = new KryoSerializer(new SparkConf()
            .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")).newInstance();

    @SuppressWarnings("unchecked")
    private static <T> T kryo(T value) {
        ClassTag<T> tag = (ClassTag<T>) ClassTag$.MODULE$.apply(value.getClass());
        ByteBuffer bytes = KRYO.serialize(value, tag);
        return KRYO.deserialize(bytes, tag);
    }

    private static ParameterAveragingTrainingResult result(INDArray params, INDArray state, double score) {
        return new ParameterAveragingTrainingResult(params, state, score, null, null, null);
    }

    @Test
    void resultsAreSummedAsDl4jSumsThemAndCrossKryoWhole() {
        INDArray p1 = Nd4j.rand(DataType.FLOAT, 1000);
        INDArray p2 = Nd4j.rand(DataType.FLOAT, 1000);
        INDArray s1 = Nd4j.rand(DataType.FLOAT, 2000);
        INDArray s2 = Nd4j.rand(DataType.FLOAT, 2000);
        INDArray expectedParams = p1.add(p2);
        INDArray expectedState = s1.add(s2);
        RoundSum a = RoundSum.add(null, result(p1, s1, 0.5));
        RoundSum none = RoundSum.add(null, new ParameterAveragingTrainingResult(null, null, 0, null, null, null));
        RoundSum sum = RoundSum.merge(kryo(a), RoundSum.merge(none, kryo(RoundSum.add(null, result(p2, s2, 0.25)))));
        RoundSum back = kryo(sum);
        assertThat(none).isNull();
        assertThat(back.workers()).isEqualTo(2);
        assertThat(back.score()).isEqualTo(0.75);
        assertThat(back.parameters()).isEqualTo(expectedParams);
        assertThat(back.updaterState()).isEqualTo(expectedState);
        assertThat(back.listenerUpdates()).isEmpty();
    }

    @Test
    void aRoundStartCarriesTheConfigurationAndBothArrays() {
        ComputationGraphConfiguration conf = TrainingGraphs.decoder(ModelProfile.TINY, Networks.paperAdam(),
                DataType.FLOAT, 1);
        conf.setIterationCount(12);
        INDArray trainable = Nd4j.rand(DataType.FLOAT, 5000);
        INDArray state = Nd4j.rand(DataType.FLOAT, 10000);
        RoundStart back = kryo(new RoundStart(conf, trainable, state));
        assertThat(back.configuration().toJson()).isEqualTo(conf.toJson());
        assertThat(back.configuration().getIterationCount()).isEqualTo(12);
        assertThat(back.trainable()).isEqualTo(trainable);
        assertThat(back.updaterState()).isEqualTo(state);
        assertThat(back.configuration()).isNotSameAs(back.configuration()); // each worker a copy of its own
    }
}
