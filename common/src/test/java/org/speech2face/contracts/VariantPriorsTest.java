package org.speech2face.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VariantPriorsTest {
    private static final float[] N = {1};
    private static final float[] M = {2};
    private static final float[] F = {3};

    @Test
    void eachVariantGetsThePriorTrainingGaveIt() {
        VariantPriors p = new VariantPriors(N, M, F);
        assertThat(p.forClip(EncoderVariant.parse("non-prior"), null)).isNull();
        assertThat(p.forClip(EncoderVariant.parse("neutral+fc"), "female")).isSameAs(N);
        assertThat(p.forClip(EncoderVariant.parse("gender"), "female")).isSameAs(F);
        assertThat(p.forClip(EncoderVariant.parse("gender+fc"), "male")).isSameAs(M);
        assertThat(p.forClip(EncoderVariant.parse("male"), "male")).isSameAs(M);
        assertThat(p.forClip(EncoderVariant.parse("female+fc"), "female")).isSameAs(F);
    }

    @Test
    void genderedVariantsCoverOnlyClipsWithTheirPrediction() {
        assertThat(VariantPriors.covers(EncoderVariant.parse("neutral"), null)).isTrue();
        assertThat(VariantPriors.covers(EncoderVariant.parse("gender"), null)).isFalse();
        assertThat(VariantPriors.covers(EncoderVariant.parse("male"), "female")).isFalse();
        assertThat(VariantPriors.covers(EncoderVariant.parse("female"), "female")).isTrue();
        VariantPriors p = new VariantPriors(N, null, F);
        assertThatThrownBy(() -> p.forClip(EncoderVariant.parse("male"), "female"))
                .hasMessageContaining("does not cover a clip whose voice was predicted female");
        assertThatThrownBy(() -> p.forClip(EncoderVariant.parse("gender"), "male"))
                .hasMessageContaining("no male prior");
        assertThat(p.supports(EncoderVariant.parse("gender"))).isFalse();
        assertThat(p.supports(EncoderVariant.parse("female"))).isTrue();
    }

    @Test
    void priorIdsNameEachPriorAVariantReadsWithItsFaceCount() {
        java.util.Map<String, Integer> n = java.util.Map.of("neutral", 500, "male", 300, "female", 200);
        assertThat(VariantPriors.ids(EncoderVariant.Prior.NONE, n)).isEqualTo("none");
        assertThat(VariantPriors.ids(EncoderVariant.Prior.NEUTRAL, n)).isEqualTo("neutral@500");
        assertThat(VariantPriors.ids(EncoderVariant.Prior.GENDER, n)).isEqualTo("male@300,female@200");
        assertThat(VariantPriors.ids(EncoderVariant.Prior.FEMALE, n)).isEqualTo("female@200");
    }
}
