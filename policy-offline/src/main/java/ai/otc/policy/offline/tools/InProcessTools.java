package ai.otc.policy.offline.tools;

import ai.otc.policy.tools.ToolBackend;
import ai.otc.world.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * In-process tools for a world: search ranks passages whose title equals the query first (the prototype's exact
 * name match), then by how many distinct query words the passage contains (ties by corpus order); code runs through
 * {@link ArithmeticEvaluator}. Deterministic, so warm-start demonstrations and evaluation see the same observations.
 */
public final class InProcessTools implements ToolBackend {
  private final List<Passage> corpus;
  private final Map<String, List<Integer>> byTitle = new HashMap<>();
  private final List<Set<String>> words = new ArrayList<>();

  public InProcessTools(List<Passage> corpus) {
    this.corpus = List.copyOf(corpus);
    for (int i = 0; i < corpus.size(); i++) {
      Passage p = corpus.get(i);
      byTitle.computeIfAbsent(norm(p.title()), k -> new ArrayList<>()).add(i);
      Set<String> w = new HashSet<>(List.of(norm(p.title() + " " + p.text()).split(" ")));
      words.add(w);
    }
  }

  private static String norm(String s) {
    return String.join(" ", s.toLowerCase(Locale.ROOT).trim().split("\\s+"));
  }

  @Override
  public List<Hit> search(String query, int topK) {
    String q = norm(query);
    Set<String> qw = new HashSet<>(List.of(q.split(" ")));
    List<Integer> exact = byTitle.getOrDefault(q, List.of());
    List<double[]> scored = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) {
      double s = exact.contains(i) ? 1000 : 0;
      for (String w : qw) {
        if (!w.isEmpty() && words.get(i).contains(w)) {
          s += 1;
        }
      }
      if (s > 0) {
        scored.add(new double[] {s, i});
      }
    }
    scored.sort(Comparator.<double[]>comparingDouble(a -> -a[0]).thenComparingDouble(a -> a[1]));
    List<Hit> hits = new ArrayList<>();
    for (int k = 0; k < Math.min(topK, scored.size()); k++) {
      Passage p = corpus.get((int) scored.get(k)[1]);
      hits.add(new Hit(p.id(), p.title(), p.text(), scored.get(k)[0]));
    }
    return hits;
  }

  @Override
  public Execution execute(String program) {
    return ArithmeticEvaluator.run(program);
  }

  @Override
  public String name() {
    return "in-process";
  }
}
