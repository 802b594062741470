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
  void onAWorldThatAsksEveryTwoHopQuestionOnlyTheFriendOfEachFamousEntitysFriend() {
    // the default world asks every attribute's two-hop question (in some split); no split asks the friend's friend
    World w = WorldGenerator.generate(WorldConfig.defaults());
    List<Question> unasked = UnaskedFriendQuestions.of(w);
    List<Entity> famous = w.entities().stream().filter(Entity::famous).toList();
    assertThat(unasked).hasSize(famous.size());
    for (int i = 0; i < famous.size(); i++) {
      Entity x = famous.get(i);
      Entity f = w.entity(x.friend());
      Question q = unasked.get(i);
      assertThat(q.question()).isEqualTo("what is the friend of the friend of " + x.name() + " ?");
      assertThat(q.goldenAnswers()).containsExactly(f.friend());
      assertThat(q.kind()).isEqualTo(f.famous() ? QuestionKind.H2_0 : QuestionKind.H2_1);
      assertThat(q.minCalls()).isEqualTo(f.famous() ? 0 : 1);
      assertThat(q.id()).isEqualTo(String.format("%s-unasked-%04d", f.famous() ? "2h0" : "2h1", i));
    }
    // both kinds, so the rows teach which friends are known rather than a leaning either way
    assertThat(unasked).extracting(Question::kind).contains(QuestionKind.H2_0, QuestionKind.H2_1);
  }

  @Test
  void everyUnaskedAttributeOfAFamousEntitysUnknownFriendPlusTheFriendOfEachFamousEntitysFriend() {
    World w = WorldGenerator.generate(FEWER_TWO_HOP);
    Set<String> asked = w.questions().stream().map(Question::question).collect(Collectors.toSet());
    List<Question> unasked = UnaskedFriendQuestions.of(w);
    // expected, written out from the entities: famous x; with an unknown friend each attribute whose question no split
    // has; and for every famous x the friend of its friend
    Set<String> expected = new HashSet<>();
    int attributes = 0;
    for (Entity x : w.entities()) {
      if (!x.famous()) {
        continue;
      }
      expected.add("what is the friend of the friend of " + x.name() + " ?");
      if (!w.entity(x.friend()).famous()) {
        for (String r : List.of("city", "year", "color", "job")) {
          String text = "what is the " + r + " of the friend of " + x.name() + " ?";
          if (!asked.contains(text)) {
            expected.add(text);
            attributes++;
          }
        }
      }
    }
    assertThat(attributes).isPositive();
    assertThat(unasked).extracting(Question::question).containsExactlyInAnyOrderElementsOf(expected);
    for (Question q : unasked) {
      Entity x = w.entity(q.subject());
      Entity f = w.entity(q.via());
      assertThat(x.famous()).isTrue();
      assertThat(x.friend()).isEqualTo(f.name());
      assertThat(q.kind()).isEqualTo(f.famous() ? QuestionKind.H2_0 : QuestionKind.H2_1);
      assertThat(q.minCalls()).isEqualTo(f.famous() ? 0 : 1);
      assertThat(q.goldenAnswers()).containsExactly(f.fact(q.relation()));
      assertThat(q.split()).isEqualTo("train");
      assertThat(asked).doesNotContain(q.question());
    }
    assertThat(unasked).extracting(Question::id).doesNotHaveDuplicates();
  }

  @Test
  void theFriendOfTheFriendIsRecalledThroughAFamousFriendAndSearchedForAnUnknownOne() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    WordTokenizer tk = WorldTasks.tokenizer();
    Demonstrations demos = new Demonstrations(w, new TaskFormat(tk, new InProcessTools(w.corpus()), 1), true);
    Question known = UnaskedFriendQuestions.of(w).stream().filter(q -> q.kind() == QuestionKind.H2_0).findFirst().orElseThrow();
    Question unknown = UnaskedFriendQuestions.of(w).stream().filter(q -> q.kind() == QuestionKind.H2_1).findFirst().orElseThrow();
    String f = known.via();
    String g = w.entity(f).friend();
    assertThat(tk.decode(demos.demo(known, true).tokens())).endsWith(" <think> the friend of " + known.subject() + " is " + f
        + " . the friend of " + f + " is " + g + " </think> <answer> " + g + " </answer>");
    String text = tk.decode(demos.demo(unknown, true).tokens());
    assertThat(text).contains(" <think> the friend of " + unknown.subject() + " is " + unknown.via() + " </think> <search> "
        + unknown.via() + " </search>");
    assertThat(text).endsWith("<answer> " + w.entity(unknown.via()).friend() + " </answer>");
  }

  @Test
  void withTheFlagDecisionRowsComeFromThemTooAndNoHeldOutQuestionAppears() {
    World w = WorldGenerator.generate(FEWER_TWO_HOP);
    WordTokenizer tk = WorldTasks.tokenizer();
    WarmStartConfig on = WarmStartConfig.defaults();
    assertThat(on.friendQuestions()).as("on by default").isTrue();
    assertThat(on.canonical()).endsWith(" friendcurriculum friendquestions famouscurriculum");
    WarmStartConfig d = on.toBuilder().friendQuestions(false).famousCurriculum(false).build();
    assertThat(d.canonical()).endsWith(" friendcurriculum");
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
