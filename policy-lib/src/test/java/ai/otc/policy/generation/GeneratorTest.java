package ai.otc.policy.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratorTest {
  static final int V = 40;
  static final int EOS = 2;

  private static List<int[]> prompts() {
    return List.of(new int[] {3, 4, 5}, new int[] {6}, new int[] {7, 8, 9, 10, 11, 12}, new int[] {13, 14});
  }

  /** Inserts {30, 31, 32} after the first two stops of each row, then ends it; records where insertions went. */
  static class Inserting implements TurnEnvironment {
    final Map<Integer, List<Integer>> insertedAt = new HashMap<>();
    final Map<Integer, Integer> stops = new HashMap<>();

    @Override
    public int[] onStop(int row, int[] tokens, int length, int turnStart) {
      int n = stops.merge(row, 1, Integer::sum);
      if (n > 2) {
        return null;
      }
      List<Integer> at = insertedAt.computeIfAbsent(row, k -> new ArrayList<>());
      for (int j = 0; j < 3; j++) {
        at.add(length + j);
      }
      return new int[] {30, 31, 32};
    }
  }

  private static Set<Integer> stopSet() {
    Set<Integer> s = new java.util.HashSet<>();
    for (int t = 15; t < 30; t++) {
      s.add(t);
    }
    return s;
  }

  @Test
  void lossMaskCoversExactlyTheModelTokensAndToolOutputIsMasked() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Generator g = new Generator(m, stopSet(), EOS);
      Inserting env = new Inserting();
      List<Rollout> rs = g.generate(prompts(), env, SamplingConfig.sample(1f, 1f, 11), Set.of(), 64);
      int insertedSeen = 0;
      for (int i = 0; i < rs.size(); i++) {
        Rollout r = rs.get(i);
        List<Integer> ins = env.insertedAt.getOrDefault(i, List.of());
        for (int j = 0; j < r.tokens().length; j++) {
          boolean prompt = j < prompts().get(i).length;
          boolean inserted = ins.contains(j);
          assertThat(r.generated()[j]).as("row %d pos %d", i, j).isEqualTo(!prompt && !inserted);
          if (inserted) {
            insertedSeen++;
            assertThat(r.tokens()[j]).isBetween(30, 32);
            assertThat(r.logProbs()[j]).isZero();
          }
          if (prompt) {
            assertThat(r.tokens()[j]).isEqualTo(prompts().get(i)[j]);
          }
        }
      }
      assertThat(insertedSeen).as("the environment was exercised").isGreaterThan(0);
    }
  }

  /** Records how the generator groups stops: per onStops call, the rows. */
  static final class Grouping extends Inserting {
    final List<int[]> calls = new ArrayList<>();

    @Override
    public int[][] onStops(int[] rows, int[][] tokens, int[] lengths, int[] turnStarts) {
      calls.add(rows.clone());
      return super.onStops(rows, tokens, lengths, turnStarts);
    }
  }

  @Test
  void rowsStoppingAtOneStepAreHandedOverTogetherWithTheSameResult() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Generator g = new Generator(m, stopSet(), EOS);
      List<int[]> same = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        same.add(new int[] {3, 4});
      }
      Grouping grouped = new Grouping();
      List<Rollout> a = g.generate(same, grouped, SamplingConfig.sample(1f, 1f, 5), Set.of(), 48);
      assertThat(grouped.calls.stream().mapToInt(r -> r.length).max().orElse(0))
          .as("several rows stopped at one step and came in one call").isGreaterThan(1);
      for (int[] rows : grouped.calls) {
        assertThat(rows).isSorted().doesNotHaveDuplicates();
      }
      // the per-row path (a plain TurnEnvironment) gives the same rollouts
      Inserting plain = new Inserting();
      TurnEnvironment oneByOne = plain::onStop;
      List<Rollout> b = g.generate(same, oneByOne, SamplingConfig.sample(1f, 1f, 5), Set.of(), 48);
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.get(i).tokens()).isEqualTo(b.get(i).tokens());
        assertThat(a.get(i).generated()).isEqualTo(b.get(i).generated());
      }
      // explicit row seeds: a row's sample depends on its seed only
      long[] seeds = new long[16];
      for (int i = 0; i < 16; i++) {
        seeds[i] = 1000 + i % 4;
      }
      List<Rollout> c = g.generate(same, null, SamplingConfig.sample(1f, 1f, 5), Set.of(), 48, seeds);
      List<Rollout> d = g.generate(same.subList(0, 4), null, SamplingConfig.sample(1f, 1f, 99), Set.of(), 48,
          new long[] {1000, 1001, 1002, 1003});
      for (int i = 0; i < 16; i++) {
        assertThat(c.get(i).tokens()).isEqualTo(d.get(i % 4).tokens());
      }
    }
  }

  @Test
  void divergedWeightsFailClearlyInsteadOfPickingTokenMinusOne() {
    try (PolicyModel ok = new PolicyModel(ModelConfig.tiny(V))) {
      Map<String, float[]> w = ok.weights();
      w.replaceAll((k, x) -> {
        float[] y = x.clone();
        java.util.Arrays.fill(y, Float.NaN);
        return y;
      });
      try (PolicyModel bad = new PolicyModel(ModelConfig.tiny(V), w)) {
        Generator g = new Generator(bad, stopSet(), EOS);
        for (SamplingConfig sc : List.of(SamplingConfig.greedy(), SamplingConfig.sample(1f, 0.9f, 1),
            SamplingConfig.sample(1f, 1f, 1))) {
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.generate(prompts(), null, sc, Set.of(), 16))
              .isInstanceOf(IllegalStateException.class).hasMessageContaining("not finite");
        }
      }
    }
  }

  @Test
  void cachedGenerationMatchesFullRecomputation() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Generator g = new Generator(m, stopSet(), EOS);
      List<Rollout> rs = g.generate(prompts(), new Inserting(), SamplingConfig.sample(1f, 1f, 5), Set.of(), 48);
      List<int[]> seqs = rs.stream().map(Rollout::tokens).toList();
      float[][] full = m.tokenLogProbs(seqs, 1f);
      int checked = 0;
      for (int i = 0; i < rs.size(); i++) {
        for (int j = 1; j < seqs.get(i).length; j++) {
          if (rs.get(i).generated()[j]) {
            assertThat(rs.get(i).logProbs()[j]).as("row %d pos %d", i, j)
                .isCloseTo(full[i][j], org.assertj.core.data.Offset.offset(1e-3f));
            checked++;
          }
        }
      }
      assertThat(checked).isGreaterThan(20);

      // Greedy: every generated token is the argmax of the full forward's logits at the previous position.
      List<Rollout> greedy = g.generate(prompts(), null, SamplingConfig.greedy(), Set.of(), 40);
      for (Rollout r : greedy) {
        try (NDScope s = new NDScope()) {
          s.suppressNotUsedWarning();
          NDArray ids = PolicyModel.ids(m.manager(), new int[][] {r.tokens()}, r.tokens().length);
          float[] lg = m.forward(ids).logits().toFloatArray();
          for (int j = r.promptLength(); j < r.tokens().length; j++) {
            int best = 0;
            for (int v = 1; v < V; v++) {
              if (lg[(j - 1) * V + v] > lg[(j - 1) * V + best]) {
                best = v;
              }
            }
            assertThat(r.tokens()[j]).isEqualTo(best);
          }
        }
      }
    }
  }

  @Test
  void sameSeedSameRolloutsAndBannedTokensAreNeverSampled() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Generator g = new Generator(m, stopSet(), EOS);
      List<Rollout> a = g.generate(prompts(), new Inserting(), SamplingConfig.sample(1f, 0.9f, 3), Set.of(), 48);
      List<Rollout> b = g.generate(prompts(), new Inserting(), SamplingConfig.sample(1f, 0.9f, 3), Set.of(), 48);
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.get(i).tokens()).isEqualTo(b.get(i).tokens());
        assertThat(a.get(i).logProbs()).isEqualTo(b.get(i).logProbs());
      }
      List<Rollout> c = g.generate(prompts(), new Inserting(), SamplingConfig.sample(1f, 1f, 4), Set.of(), 48);
      assertThat(c.stream().map(r -> java.util.Arrays.toString(r.tokens())).toList())
          .isNotEqualTo(a.stream().map(r -> java.util.Arrays.toString(r.tokens())).toList());
      Set<Integer> banned = new java.util.HashSet<>();
      for (int t = 3; t < 20; t++) {
        banned.add(t);
      }
      for (Rollout r : g.generate(prompts(), null, SamplingConfig.sample(1.5f, 1f, 9), banned, 30)) {
        for (int j = r.promptLength(); j < r.tokens().length; j++) {
          assertThat(banned).doesNotContain(r.tokens()[j]);
        }
      }
    }
  }

  @Test
  void rowsStopAtTheLengthCapAsTruncated() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Generator g = new Generator(m, Set.of(), EOS);
      Set<Integer> noEos = Set.of(EOS);
      for (Rollout r : g.generate(prompts(), null, SamplingConfig.sample(1f, 1f, 1), noEos, 16)) {
        assertThat(r.tokens()).hasSize(16);
        assertThat(r.truncated()).isTrue();
      }
    }
  }
}
