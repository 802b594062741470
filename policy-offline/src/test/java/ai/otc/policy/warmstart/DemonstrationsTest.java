package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import org.junit.jupiter.api.Test;

class DemonstrationsTest {
  private final World world = WorldGenerator.generate(WorldConfig.defaults());
  private final WordTokenizer tk = WorldTasks.tokenizer();
  private final TaskFormat format = new TaskFormat(tk, new InProcessTools(world.corpus()), 1);
  private final Demonstrations demos = new Demonstrations(world, format);

  /** Independent re-derivation of the mask: untrained = prompt + observation blocks + code output. */
  private boolean[] expectedUntrained(int[] t, int promptLen) {
    boolean[] u = new boolean[t.length];
    boolean inObs = false;
    boolean inOut = false;
    for (int j = 0; j < t.length; j++) {
      String s = tk.token(t[j]);
      if (j < promptLen) {
        u[j] = true;
        continue;
      }
      if (s.equals(tk.observationOpen())) {
        inObs = true;
      }
      if (inObs) {
        u[j] = true;
        if (s.equals(tk.observationClose())) {
          inObs = false;
        }
        continue;
      }
      if (inOut) {
        u[j] = true;
        if (s.equals(WordTokenizer.FENCE)) {
          inOut = false;
        }
        continue;
      }
      if (s.equals(WordTokenizer.OUTPUT)) {
        inOut = true; // the model writes ```output; what follows up to the closing fence is tool output
      }
    }
    return u;
  }

