package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.Entity;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UnaskedFriendQuestionsTest {
  /** A world of world-2's shape: 60 % of the possible two-hop questions asked, so some are not. */
  private static final WorldConfig FEWER_TWO_HOP = new WorldConfig(2, 200, 0.6, 40, 2, 1.0, 0.6, 81, 240, 0.1, 0.2);

  @Test
  void aWorldThatAsksEveryTwoHopQuestionHasNone() {
    // the default world keeps every possible two-hop question (in some split), so the flag changes nothing there
    assertThat(UnaskedFriendQuestions.of(WorldGenerator.generate(WorldConfig.defaults()))).isEmpty();
  }

  @Test
  void everyUnaskedAttributeOfAFamousEntitysUnknownFriendAndNothingElse() {
    World w = WorldGenerator.generate(FEWER_TWO_HOP);
    Set<String> asked = w.questions().stream().map(Question::question).collect(Collectors.toSet());
    List<Question> unasked = UnaskedFriendQuestions.of(w);
    // expected, written out from the entities: famous x, unknown friend f, each attribute whose question no split has
    Set<String> expected = new HashSet<>();
    for (Entity x : w.entities()) {
      if (x.famous() && !w.entity(x.friend()).famous()) {
        for (String r : List.of("city", "year", "color", "job")) {
          String text = "what is the " + r + " of the friend of " + x.name() + " ?";
          if (!asked.contains(text)) {
            expected.add(text);
          }
        }
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(unasked).extracting(Question::question).containsExactlyInAnyOrderElementsOf(expected);
    for (Question q : unasked) {
      Entity x = w.entity(q.subject());
      Entity f = w.entity(q.via());
      assertThat(x.famous()).isTrue();
      assertThat(f.famous()).isFalse();
      assertThat(x.friend()).isEqualTo(f.name());
      assertThat(q.kind()).isEqualTo(QuestionKind.H2_1);
      assertThat(q.minCalls()).isEqualTo(1);
      assertThat(q.goldenAnswers()).containsExactly(f.fact(q.relation()));
      assertThat(q.split()).isEqualTo("train");
    }
    assertThat(unasked).extracting(Question::id).doesNotHaveDuplicates();
  }

  @Test
  void withTheFlagDecisionRowsComeFromThemTooAndNoHeldOutQuestionAppears() {
    World w = WorldGenerator.generate(FEWER_TWO_HOP);
    WordTokenizer tk = WorldTasks.tokenizer();
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStartConfig on = new WarmStartConfig(d.steps(), d.batchSize(), d.learningRate(), d.warmupSteps(), d.minimalShare(),
        d.factShare(), d.drillShare(), d.drillRealShare(), d.drillShuffleShare(), d.copyCurriculum(), d.mixedDrills(),
        d.decisionShare(), d.decisionWeight(), d.recallDecisions(), d.decisionCurriculum(), d.friendCurriculum(), true,
        d.trainReadValues(), d.p1Oversample(), d.topK(), d.observationTag(), d.seed());
    assertThat(on.canonical()).endsWith(" friendcurriculum friendquestions");
    assertThat(d.friendQuestions()).isFalse();
    Set<String> unasked = UnaskedFriendQuestions.of(w).stream().map(Question::question).collect(Collectors.toSet());
    Set<String> heldOut = w.questions().stream().filter(q -> !Split.TRAIN.label().equals(q.split()))
        .map(Question::question).collect(Collectors.toSet());
    for (WarmStartConfig c : List.of(d, on)) {
      WarmStart ws = new WarmStart(w, new TaskFormat(tk, new InProcessTools(w.corpus()), 1), c);
      Random rng = new Random(2);
      int fromUnasked = 0;
      for (int i = 0; i < 20_000; i++) {
        String text = tk.decode(ws.draw(rng).tokens());
        if (text.startsWith("<qa> ")) {
          String q = text.substring(text.indexOf(' ') + 1, text.indexOf(" ?") + 2);
          assertThat(heldOut).as("held-out question in the warm start").doesNotContain(q);
          fromUnasked += unasked.contains(q) ? 1 : 0;
        }
      }
      if (c == d) {
        assertThat(fromUnasked).as("without the flag").isZero();
      } else {
        assertThat(fromUnasked).as("with the flag").isGreaterThan(100);
      }
    }
  }
}
