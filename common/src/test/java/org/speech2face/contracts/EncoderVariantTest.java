package org.speech2face.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class EncoderVariantTest {

    @Test
    void paperVariantsHaveDistinctIdsThatParseBack() {
        Set<String> ids = new HashSet<>();
        for (EncoderVariant v : EncoderVariant.PAPER) {
            assertThat(EncoderVariant.parse(v.id())).isEqualTo(v);
            ids.add(v.id());
        }
        assertThat(ids).containsExactlyInAnyOrder("non-prior", "neutral+fc", "neutral", "gender+fc", "gender",
                "female", "male");
    }

    @Test
    void configValuesMapToVariants() {
        assertThat(EncoderVariant.of("neutral", "add-fc").id()).isEqualTo("neutral+fc");
        assertThat(EncoderVariant.of("gender", "add").id()).isEqualTo("gender");
        assertThat(EncoderVariant.of("none", "add-fc")).isEqualTo(new EncoderVariant(EncoderVariant.Prior.NONE,
                PriorFusion.NONE));
    }

    @Test
    void inconsistentOrUnknownValuesAreNamed() {
        assertThatThrownBy(() -> EncoderVariant.of("neutral", "none")).hasMessageContaining("'none'")
                .hasMessageContaining("'neutral'");
        assertThatThrownBy(() -> EncoderVariant.of("uncle", "add")).hasMessageContaining("'uncle'");
        assertThatThrownBy(() -> EncoderVariant.parse("neutral+xx")).hasMessageContaining("'neutral+xx'");
        assertThatThrownBy(() -> EncoderVariant.parse("none+fc")).hasMessageContaining("'none+fc'");
        assertThatThrownBy(() -> new EncoderVariant(EncoderVariant.Prior.MALE, PriorFusion.NONE))
                .hasMessageContaining("'male'");
    }
}