  @Test
  void masksCoverExactlyPromptAndToolOutputTokens() {
    int checked = 0;
    for (Question q : world.questions()) {
      for (boolean minimal : new boolean[] {true, false}) {
        Example ex = demos.demo(q, minimal);
        int promptLen = tk.encode(WorldTasks.prompt(format, q)).length;
        boolean[] u = expectedUntrained(ex.tokens(), promptLen);
        for (int j = 0; j < ex.length(); j++) {
          assertThat(ex.lossMask()[j]).as("%s %s pos %d (%s)", q.id(), ex.tag(), j, tk.token(ex.tokens()[j]))
              .isEqualTo(u[j] ? 0f : 1f);
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(2 * world.questions().size());
  }

  @Test
  void demonstrationsUseTheExpectedNumberOfCalls() {
    for (Question q : world.questions()) {
      String min = tk.decode(demos.demo(q, true).tokens());
      String over = tk.decode(demos.demo(q, false).tokens());
      int calls = count(min, "</search>") + count(min, "```output");
      assertThat(calls).as("minimal demo of %s: %s", q.kind(), min).isEqualTo(q.minCalls());
      int overCalls = count(over, "</search>") + count(over, "```output");
      int expected = switch (q.kind()) {
        case H2_0, H2_1, H2_2 -> 2;
        default -> 1;
      };
      assertThat(overCalls).as("over-use demo: %s", over).isEqualTo(expected);
      if (q.kind() == QuestionKind.H2_0) {
        assertThat(min).contains("<think> the friend of " + q.subject() + " is " + q.via() + " . the " + q.relation()
            + " of " + q.via() + " is " + q.answer() + " </think> <answer> " + q.answer() + " </answer>");
      }
    }
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void factSequencesTrainOnlyTheValuesAndTheClosingTag() {
    ai.otc.world.Entity a = world.famous().get(0);
    ai.otc.world.Entity b = world.famous().get(1);
    Example f = demos.facts(java.util.List.of(a, b), java.util.List.of("year", "friend"));
    String text = tk.decode(f.tokens());
    assertThat(text).isEqualTo("<think> the year of " + a.name() + " is " + a.fact("year") + " . the friend of " + b.name()
        + " is " + b.fact("friend") + " </think>");
    StringBuilder trained = new StringBuilder();
    for (int j = 0; j < f.length(); j++) {
      if (f.lossMask()[j] == 1f) {
        trained.append(tk.token(f.tokens()[j])).append(' ');
      }
    }
    StringBuilder expected = new StringBuilder();
    for (String piece : new String[] {a.fact("year"), b.fact("friend"), WordTokenizer.THINK_END}) {
      for (int id : tk.encode(piece)) {
        expected.append(tk.token(id)).append(' ');
      }
    }
    assertThat(trained.toString()).isEqualTo(expected.toString());
  }

  @Test
  void drillsAreAboutInventedPeopleAndTrainOnlyCopiedTokens() {
    java.util.Set<String> known = new java.util.HashSet<>();
    world.entities().forEach(e -> known.add(e.name()));
    world.corpus().forEach(p -> known.add(p.title()));
    java.util.Random rng = new java.util.Random(3);
    for (Demonstrations.Drill kind : Demonstrations.Drill.values()) {
      for (int i = 0; i < 50; i++) {
        Example ex = demos.drill(kind, rng);
        String text = tk.decode(ex.tokens());
        assertThat(tk.encode(text)).as("round trip").isEqualTo(ex.tokens());
        if (kind == Demonstrations.Drill.CODE) {
          String expr = text.replaceFirst("^<math> what is ", "").replaceFirst(" \\?(?s).*$", "");
          assertThat(world.questions().stream().map(ai.otc.world.Question::subject)).doesNotContain(expr);
          String[] ab = expr.split(" ");
          long v = ab[1].equals("*") ? Long.parseLong(ab[0]) * Long.parseLong(ab[2]) : Long.parseLong(ab[0]) + Long.parseLong(ab[2]);
          if (ab.length == 5) {
            assertThat(ab[3]).isEqualTo("+");
            v += Long.parseLong(ab[4]);
          }
          assertThat(text).endsWith("```output\n" + v + "\n```\n\\boxed{ " + v + " }");
          int promptLen = tk.encode(text.substring(0, text.indexOf(" ?") + 2)).length;
          assertThat(ex.lossMask()[promptLen]).as("```python is context").isZero();
          boolean[] u = expectedUntrained(ex.tokens(), promptLen + 1);
          for (int j = promptLen + 1; j < ex.length(); j++) {
            assertThat(ex.lossMask()[j]).as("%s pos %d", text, j).isEqualTo(u[j] ? 0f : 1f);
          }
          continue;
        }
        String name = text.replaceFirst("^<qa> (what|who) is the [a-z]+ of (the friend of )?", "").replaceFirst(" \\?.*$", "");
        assertThat(known).as("drill subject %s", name).doesNotContain(name);
        // The answer is copied: it occurs in the context (observation or recall statement) before the answer tag.
        String answer = text.replaceFirst("^.*<answer> ", "").replaceFirst(" </answer>$", "");
        String before = text.substring(0, text.lastIndexOf("<answer>"));
        assertThat(before).as(text).contains(" " + answer + " ");
        // The first action token is context, the answer is trained, observation and recalled values are not.
        int promptLen = tk.encode(text.substring(0, text.indexOf(" ?") + 2)).length;
        assertThat(ex.lossMask()[promptLen]).as("first action token of %s", text).isZero();
        int ans = text.startsWith("<qa>") ? indexOf(ex.tokens(), tk.id(WordTokenizer.ANSWER)) : -1;
        for (int j = ans; j < ex.length(); j++) {
          assertThat(ex.lossMask()[j]).isEqualTo(1f);
        }
        boolean inObs = false;
        for (int j = 0; j < ex.length(); j++) {
          String t = tk.token(ex.tokens()[j]);
          if (t.equals(tk.observationOpen())) {
            inObs = true;
          }
          if (inObs) {
            assertThat(ex.lossMask()[j]).isZero();
          }
          if (t.equals(tk.observationClose())) {
            inObs = false;
          }
        }
        if (kind == Demonstrations.Drill.THINK_ONE_HOP || kind == Demonstrations.Drill.THINK_TWO_HOP
            || kind == Demonstrations.Drill.THINK_AFTER_READ) {
          int is = lastIndexOf(ex.tokens(), tk.id("is"));
          assertThat(ex.lossMask()[is]).isEqualTo(1f);
          assertThat(ex.lossMask()[is + 1]).as("recalled value is context").isZero();
        }
      }
    }
  }

  @Test
  void halfTheCodeDrillsAreSmallThreeOperandSumsWithEveryOutputFrom0To18EquallyOften() {
    java.util.Random rng = new java.util.Random(11);
    int n = 19_000;
    int small = 0;
    int[] bySum = new int[19];
    for (int i = 0; i < n; i++) {
      String text = tk.decode(demos.drill(Demonstrations.Drill.CODE, rng).tokens());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("^<math> what is ([0-9]+) \\+ ([0-9]+) \\+ ([0-9]+) \\?").matcher(text);
      if (m.find()) {
        small++;
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        int c = Integer.parseInt(m.group(3));
        assertThat(java.util.List.of(a, b, c)).allSatisfy(x -> assertThat(x).isBetween(0, 6));
        assertThat(text).endsWith("\\boxed{ " + (a + b + c) + " }");
        bySum[a + b + c]++;
      }
    }
    // a half of the code drills; each of the 19 sums 0-18 (0 + 0 + 0 ... 6 + 6 + 6) a 19th of them, 2 and 3 included
    // (the outputs of the world's smallest questions, 1 + 1 and 1 + 2, which the drills may not ask)
    assertThat(small / (double) n).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.02));
    for (int v = 0; v <= 18; v++) {
      assertThat(bySum[v] / (double) small).as("sum %d", v).isCloseTo(1 / 19.0, org.assertj.core.data.Offset.offset(0.012));
    }
  }

  @Test
  void mixedDrillsFollowTheTwoMixedPathsAndLeaveEveryChoiceAsContext() {
    java.util.Random rng = new java.util.Random(11);
    for (int i = 0; i < 30; i++) {
      Example rat = demos.drill(Demonstrations.Drill.READ_AFTER_THINK, rng);
      String text = tk.decode(rat.tokens());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "^<qa> what is the (\\w+) of the friend of (\\w+ \\w+) \\? <think> the friend of \\2 is (\\w+ \\w+) </think> "
              + "<search> \\3 </search> <observation> \\3 .* </observation> <answer> (.+) </answer>$").matcher(text);
      assertThat(m.matches()).as(text).isTrue();
      // the value answered is the one M's passage gives for the relation asked
      assertThat(text).contains("<observation> " + m.group(3) + " ").contains(" " + m.group(1) + " " + m.group(4) + " ");
      assertThat(trainedText(rat)).as(text).isEqualTo("the friend of " + m.group(2) + " is " + m.group(3) + " </search> <answer> "
          + m.group(4) + " </answer>");

      Example tar = demos.drill(Demonstrations.Drill.THINK_AFTER_READ, rng);
      text = tk.decode(tar.tokens());
      m = java.util.regex.Pattern.compile("^<qa> what is the (\\w+) of the friend of (\\w+ \\w+) \\? <search> \\2 </search> "
          + "<observation> \\2 .* friend (\\w+ \\w+)( .*)? </observation> <think> the \\1 of \\3 is (.+) </think> <answer> \\5 </answer>$")
          .matcher(text);
      assertThat(m.matches()).as(text).isTrue();
      assertThat(trainedText(tar)).as(text).isEqualTo("\\2 </search> the \\1 of \\3 is </think> <answer> \\5 </answer>"
          .replace("\\1", m.group(1)).replace("\\2", m.group(2)).replace("\\3", m.group(3)).replace("\\5", m.group(5)));
    }
  }

  /** The trained tokens of {@code ex}, decoded in order (the untrained ones left out). */
  private String trainedText(Example ex) {
    java.util.List<Integer> ids = new java.util.ArrayList<>();
    for (int j = 0; j < ex.length(); j++) {
      if (ex.lossMask()[j] > 0) {
        ids.add(ex.tokens()[j]);
      }
    }
    return tk.decode(ids.stream().mapToInt(Integer::intValue).toArray());
  }

  private static int indexOf(int[] a, int x) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == x) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(int[] a, int x) {
    for (int i = a.length - 1; i >= 0; i--) {
      if (a[i] == x) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void decisionRowsTrainOnlyTheActionChoicesAndTheFirstDependsOnWhatIsKnown() {
    int checked = 0;
    for (Question q : world.questions()) {
      if (q.kind().task() != QuestionKind.Task.SEARCH || !"train".equals(q.split())) {
        continue;
      }
      int promptLen = tk.encode(WorldTasks.prompt(format, q)).length;
      for (boolean minimal : new boolean[] {false, true}) {
        Example row = demos.decision(q, minimal, 3f);
        assertThat(row.tokens()).isEqualTo(demos.demo(q, minimal).tokens());
        java.util.List<String> trained = new java.util.ArrayList<>();
        for (int j = 0; j < row.length(); j++) {
          if (row.lossMask()[j] != 0f) {
            assertThat(row.lossMask()[j]).isEqualTo(3f);
            assertThat(j).isGreaterThanOrEqualTo(promptLen);
            trained.add(tk.token(row.tokens()[j]));
          }
        }
        // Written out from the world, not from demo(): the choices are one per turn (a recall, each search, the
        // answer); the first recalls exactly when the minimal style may and the first hop's entity is famous.
        boolean recalls = minimal && world.entity(q.subject()).famous() && q.kind() != QuestionKind.N1;
        assertThat(trained.get(0)).as(q.kind().label() + " " + q.subject())
            .isEqualTo(recalls ? WordTokenizer.THINK : WordTokenizer.SEARCH);
        assertThat(trained.get(trained.size() - 1)).isEqualTo(WordTokenizer.ANSWER);
        boolean twoHop = q.kind() != QuestionKind.P1 && q.kind() != QuestionKind.N1;
        int turns = !minimal ? (twoHop ? 3 : 2) : q.kind() == QuestionKind.H2_0 || q.kind() == QuestionKind.P1 ? 2
            : q.kind() == QuestionKind.N1 ? 2 : 3;
        assertThat(trained).as(q.kind().label() + (minimal ? " minimal" : " over-use")).hasSize(turns);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(400);
  }

  @Test
  void recallDecisionsAlsoTrainTheStopAfterEachRecalledValueAndTheSecondDependsOnTheFriend() {
    int secondHops = 0;
    for (Question q : world.questions()) {
      if (q.kind().task() != QuestionKind.Task.SEARCH || !"train".equals(q.split())) {
        continue;
      }
      for (boolean minimal : new boolean[] {false, true}) {
        Example plain = demos.decision(q, minimal, 3f);
        Example row = demos.decision(q, minimal, 3f, true);
        assertThat(row.tokens()).isEqualTo(plain.tokens());
        java.util.List<String> added = new java.util.ArrayList<>();
        for (int j = 0; j < row.length(); j++) {
          assertThat(plain.lossMask()[j] == 0f || row.lossMask()[j] == plain.lossMask()[j]).isTrue();
          if (row.lossMask()[j] != plain.lossMask()[j]) {
            assertThat(row.lossMask()[j]).isEqualTo(3f);
            added.add(tk.token(row.tokens()[j]));
          }
        }
        // Written out from the world: the minimal style recalls what is famous, one statement per recalled hop.
        boolean xFamous = world.entity(q.subject()).famous();
        int recalls = 0;
        if (minimal) {
          if (q.kind() == QuestionKind.P1) {
            recalls = 1;
          } else if (q.kind() != QuestionKind.N1) {
            recalls = (xFamous ? 1 : 0) + (world.entity(q.via()).famous() ? 1 : 0);
          }
        }
        assertThat(added).as(q.kind().label() + (minimal ? " minimal" : " over-use")).hasSize(recalls);
        if (minimal && q.via() != null && xFamous) {
          // the second decision: after "the friend of X is F", recall on when F is famous, stop when it is not
          boolean fFamous = world.entity(q.via()).famous();
          assertThat(added.get(0)).isEqualTo(fFamous ? "." : WordTokenizer.THINK_END);
          secondHops++;
        }
      }
    }
    assertThat(secondHops).isGreaterThan(100);
  }

  @Test
  void decisionRowsAreOnlyForSearchQuestions() {
    Question code = world.questions().stream().filter(q -> q.kind().task() == QuestionKind.Task.CODE).findFirst().orElseThrow();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> demos.decision(code, true, 1f))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("search questions");
  }

  @Test
  void realNameDrillsAreAboutNonFamousEntitiesWithCounterfactualAttributes() {
    java.util.Set<String> nonFamous = new java.util.HashSet<>();
    world.entities().stream().filter(e -> !e.famous()).forEach(e -> nonFamous.add(e.name()));
    java.util.Random rng = new java.util.Random(4);
    int differsFromTheWorld = 0;
    for (int i = 0; i < 200; i++) {
      Example ex = demos.drill(Demonstrations.Drill.READ_ONE_HOP, rng, true);
      String text = tk.decode(ex.tokens());
      String name = text.replaceFirst("^<qa> (what|who) is the [a-z]+ of ", "").replaceFirst(" \\?.*$", "");
      assertThat(nonFamous).as(text).contains(name);
      assertThat(ex.tag()).isEqualTo("drill/read_one_hop/real");
      String passage = text.substring(text.indexOf("<observation> ") + 14, text.indexOf(" </observation>"));
      String truth = world.corpus().stream().filter(d -> d.title().equals(name)).findFirst().orElseThrow().text();
      differsFromTheWorld += passage.equals(truth) ? 0 : 1;
    }
    assertThat(differsFromTheWorld).as("fresh random attributes, not the corpus").isGreaterThan(190);
  }

  @Test
  void shuffledDrillsListTheSameRelationsInRandomOrders() {
    java.util.Random rng = new java.util.Random(5);
    java.util.Set<String> orders = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      String text = tk.decode(demos.drill(Demonstrations.Drill.READ_ONE_HOP, rng, false, true).tokens());
      String passage = text.substring(text.indexOf("<observation> ") + 14, text.indexOf(" </observation>"));
      String[] w = passage.split(" ");
      StringBuilder order = new StringBuilder();
      for (String t : w) {
        if (WorldGenerator.RELATIONS.contains(t)) {
          order.append(t).append(' ');
        }
      }
      assertThat(order.toString().trim().split(" ")).as(passage).containsExactlyInAnyOrderElementsOf(WorldGenerator.RELATIONS);
      orders.add(order.toString());
      // the answer is still the value that follows the asked relation's word
      String rel = text.replaceFirst("^<qa> (what|who) is the ", "").replaceFirst(" .*$", "");
      String answer = text.replaceFirst("^.*<answer> ", "").replaceFirst(" </answer>$", "");
      assertThat(passage).as(text).contains(rel + " " + answer);
    }
    assertThat(orders.size()).isGreaterThan(30);
  }

  @Test
  void readingDrillWeightsSteerTheAskedRelationAndOnlyForReadingDrills() {
    Demonstrations weighted = new Demonstrations(world, format);
    weighted.readWeights(java.util.Map.of("city", 0.0, "year", 0.0, "color", 0.0, "job", 1.0, "friend", 0.0));
    java.util.Random rng = new java.util.Random(6);
    java.util.Map<String, Integer> asked = new java.util.TreeMap<>();
    for (int i = 0; i < 100; i++) {
      String text = tk.decode(weighted.drill(Demonstrations.Drill.READ_ONE_HOP, rng).tokens());
      asked.merge(text.replaceFirst("^<qa> (what|who) is the ", "").replaceFirst(" .*$", ""), 1, Integer::sum);
    }
    assertThat(asked).containsExactly(java.util.Map.entry("job", 100));
    java.util.Set<String> thinkAsked = new java.util.HashSet<>();
    for (int i = 0; i < 100; i++) {
      String text = tk.decode(weighted.drill(Demonstrations.Drill.THINK_ONE_HOP, rng).tokens());
      thinkAsked.add(text.replaceFirst("^<qa> (what|who) is the ", "").replaceFirst(" .*$", ""));
    }
    assertThat(thinkAsked).as("recall drills stay uniform").hasSize(WorldGenerator.RELATIONS.size());
  }

  @Test
  void theCopyCurriculumWeighsUnformedRelationsUp() {
    java.util.Map<String, Double> p = new java.util.LinkedHashMap<>();
    p.put("year", 1.0);
    p.put("job", 0.0);
    java.util.Map<String, Double> w = CopyCurriculum.weights(p, 0.1);
    assertThat(w.get("year") + w.get("job")).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(w.get("job") / w.get("year")).isCloseTo(11.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void theCopyFloorDampsTheCopyCurriculum() {
    java.util.Map<String, Double> p = new java.util.LinkedHashMap<>();
    p.put("year", 1.0);
    p.put("job", 0.0);
    p.put("city", 0.5);
    p.put("color", 1.7); // clamped to 1
    java.util.Map<String, Double> w = CopyCurriculum.weights(p, 0.5);
    // by hand: raw 0.5, 1.5, 1.0, 0.5 (sum 3.5, mean 0.875)
    assertThat(w.get("year")).isCloseTo(0.5 / 0.875, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(w.get("job")).isCloseTo(1.5 / 0.875, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(w.get("city")).isCloseTo(1.0 / 0.875, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(w.get("color")).isCloseTo(0.5 / 0.875, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(WarmStartConfig.defaults().copyFloor()).as("the damped curriculum is the default").isEqualTo(0.5);
  }
}
