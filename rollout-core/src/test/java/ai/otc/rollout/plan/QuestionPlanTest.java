package ai.otc.rollout.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The loop protocol's question plan, checked exhaustively over many (train size, B, N) combinations. */
class QuestionPlanTest {
  private static List<Question> train(int n) {
    List<Question> qs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      qs.add(new Question(String.format("q%04d", i), "question " + i + " ?", List.of("a"), "src", QuestionKind.P1, 0,
          "train", "s", "r", null));
    }
    Collections.shuffle(qs, new java.util.Random(n)); // input order must not matter
    return qs;
  }

  private static List<String> ids(List<Question> qs) {
    return qs.stream().map(Question::id).toList();
  }

  @Test
  void sharesPartitionEveryBatchAndEveryEpochAsksEachQuestionOnce() {
    int combos = 0;
    for (int t : new int[] {6, 7, 10, 12, 33, 64, 101}) {
      for (int b = 1; b <= t; b++) {
        if (t % b != 0 && t < 2 * b) {
          continue; // refused, see below
        }
        for (int n : new int[] {1, 2, 3, 5, b, b + 2}) {
          check(train(t), t, b, n, 42L + t);
          combos++;
        }
      }
    }
    assertThat(combos).isGreaterThan(500);
  }

  private static void check(List<Question> train, int t, int b, int n, long seed) {
    List<QuestionPlan> instances = IntStream.range(0, n).mapToObj(i -> new QuestionPlan(train, seed, b, i, n)).toList();
    int epochs = 3;
    long batches = ((long) epochs * t + b - 1) / b + 1;
    List<String> stream = new ArrayList<>();
    for (long batch = 0; batch < batches; batch++) {
      List<String> full = ids(instances.get(0).batch(batch));
      assertThat(full).as("t=%d b=%d batch %d size", t, b, batch).hasSize(b);
      assertThat(new HashSet<>(full)).as("t=%d b=%d batch %d has no question twice", t, b, batch).hasSize(b);
      // union of the shares, by position, is the batch; no overlap
      String[] byPosition = new String[b];
      for (int i = 0; i < n; i++) {
        List<String> share = ids(instances.get(i).share(batch));
        int[] pos = instances.get(i).sharePositions();
        assertThat(share).hasSameSizeAs(pos);
        for (int j = 0; j < pos.length; j++) {
          assertThat(pos[j] % n).isEqualTo(i);
          assertThat(byPosition[pos[j]]).as("position %d taken twice", pos[j]).isNull();
          byPosition[pos[j]] = share.get(j);
        }
      }
      assertThat(List.of(byPosition)).as("t=%d b=%d n=%d batch %d", t, b, n, batch).isEqualTo(full);
      stream.addAll(full);
    }
    Set<String> all = new HashSet<>(ids(train));
    for (int e = 0; e < epochs; e++) {
      List<String> epoch = stream.subList(e * t, (e + 1) * t);
      assertThat(new HashSet<>(epoch)).as("t=%d b=%d epoch %d asks every question once", t, b, e)
          .hasSize(t).isEqualTo(all);
    }
  }

  @Test
  void aBatchDependsOnlyOnSeedAndIndex() {
    List<Question> train = train(50);
    QuestionPlan a = new QuestionPlan(train, 7, 8, 0, 1);
    QuestionPlan b = new QuestionPlan(new ArrayList<>(train).reversed(), 7, 8, 0, 1);
    // read in another order, and from a fresh plan: same questions (a restarted instance regenerates its share)
    for (long batch : new long[] {40, 3, 0, 17, 6, 7, 6}) {
      assertThat(ids(b.batch(batch))).isEqualTo(ids(a.batch(batch)));
      assertThat(ids(new QuestionPlan(train, 7, 8, 0, 1).batch(batch))).isEqualTo(ids(a.batch(batch)));
    }
    assertThat(ids(new QuestionPlan(train, 8, 8, 0, 1).batch(0))).as("another seed").isNotEqualTo(ids(a.batch(0)));
    // epochs are different permutations
    List<String> e0 = new ArrayList<>();
    List<String> e1 = new ArrayList<>();
    QuestionPlan p = new QuestionPlan(train, 7, 10, 0, 1);
    for (int batch = 0; batch < 5; batch++) {
      e0.addAll(ids(p.batch(batch)));
      e1.addAll(ids(p.batch(batch + 5)));
    }
    assertThat(e1).isNotEqualTo(e0);
    assertThat(p.epochOf(4)).isZero();
    assertThat(p.epochOf(5)).isEqualTo(1);
  }

  @Test
  void badSettingsAreNamed() {
    List<Question> train = train(10);
    assertThatThrownBy(() -> new QuestionPlan(train, 0, 0, 0, 1)).hasMessageContaining("questions-per-step");
    assertThatThrownBy(() -> new QuestionPlan(train, 0, 11, 0, 1)).hasMessageContaining("too large");
    assertThatThrownBy(() -> new QuestionPlan(train, 0, 6, 0, 1)).hasMessageContaining("too large");
    assertThatThrownBy(() -> new QuestionPlan(train, 0, 2, 0, 0)).hasMessageContaining("instance-count");
    assertThatThrownBy(() -> new QuestionPlan(train, 0, 2, 2, 2)).hasMessageContaining("instance-index");
    assertThatThrownBy(() -> new QuestionPlan(train, 0, 2, -1, 2)).hasMessageContaining("instance-index");
    assertThatThrownBy(() -> new QuestionPlan(List.of(), 0, 1, 0, 1)).hasMessageContaining("empty");
    List<Question> dup = new ArrayList<>(train);
    dup.add(train.get(0));
    assertThatThrownBy(() -> new QuestionPlan(dup, 0, 1, 0, 1)).hasMessageContaining("duplicate");
    assertThatThrownBy(() -> new QuestionPlan(train, 0, 5, 0, 1).share(-1)).hasMessageContaining("batch");
    assertThat(new QuestionPlan(train, 0, 5, 0, 1).batch(0)).hasSize(5); // a divisor is fine
    assertThat(new QuestionPlan(train, 0, 5, 3, 7).share(0)).as("instance count above B").hasSize(1);
    assertThat(new QuestionPlan(train, 0, 5, 6, 7).share(0)).isEmpty();
  }
}
