package org.speech2face.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SF2F's Recall@K on galleries small enough to rank by hand. */
class RetrievalTest {
    private static float[] v(float... x) {
        return x;
    }

    @Test
    void galleryMeansRankQueriesByCosine() {
        Map<String, List<float[]>> real = new LinkedHashMap<>();
        real.put("b", List.of(v(0, 1, 0), v(0, 3, 0)));   // mean (0, 2, 0)
        real.put("a", List.of(v(1, 0, 0)));               // (1, 0, 0)
        real.put("c", List.of(v(1, 1, 0), v(-1, 1, 0)));  // mean (0, 1, 0): the same direction as b
        real.put("d", List.of(v(0, 0, 1)));
        Retrieval g = Retrieval.gallery(real, 100);
        assertThat(g.identities()).containsExactly("a", "b", "c", "d");
        assertThat(g.mean("c")).containsExactly(0, 1, 0);
        // a query along x: a first; b, c and d all at cosine 0 behind it
        assertThat(g.rank(v(2, 0, 0), "a")).isEqualTo(1);
        assertThat(g.rank(v(2, 0, 0), "d")).isEqualTo(2); // tied with b and c: the tie counts for the query
        // a query between y and z, nearer y: b and c (tied, cos 0.894) before d (0.447), a last (0)
        assertThat(g.rank(v(0, 2, 1), "b")).isEqualTo(1);
        assertThat(g.rank(v(0, 2, 1), "c")).isEqualTo(1);
        assertThat(g.rank(v(0, 2, 1), "d")).isEqualTo(3);
        assertThat(g.rank(v(0, 2, 1), "a")).isEqualTo(4);
        assertThat(g.rank(v(0, 0, 0), "a")).as("a zero query is orthogonal to everything").isEqualTo(1);
    }

    @Test
    void recallCountsQueriesWithinKAndLeavesOutIdentitiesOutsideTheGallery() {
        Map<String, List<float[]>> real = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            float[] e = new float[12];
            e[i] = 1;
            real.put(String.format("id%02d", i), List.of(e));
        }
        Retrieval g = Retrieval.gallery(real, 11); // the first 11 ids; id11 is not in the gallery
        assertThat(g.size()).isEqualTo(11);
        List<float[]> queries = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        // id00: exact (rank 1); id01: nearer id02 than itself (rank 2); id03: 0.3 towards itself, 0.2 to 6 others
        queries.add(real.get("id00").get(0));
        ids.add("id00");
        float[] q1 = new float[12];
        q1[1] = 0.5f;
        q1[2] = 1;
        queries.add(q1);
        ids.add("id01");
        float[] q3 = new float[12];
        q3[3] = 0.2f;
        for (int j = 4; j < 10; j++) {
            q3[j] = 0.3f;
        }
        queries.add(q3); // rank 7: six identities are more similar
        ids.add("id03");
        queries.add(real.get("id11").get(0));
        ids.add("id11");
        Retrieval.Recall r = g.recall(queries, ids);
        assertThat(r.queries()).isEqualTo(3);
        assertThat(r.gallery()).isEqualTo(11);
        assertThat(r.atK().get(1)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(r.atK().get(5)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(r.atK().get(10)).isCloseTo(1.0, within(1e-12));
        assertThat(r.chance(1)).isCloseTo(1 / 11.0, within(1e-12));
        assertThat(r.chance(10)).isCloseTo(10 / 11.0, within(1e-12));
        assertThat(new Retrieval.Recall(1, 2, Map.of()).chance(5)).isEqualTo(1.0);
        assertThat(g.recall(List.of(), List.of()).atK().get(1)).isNaN();
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Retrieval.gallery(Map.of(), 100)).hasMessageContaining("at least one identity");
        assertThatThrownBy(() -> Retrieval.gallery(Map.of("a", List.of(v(1, 0)), "b", List.of(v(1, 0, 0))), 100))
                .hasMessageContaining("Embeddings of 2 and 3 values");
        Retrieval g = Retrieval.gallery(Map.of("a", List.of(v(1, 0))), 100);
        assertThatThrownBy(() -> g.rank(v(1, 0), "z")).hasMessageContaining("'z' is not in the gallery");
        assertThatThrownBy(() -> g.rank(v(1, 0, 0), "a")).hasMessageContaining("query of 3 values");
    }
}
