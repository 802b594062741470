package ai.otc.reward.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.core.reward.OptimalCallState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The replicated per-question n table: min-merge only, paging in String order, and the state adapter the scorer writes through. */
class OptimalCallTableTest {

  record Lowered(String question, int n) {}

  @Test
  void mergeMinOnlyEverLowers() {
    OptimalCallTable t = new OptimalCallTable();
    assertThat(t.get("q")).isEmpty();
    assertThat(t.size()).isZero();
    assertThat(t.mergeMin("q", 5)).isTrue();
    assertThat(t.get("q")).hasValue(5);
    assertThat(t.mergeMin("q", 5)).as("equal: no change").isFalse();
    assertThat(t.mergeMin("q", 9)).as("higher: no change").isFalse();
    assertThat(t.get("q")).hasValue(5);
    assertThat(t.mergeMin("q", 2)).isTrue();
    assertThat(t.mergeMin("q", 0)).isTrue();
    assertThat(t.mergeMin("q", 0)).isFalse();
    assertThat(t.get("q")).hasValue(0);
    assertThat(t.mergeMin("other", 3)).isTrue();
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.snapshot()).isEqualTo(Map.of("q", 0, "other", 3));
  }

  @Test
  void mergingAChangelogInAnyOrderConvergesToTheMinimum() {
    Random rnd = new Random(42);
    List<Map.Entry<String, Integer>> records = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      records.add(Map.entry("q" + rnd.nextInt(20), rnd.nextInt(50)));
    }
    OptimalCallTable forward = new OptimalCallTable();
    records.forEach(e -> forward.mergeMin(e.getKey(), e.getValue()));
    List<Map.Entry<String, Integer>> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, rnd);
    shuffled.addAll(records); // twice: idempotent
    OptimalCallTable other = new OptimalCallTable();
    shuffled.forEach(e -> other.mergeMin(e.getKey(), e.getValue()));
    assertThat(other.snapshot()).isEqualTo(forward.snapshot());
    for (Map.Entry<String, Integer> e : forward.snapshot().entrySet()) {
      int min = records.stream().filter(r -> r.getKey().equals(e.getKey())).mapToInt(Map.Entry::getValue).min().orElseThrow();
      assertThat(e.getValue()).isEqualTo(min);
    }
  }

  @Test
  void aNegativeNIsRefusedAndChangesNothing() {
    OptimalCallTable t = new OptimalCallTable();
    assertThatThrownBy(() -> t.mergeMin("q", -1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("q");
    assertThat(t.get("q")).isEmpty();
    t.mergeMin("q", 3);
    assertThatThrownBy(() -> t.mergeMin("q", -2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(t.get("q")).hasValue(3);
    List<Lowered> lowered = new ArrayList<>();
    OptimalCallState s = t.writingTo((q, n) -> lowered.add(new Lowered(q, n)));
    assertThatThrownBy(() -> s.put("q", -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(lowered).isEmpty();
    assertThat(t.get("q")).hasValue(3);
  }

  @Test
  void clearEmptiesTheTable() {
    OptimalCallTable t = new OptimalCallTable();
    t.mergeMin("a", 1);
    t.mergeMin("b", 2);
    t.clear();
    assertThat(t.size()).isZero();
    assertThat(t.get("a")).isEmpty();
    assertThat(t.page(null, 10)).isEmpty();
    assertThat(t.mergeMin("a", 7)).isTrue();
    assertThat(t.get("a")).hasValue(7);
  }

  @Test
  void pagesAreInStringCompareToOrder() {
    OptimalCallTable t = new OptimalCallTable();
    // Upper case before lower case, "10" before "9", and UTF-16 order: a surrogate pair (U+1F600)
    // sorts before U+FFFD, unlike code-point order.
    List<String> keys = List.of("b", "a", "B", "z", "10", "9", "é", "\uFFFD", "\uD83D\uDE00", "ab");
    for (int i = 0; i < keys.size(); i++) {
      t.mergeMin(keys.get(i), i);
    }
    List<String> expected = new ArrayList<>(keys);
    Collections.sort(expected);
    assertThat(expected).containsExactly("10", "9", "B", "a", "ab", "b", "z", "é", "\uD83D\uDE00", "\uFFFD");
    List<Map.Entry<String, Integer>> all = t.page(null, 100);
    assertThat(all).extracting(Map.Entry::getKey).containsExactlyElementsOf(expected);
    assertThat(all).allSatisfy(e -> assertThat(e.getValue()).isEqualTo(keys.indexOf(e.getKey())));
  }

  @Test
  void paginationWithAfterExclusiveVisitsEveryEntryOnce() {
    OptimalCallTable t = new OptimalCallTable();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      keys.add(String.format("q%03d", i));
      t.mergeMin(keys.get(i), i);
    }
    for (int limit : new int[] {1, 2, 5, 7, 23, 50}) {
      List<String> seen = new ArrayList<>();
      String after = null;
      int pages = 0;
      while (true) {
        List<Map.Entry<String, Integer>> page = t.page(after, limit);
        assertThat(page.size()).isLessThanOrEqualTo(limit);
        if (page.isEmpty()) {
          break;
        }
        pages++;
        page.forEach(e -> seen.add(e.getKey()));
        after = page.get(page.size() - 1).getKey();
      }
      assertThat(seen).as("limit %d", limit).containsExactlyElementsOf(keys);
      assertThat(pages).isEqualTo((23 + limit - 1) / limit);
    }
  }

  @Test
  void afterExclusiveNeedNotBeAKey() {
    OptimalCallTable t = new OptimalCallTable();
    for (String k : List.of("a", "c", "e")) {
      t.mergeMin(k, 1);
    }
    assertThat(t.page("a", 10)).extracting(Map.Entry::getKey).containsExactly("c", "e");
    assertThat(t.page("b", 10)).extracting(Map.Entry::getKey).containsExactly("c", "e");
    assertThat(t.page("", 10)).extracting(Map.Entry::getKey).containsExactly("a", "c", "e");
    assertThat(t.page("c", 1)).extracting(Map.Entry::getKey).containsExactly("e");
    assertThat(t.page("e", 10)).isEmpty();
    assertThat(t.page("zzz", 10)).isEmpty();
    assertThat(t.page(null, 0)).isEmpty();
    assertThat(new OptimalCallTable().page(null, 5)).isEmpty();
  }

  @Test
  void writingToReadsTheTableAndReportsOnlyRealLowerings() {
    OptimalCallTable t = new OptimalCallTable();
    t.mergeMin("known", 4);
    List<Lowered> lowered = new ArrayList<>();
    OptimalCallState s = t.writingTo((q, n) -> lowered.add(new Lowered(q, n)));
    assertThat(s.get("known")).hasValue(4);
    assertThat(s.get("unknown")).isEmpty();
    s.put("known", 4);
    s.put("known", 6);
    assertThat(lowered).as("no lowering, no report").isEmpty();
    s.put("known", 3);
    s.put("unknown", 8);
    s.put("unknown", 8);
    s.put("unknown", 0);
    assertThat(lowered).containsExactly(new Lowered("known", 3), new Lowered("unknown", 8), new Lowered("unknown", 0));
    assertThat(t.get("known")).hasValue(3);
    assertThat(t.get("unknown")).hasValue(0);
    // The changelog reader lowering the table directly is seen by the adapter but not reported by it.
    t.mergeMin("known", 1);
    assertThat(s.get("known")).hasValue(1);
    s.put("known", 2);
    assertThat(lowered).hasSize(3);
    assertThat(t.get("known")).hasValue(1);
  }
}
