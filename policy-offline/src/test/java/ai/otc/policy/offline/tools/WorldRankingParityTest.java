package ai.otc.policy.offline.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tools.ToolBackend;
import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchHit;
import ai.otc.tools.search.SearchRanking;
import ai.otc.world.Entity;
import ai.otc.world.Passage;
import ai.otc.world.Question;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * otc-tools' {@link SearchRanking#WORLD} (what the tool gateway serves with {@code ranking=world}) returns exactly
 * what {@link InProcessTools} (what the warm start was trained with) returns: same passages, same order, same
 * scores, for top-k 1 and 3, over the default world's corpus, for every entity name, every question's subject,
 * bridge entity and full text, and thousands of random word combinations; BM25 is shown to differ.
 */
class WorldRankingParityTest {
  @TempDir Path tmp;

  @Test
  void worldRankingEqualsTheInProcessSearch() throws Exception {
    World world = WorldGenerator.generate(WorldConfig.defaults());
    WorldIo.write(world, tmp.resolve("world"));
    InProcessTools inProcess = new InProcessTools(world.corpus());
    Set<String> queries = new LinkedHashSet<>();
    for (Entity e : world.entities()) {
      queries.add(e.name());
      queries.add(e.name().toUpperCase(java.util.Locale.ROOT));
      queries.add("  " + e.name().replace(" ", "   ") + " ");
    }
    for (Question q : world.questions()) {
      queries.add(q.question());
      if (q.subject() != null) {
        queries.add(q.subject());
      }
      if (q.via() != null) {
        queries.add(q.via());
      }
    }
    List<String> vocabulary = new ArrayList<>(WorldGenerator.vocabularyWords());
    Random rng = new Random(7);
    for (int i = 0; i < 1500; i++) {
      int n = 1 + rng.nextInt(4);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < n; j++) {
        sb.append(j == 0 ? "" : " ").append(vocabulary.get(rng.nextInt(vocabulary.size())));
      }
      queries.add(sb.toString());
    }
    for (Passage p : world.corpus()) {
      queries.add(p.title() + " " + p.text().split(" ")[2]);
    }
    int bm25Differs = 0;
    try (SearchEngine engine = SearchEngine.open(tmp.resolve("world/corpus.jsonl"), tmp.resolve("index"))) {
      for (String q : queries) {
        for (int k : new int[] {1, 3}) {
          List<ToolBackend.Hit> want = inProcess.search(q, k);
          List<SearchHit> got = engine.search(q, k, SearchRanking.WORLD);
          assertThat(got).as("query '%s' top-%d", q, k).extracting(SearchHit::id)
              .containsExactlyElementsOf(want.stream().map(ToolBackend.Hit::id).toList());
          assertThat(got).as("scores of '%s'", q).extracting(h -> (double) h.score())
              .containsExactlyElementsOf(want.stream().map(ToolBackend.Hit::score).toList());
          assertThat(got).extracting(SearchHit::text)
              .containsExactlyElementsOf(want.stream().map(ToolBackend.Hit::text).toList());
        }
        List<SearchHit> bm25 = engine.search(q, 1);
        List<ToolBackend.Hit> want1 = inProcess.search(q, 1);
        if (!bm25.stream().map(SearchHit::id).toList().equals(want1.stream().map(ToolBackend.Hit::id).toList())) {
          bm25Differs++;
        }
      }
    }
    assertThat(queries.size()).isGreaterThan(2500);
    assertThat(bm25Differs).as("plain BM25 is not the trained search (the reason for the world ranking)")
        .isPositive();
  }
}
