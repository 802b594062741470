package ai.otc.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldGeneratorTest {
  @TempDir Path tmp;

  private static List<String> files() {
    return List.of("world.json", "corpus.jsonl", "entities.jsonl", "train.jsonl", "dev.jsonl", "test.jsonl");
  }

  @Test
  void sameSeedGivesByteIdenticalFiles() throws IOException {
    WorldIo.write(WorldGenerator.generate(WorldConfig.defaults()), tmp.resolve("a"));
    WorldIo.write(WorldGenerator.generate(WorldConfig.defaults()), tmp.resolve("b"));
    for (String f : files()) {
      assertThat(Files.readAllBytes(tmp.resolve("a").resolve(f))).as(f).isEqualTo(Files.readAllBytes(tmp.resolve("b").resolve(f)));
    }
  }

  @Test
  void otherSeedGivesAnotherWorld() throws IOException {
    WorldIo.write(WorldGenerator.generate(WorldConfig.defaults()), tmp.resolve("a"));
    WorldIo.write(WorldGenerator.generate(WorldConfig.defaults().withSeed(1)), tmp.resolve("b"));
    assertThat(Files.readAllBytes(tmp.resolve("a").resolve("corpus.jsonl")))
        .isNotEqualTo(Files.readAllBytes(tmp.resolve("b").resolve("corpus.jsonl")));
  }

  @Test
  void splitsAreDisjointAndCoverEveryQuestion() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    Set<String> ids = new HashSet<>();
    Set<String> texts = new HashSet<>();
    int total = 0;
    for (Split s : Split.values()) {
      for (Question q : w.split(s)) {
        assertThat(ids.add(q.id())).as("id %s in one split only", q.id()).isTrue();
        assertThat(texts.add(q.question())).as("question text %s in one split only", q.question()).isTrue();
        total++;
      }
    }
    assertThat(total).isEqualTo(w.questions().size());
    // every kind is represented in every split of the default world
    for (Split s : Split.values()) {
      for (QuestionKind k : QuestionKind.values()) {
        assertThat(w.split(s).stream().anyMatch(q -> q.kind() == k)).as("%s has %s", s, k).isTrue();
      }
    }
  }

  @Test
  void minimalCallCountsFollowWhatIsParametric() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    for (Question q : w.questions()) {
      assertThat(q.minCalls()).isEqualTo(q.kind().minCalls());
      switch (q.kind()) {
        case P1 -> assertThat(w.entity(q.subject()).famous()).isTrue();
        case N1 -> assertThat(w.entity(q.subject()).famous()).isFalse();
        case H2_0, H2_1, H2_2 -> {
          int unknown = (w.entity(q.subject()).famous() ? 0 : 1) + (w.entity(q.via()).famous() ? 0 : 1);
          assertThat(unknown).isEqualTo(q.minCalls());
          assertThat(w.entity(q.subject()).friend()).isEqualTo(q.via());
          assertThat(q.answer()).isEqualTo(w.entity(q.via()).fact(q.relation()));
        }
        case EASY, HARD -> {
          String[] p = q.subject().split(" ");
          long a = Long.parseLong(p[0]);
          long b = Long.parseLong(p[2]);
          assertThat(q.answer()).isEqualTo(String.valueOf(p[1].equals("+") ? a + b : a * b));
        }
      }
    }
  }

  @Test
  void friendsAreADerangementAndEveryEntityHasAPassage() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    Set<String> titles = new HashSet<>();
    w.corpus().forEach(p -> titles.add(p.title()));
    for (Entity e : w.entities()) {
      assertThat(e.friend()).isNotEqualTo(e.name());
      assertThat(w.entity(e.friend())).isNotNull();
      assertThat(titles).contains(e.name());
    }
    assertThat(w.corpus()).hasSize(w.entities().size() + w.config().distractors());
    assertThat(w.famous()).hasSize(80);
  }

  @Test
  void writtenWorldReadsBackWithTheSameFingerprint() {
    World w = WorldGenerator.generate(WorldConfig.tiny(3));
    WorldIo.write(w, tmp);
    assertThat(WorldIo.read(tmp).fingerprint()).isEqualTo(w.fingerprint());
    assertThat(WorldIo.readJsonl(tmp.resolve("test.jsonl")).get(0)).containsKeys("id", "question", "golden_answers", "data_source");
    assertThat(WorldIo.readJsonl(tmp.resolve("corpus.jsonl")).get(0)).containsKeys("id", "title", "text", "contents");
  }

  @Test
  void badOptionsAreRejectedWithTheFlagName() {
    assertThatThrownBy(() -> WorldGenerator.generate(new WorldConfig(0, 2, 0.5, 0, 0, 1, 1, 0, 0, 0.1, 0.2)))
        .hasMessageContaining("--entities");
    assertThatThrownBy(() -> WorldGenerator.generate(new WorldConfig(0, 20, 1.5, 0, 0, 1, 1, 0, 0, 0.1, 0.2)))
        .hasMessageContaining("--famous-share");
    assertThatThrownBy(() -> WorldGenerator.generate(new WorldConfig(0, 20, 0.5, 0, 0, 1, 1, 90, 0, 0.1, 0.2)))
        .hasMessageContaining("--easy-arith");
  }
}
