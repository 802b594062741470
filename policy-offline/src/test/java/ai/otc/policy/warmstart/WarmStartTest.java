package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.world.Question;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarmStartTest {
  @TempDir Path tmp;

  @Test
  void heldOutQuestionsNeverAppearAndTheMixtureHasEveryPart() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    WordTokenizer tk = WorldTasks.tokenizer();
    WarmStart ws = new WarmStart(w, new TaskFormat(tk, new InProcessTools(w.corpus()), 1), WarmStartConfig.defaults());
    Set<String> heldOut = w.questions().stream().filter(q -> !Split.TRAIN.label().equals(q.split()))
        .map(Question::question).collect(Collectors.toSet());
    Map<String, Integer> tags = new HashMap<>();
    Random rng = new Random(1);
    int n = 20_000;
    int decisions = 0;
    for (int i = 0; i < n; i++) {
      Example ex = ws.draw(rng);
      tags.merge(ex.tag().replaceAll("/.*", ""), 1, Integer::sum);
      decisions += ex.tag().endsWith("/decision") ? 1 : 0;
      String text = tk.decode(ex.tokens());
      if (text.startsWith("<qa> ") || text.startsWith("<math> ")) {
        String q = text.substring(text.indexOf(' ') + 1, text.indexOf(" ?") + 2);
        assertThat(heldOut).as("held-out question in the warm start").doesNotContain(q);
      }
    }
    WarmStartConfig c = WarmStartConfig.defaults();
    assertThat(tags.get("drill") / (double) n).isCloseTo(c.drillShare(), org.assertj.core.data.Offset.offset(0.02));
    assertThat(tags.get("fact") / (double) n).isCloseTo(c.factShare(), org.assertj.core.data.Offset.offset(0.02));
    assertThat(decisions / (double) n).isCloseTo(c.decisionShare(), org.assertj.core.data.Offset.offset(0.02));
    assertThat(tags).containsKeys("1p", "1n", "2h0", "2h1", "2h2", "easy", "hard");
  }

  @Test
  void aFinishedWarmStartIsCachedAndReused() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WarmStartConfig c = WarmStartConfig.defaults().withSteps(3);
    WarmStartConfig small = c.toBuilder().basic().batchSize(8).warmupSteps(1).topK(1).seed(0).build();
    ModelConfig m = ModelConfig.tiny(0);
    WarmStartRunner.Outcome first = WarmStartRunner.obtain(w, m, small, tmp, false, null);
    assertThat(first.cached()).isFalse();
    assertThat(first.training().steps()).isEqualTo(3);
    assertThat(Files.isRegularFile(first.artifact())).isTrue();
    WarmStartRunner.Outcome second = WarmStartRunner.obtain(w, m, small, tmp, false, null);
    assertThat(second.cached()).isTrue();
    assertThat(second.artifact()).isEqualTo(first.artifact());
    WarmStartRunner.Outcome other = WarmStartRunner.obtain(w, m, small.withSteps(4), tmp, false, null);
    assertThat(other.cached()).isFalse();
    assertThat(other.artifact()).isNotEqualTo(first.artifact());
  }

  @Test
  void sameFlagsGiveBitIdenticalWeightsAndTheArtifactRecordsSeedsAndMachine() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStartConfig small = d.toBuilder().basic().steps(6).batchSize(8).warmupSteps(2).decisionShare(0.1).decisionWeight(4.0)
        .trainReadValues(false).topK(1).seed(3).build();
    ModelConfig m = new ModelConfig(0, 32, 2, 2, 64, 128, false, "cpu", 2);
    PolicyArtifact a = PolicyArtifact.load(WarmStartRunner.obtain(w, m, small, tmp.resolve("a"), true, null).artifact());
    PolicyArtifact b = PolicyArtifact.load(WarmStartRunner.obtain(w, m, small, tmp.resolve("b"), true, null).artifact());
    assertThat(b.checksum()).as("weights of two runs with the same flags").isEqualTo(a.checksum());
    WarmStartConfig otherSeed = small.toBuilder().seed(4).build();
    PolicyArtifact c = PolicyArtifact.load(WarmStartRunner.obtain(w, m, otherSeed, tmp.resolve("c"), true, null).artifact());
    assertThat(c.checksum()).as("another demonstration seed").isNotEqualTo(a.checksum());

    Map<String, Object> p = a.provenance();
    assertThat(p).containsEntry("model_seed", 2).containsEntry("warmstart_seed", 3).containsEntry("world_seed", 0);
    assertThat(p).containsKeys("cpu_model", "cpu_vector_extensions", "engine_threads", "engine_interop_threads",
        "omp_wait_policy");
    assertThat(String.valueOf(p.get("engine_threads"))).matches("\\d+");
  }

  @Test
  void theCopyCurriculumMeasuresEveryHundredStepsAndStaysBitReproducible() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WarmStartConfig d = WarmStartConfig.defaults();
    assertThat(d.copyCurriculum()).as("on by default").isTrue();
    assertThat(d.mixedDrills()).as("on by default").isTrue();
    WarmStartConfig curriculum = d.toBuilder().basic().steps(102).batchSize(8).warmupSteps(2).factShare(0.1).drillShare(0.8)
        .copyCurriculum(true).mixedDrills(true).decisionShare(0.0).decisionWeight(1.0).trainReadValues(true).topK(1).seed(3)
        .build();
    ModelConfig m = new ModelConfig(0, 16, 1, 2, 32, 128, false, "cpu", 2);
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    PolicyArtifact a = PolicyArtifact.load(WarmStartRunner.obtain(w, m, curriculum, tmp.resolve("cc-a"), true,
        new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8)).artifact());
    assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8))
        .containsPattern("warmstart step 101/102  copy from an observation, p per relation: city [0-9.]+ year [0-9.]+ color [0-9.]+ job [0-9.]+ friend [0-9.]+; "
            + "drill kinds read_one_hop [0-9.]+ read_two_hop [0-9.]+ think_one_hop [0-9.]+ think_two_hop [0-9.]+ read_after_think [0-9.]+ think_after_read [0-9.]+; floor 0.10\n");
    PolicyArtifact b = PolicyArtifact.load(WarmStartRunner.obtain(w, m, curriculum, tmp.resolve("cc-b"), true, null).artifact());
    assertThat(b.checksum()).as("the curriculum's measurement is deterministic").isEqualTo(a.checksum());
    assertThat(curriculum.canonical()).endsWith(" copycurriculum mixeddrills");
    // the damped curriculum: its own key, and the floor reaches the curriculum (the tiny model copies nothing yet, so
    // every relation weighs the same at any floor; the weights per floor are DemonstrationsTest's)
    WarmStartConfig damped = curriculum.toBuilder().copyFloor(0.5).build();
    assertThat(damped.canonical()).endsWith(" copycurriculum copyfloor=0.5000 mixeddrills");
    java.io.ByteArrayOutputStream dampedLog = new java.io.ByteArrayOutputStream();
    WarmStartRunner.obtain(w, m, damped, tmp.resolve("cc-c"), true,
        new java.io.PrintStream(dampedLog, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(dampedLog.toString(java.nio.charset.StandardCharsets.UTF_8))
        .containsPattern("warmstart step 101/102  copy from an observation, p per relation: .*; floor 0.50\n");
  }

  /** {@code c} with the copy gate at {@code until}. */
  private static WarmStartConfig gated(WarmStartConfig c, double until) {
    return c.toBuilder().copyUntil(until).build();
  }

  /** 200 scheduled steps of a 16-wide model, which copies nothing yet: the gate's bound is 100 steps. */
  private static WarmStartConfig gateRun(boolean copyCurriculum, double until) {
    WarmStartConfig d = WarmStartConfig.defaults();
    return d.toBuilder().basic().steps(200).batchSize(4).warmupSteps(2).factShare(0.3).drillShare(0.4)
        .copyCurriculum(copyCurriculum).copyFloor(0.5).copyUntil(until).mixedDrills(true).decisionShare(0.2).decisionWeight(4.0)
        .recallDecisions(true).trainReadValues(true).topK(1).seed(3).build();
  }

  private static final ModelConfig GATE_MODEL = new ModelConfig(0, 16, 1, 2, 32, 128, false, "cpu", 2);

  @Test
  void theCopyGateAddsStepsUntilItsBoundWhileACopyHasNotFormed() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    assertThat(WarmStartConfig.defaults().copyUntil()).as("on by default").isEqualTo(0.95);
    WarmStartConfig c = gateRun(true, 0.95);
    assertThat(c.copyExtensionMax()).isEqualTo(100);
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    WarmStartRunner.Outcome run = WarmStartRunner.obtain(w, GATE_MODEL, c, tmp.resolve("g-a"), true,
        new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(run.training().steps()).isEqualTo(300);
    assertThat(run.training().copyGateSteps()).isEqualTo(100);
    String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).containsPattern("warmstart step 200/200  copy gate \\(every relation and the program output >= 0.95\\): city [0-9.]+ year [0-9.]+ color "
        + "[0-9.]+ job [0-9.]+ friend [0-9.]+; drill kinds .*; program output [0-9.]+; floor 0.50  not formed: 100 more steps, half of their rows copy "
        + "drills \\(at most 100 in all\\)\n");
    assertThat(text).containsPattern("warmstart step 300/200  copy gate \\(every relation and the program output >= 0.95\\): .*  NOT FORMED at the bound "
        + "of 100 extra steps \\(--copy-until\\)\n");
    assertThat(text).containsPattern("warmstart step 300/<=300  loss [0-9.]+ .* ETA <=0s\n");
    assertThat(text).contains("warmstart: done in ").contains(", 300 steps of which 100 the copy gate's (--copy-until)");
    assertThat(w.split(Split.TRAIN)).as("the gate measures the train easy questions' programs").anyMatch(
        q -> q.kind() == ai.otc.world.QuestionKind.EASY);
    PolicyArtifact a = PolicyArtifact.load(run.artifact());
    assertThat(a.provenance()).containsEntry("train_steps", 300).containsEntry("copy_gate_steps", 100);
    PolicyArtifact off = PolicyArtifact.load(WarmStartRunner.obtain(w, GATE_MODEL, gated(c, 0), tmp.resolve("g-c"), true, null)
        .artifact());
    assertThat(off.checksum()).as("the gate's 100 steps trained the model").isNotEqualTo(a.checksum());
    assertThat(off.provenance()).containsEntry("train_steps", 200).containsEntry("copy_gate_steps", 0);

    // without the copy curriculum the gate measures on its own probes and still extends the run, deterministically
    WarmStartConfig alone = gateRun(false, 0.95);
    PolicyArtifact x = PolicyArtifact.load(WarmStartRunner.obtain(w, GATE_MODEL, alone, tmp.resolve("g-d"), true, null).artifact());
    assertThat(x.provenance()).containsEntry("train_steps", 300);
    PolicyArtifact y = PolicyArtifact.load(WarmStartRunner.obtain(w, GATE_MODEL, alone, tmp.resolve("g-e"), true, null).artifact());
    assertThat(y.checksum()).as("the gate's measurement and rows are deterministic").isEqualTo(x.checksum());
  }

  @Test
  void aCopyGateThatFindsEveryCopyFormedChangesNoBitOfTheRun() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WarmStartConfig c = gateRun(true, 1e-12);
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    WarmStartRunner.Outcome run = WarmStartRunner.obtain(w, GATE_MODEL, c, tmp.resolve("f-a"), true,
        new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(run.training().steps()).isEqualTo(200);
    assertThat(run.training().copyGateSteps()).isZero();
    assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8))
        .containsPattern("warmstart step 200/200  copy gate \\(every relation and the program output >= 0.00\\): .*; floor 0.50  formed\n")
        .doesNotContain("of which");
    PolicyArtifact off = PolicyArtifact.load(WarmStartRunner.obtain(w, GATE_MODEL, gated(c, 0), tmp.resolve("f-b"), true, null)
        .artifact());
    assertThat(PolicyArtifact.load(run.artifact()).checksum()).as("the gate only measured").isEqualTo(off.checksum());
    assertThat(c.canonical()).contains(" copyuntil=0.0000");
    assertThat(gated(c, 0).canonical()).doesNotContain("copyuntil");
    // under 200 scheduled steps the bound is 0: no gate, no measurement, the tiny warm starts of tests as they were
    java.io.ByteArrayOutputStream tinyLog = new java.io.ByteArrayOutputStream();
    WarmStartConfig tiny = WarmStartConfig.defaults().withSteps(4);
    assertThat(tiny.copyExtensionMax()).isZero();
    WarmStartRunner.Outcome t = WarmStartRunner.obtain(w, GATE_MODEL, tiny.toBuilder().basic().batchSize(4).warmupSteps(1)
        .copyCurriculum(true).copyFloor(0.5).copyUntil(0.95).mixedDrills(true).recallDecisions(true).decisionCurriculum(true)
        .friendCurriculum(true).trainReadValues(true).topK(1).seed(0).build(), tmp.resolve("f-c"),
        true, new java.io.PrintStream(tinyLog, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(t.training().steps()).isEqualTo(4);
    assertThat(tinyLog.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("copy gate");
  }

  @Test
  void theCopyGatesRowsAreHalfCopyDrillsAndHalfTheMixture() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStart ws = new WarmStart(w, new TaskFormat(WorldTasks.tokenizer(), new InProcessTools(w.corpus()), 1), d);
    Random rng = new Random(9);
    Map<String, Integer> gateTags = new HashMap<>();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      gateTags.merge(ws.row(rng, true).tag().replaceAll("/.*", ""), 1, Integer::sum);
    }
    // by hand: 0.5 drills, plus half the mixture's 0.4 drills and 0.3 facts
    assertThat(gateTags.get("drill") / (double) n).isCloseTo(0.5 + 0.5 * d.drillShare(), org.assertj.core.data.Offset.offset(0.015));
    assertThat(gateTags.get("fact") / (double) n).isCloseTo(0.5 * d.factShare(), org.assertj.core.data.Offset.offset(0.015));
    // outside the gate no extra draw: the same stream as draw()
    Random a = new Random(4);
    Random b = new Random(4);
    for (int i = 0; i < 50; i++) {
      assertThat(ws.row(a, false).tokens()).isEqualTo(ws.draw(b).tokens());
    }
  }

  @Test
  void theCopyGatesBoundIsHalfTheScheduleInWholeIntervalsRoundedDown() {
    WarmStartConfig d = WarmStartConfig.defaults();
    // by hand: 2,000 x 0.5 = 1,000; 2,400 -> 1,200; 2,645 x 0.5 = 1,322.5 -> 13 whole intervals = 1,300; 2,320 -> 1,100;
    // 199 -> 99.5 -> 0; 200 -> 100
    assertThat(d.copyExtensionMax()).isEqualTo(1000);
    assertThat(d.withSteps(2400).copyExtensionMax()).isEqualTo(1200);
    assertThat(d.withSteps(2645).copyExtensionMax()).isEqualTo(1300);
    assertThat(d.withSteps(2320).copyExtensionMax()).isEqualTo(1100);
    assertThat(d.withSteps(199).copyExtensionMax()).isZero();
    assertThat(d.withSteps(200).copyExtensionMax()).isEqualTo(100);
    assertThat(gated(d, 0).copyExtensionMax()).as("off").isZero();
    assertThat(d.canonical()).contains(" copyfloor=0.5000 copyuntil=0.9500 mixeddrills");
    for (double bad : new double[] {1.0, -0.01, Double.NaN}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> gated(d, bad).validate())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--copy-until");
    }
  }

  @Test
  void theDecisionCurriculumMeasuresEveryHundredStepsAndStaysBitReproducible() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStartConfig c = d.toBuilder().basic().steps(112).batchSize(8).warmupSteps(2).factShare(0.1).drillShare(0.3)
        .decisionShare(0.4).decisionWeight(4.0).recallDecisions(true).decisionCurriculum(true).friendCurriculum(true)
        .trainReadValues(true).topK(1).seed(3).build();
    // 112 steps: the rows of steps 97-104 were drawn before the measurement at 101, those from 105 on after it
    ModelConfig m = new ModelConfig(0, 16, 1, 2, 32, 128, false, "cpu", 2);
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    PolicyArtifact a = PolicyArtifact.load(WarmStartRunner.obtain(w, m, c, tmp.resolve("dc-a"), true,
        new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8)).artifact());
    assertThat(log.toString(java.nio.charset.StandardCharsets.UTF_8)).containsPattern(
        "warmstart step 101/112  unknown subjects answered from memory, p per subject: mean [0-9.]+, highest( [a-z]+ [a-z]+ [0-9.]+){4}; "
            + "unknown friends not searched, p per friend: mean [0-9.]+, highest( [a-z]+ [a-z]+ [0-9.]+){1,4}\n");
    PolicyArtifact b = PolicyArtifact.load(WarmStartRunner.obtain(w, m, c, tmp.resolve("dc-b"), true, null).artifact());
    assertThat(b.checksum()).as("the decision curriculum's measurement is deterministic").isEqualTo(a.checksum());
    assertThat(c.canonical()).endsWith(" recalldecisions decisioncurriculum friendcurriculum");
    // the measurement is applied: after step 101 every unknown subject of the train split has its weight
    WarmStart ws = new WarmStart(w, new TaskFormat(WorldTasks.tokenizer(), new InProcessTools(w.corpus()), 1), c);
    assertThat(ws.subjectWeights()).isEmpty();
    try (ai.otc.policy.model.PolicyModel model = new ai.otc.policy.model.PolicyModel(
        new ModelConfig(WorldTasks.tokenizer().size(), 16, 1, 2, 32, 128, false, "cpu", 2))) {
      ws.train(model, null, 60);
    }
    Set<String> unknownSubjects = w.split(Split.TRAIN).stream().filter(q -> q.kind().task() == ai.otc.world.QuestionKind.Task.SEARCH)
        .map(Question::subject).filter(s -> !w.entity(s).famous()).collect(Collectors.toSet());
    assertThat(ws.subjectWeights().keySet()).isEqualTo(unknownSubjects);
    assertThat(ws.subjectWeights().values()).allSatisfy(v -> assertThat(v).isPositive().isLessThanOrEqualTo(DecisionCurriculum.MAX_WEIGHT));
    Set<String> unknownFriends = w.split(Split.TRAIN).stream().filter(q -> q.kind().task() == ai.otc.world.QuestionKind.Task.SEARCH)
        .map(Question::via).filter(f -> f != null && !w.entity(f).famous()).collect(Collectors.toSet());
    assertThat(unknownFriends).isNotEmpty();
    assertThat(ws.friendWeights().keySet()).isEqualTo(unknownFriends);
    assertThat(ws.friendWeights().values()).allSatisfy(v -> assertThat(v).isPositive().isLessThanOrEqualTo(DecisionCurriculum.MAX_WEIGHT));
  }

  @Test
  void mixedDrillsAreDrawnOnlyWithTheirFlagAtTheirShare() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    WarmStartConfig d = WarmStartConfig.defaults();
    TaskFormat format = new TaskFormat(WorldTasks.tokenizer(), new InProcessTools(w.corpus()), 1);
    for (boolean mixed : new boolean[] {false, true}) {
      WarmStartConfig c = d.toBuilder().basic().steps(10).batchSize(8).warmupSteps(1).factShare(0.1).drillShare(0.8)
          .mixedDrills(mixed).decisionShare(0.0).decisionWeight(1.0).trainReadValues(true).topK(1).seed(0).build();
      WarmStart ws = new WarmStart(w, format, c);
      java.util.Random rng = new java.util.Random(5);
      int drills = 0;
      int mixedDrawn = 0;
      for (int i = 0; i < 4000; i++) {
        String tag = ws.draw(rng).tag();
        drills += tag.startsWith("drill/") ? 1 : 0;
        mixedDrawn += tag.startsWith("drill/read_after_think") || tag.startsWith("drill/think_after_read") ? 1 : 0;
      }
      if (mixed) {
        // 0.10 + 0.10 of base shares summing to 1.2
        assertThat(mixedDrawn / (double) drills).isCloseTo(0.2 / 1.2, org.assertj.core.api.Assertions.within(0.03));
      } else {
        assertThat(mixedDrawn).isZero();
      }
    }
  }

  @Test
  void aCacheHitSaysWhenTheArtifactWasTrainedOnOtherNumerics() {
    Map<String, Object> then = Map.of("engine_threads", "1", "cpu_vector_extensions", "avx avx2");
    assertThat(WarmStartRunner.machineDifference(then, Map.of("engine_threads", "2", "cpu_vector_extensions", "avx avx2")))
        .isEqualTo("the cached artifact was trained on other numerics (engine threads 1 there, 2 here); the same flags here"
            + " need not give the same weights: --force retrains it here");
    assertThat(WarmStartRunner.machineDifference(then, Map.of("engine_threads", "2", "cpu_vector_extensions", "avx")))
        .contains("engine threads 1 there, 2 here; cpu vector extensions avx avx2 there, avx here");
    assertThat(WarmStartRunner.machineDifference(then, Map.of("engine_threads", "1", "cpu_vector_extensions", "avx avx2"))).isNull();
    assertThat(WarmStartRunner.machineDifference(Map.of(), Map.of("engine_threads", "2"))).as("not recorded").isNull();
    assertThat(WarmStartRunner.machineDifference(then, Map.of("engine_threads", "?", "cpu_vector_extensions", "avx avx2")))
        .as("engine not loaded here").isNull();
  }

  @Test
  void theSeedsLineNamesEverySeedAndItsFlag() {
    World w = WorldGenerator.generate(WorldConfig.tiny(7));
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStartConfig c = d.toBuilder().basic().steps(6).batchSize(8).warmupSteps(2).topK(1).seed(5).build();
    assertThat(WarmStartRunner.seeds(w, new ModelConfig(0, 32, 2, 2, 64, 128, false, "cpu", 3), c))
        .isEqualTo("seeds: model 3 (--model-seed), demonstrations 5 (--warm-seed), world 7 (--world-seed)");
  }

  @Test
  void decisionRowsDrawQuestionsAboutFamiliarUnknownsThreeTimesAsOften() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    WordTokenizer tk = WorldTasks.tokenizer();
    WarmStartConfig d = WarmStartConfig.defaults();
    WarmStartConfig c = d.toBuilder().basic().steps(10).batchSize(8).warmupSteps(1).factShare(0.1).drillShare(0.1)
        .decisionShare(0.7).decisionWeight(16).trainReadValues(true).topK(1).seed(0).build();
    WarmStart ws = new WarmStart(w, new TaskFormat(tk, new InProcessTools(w.corpus()), 1), c);
    Set<String> familiar = w.famous().stream().map(ai.otc.world.Entity::friend)
        .filter(n -> !w.entity(n).famous()).collect(Collectors.toSet());
    // expected share, from the train split: weight 3 for a non-famous subject that is a famous entity's friend
    double weightFamiliar = 0;
    double weightAll = 0;
    for (Question q : w.split(Split.TRAIN)) {
      if (q.kind().task() == ai.otc.world.QuestionKind.Task.SEARCH) {
        double wt = familiar.contains(q.subject()) ? 3 : 1;
        weightAll += wt;
        weightFamiliar += familiar.contains(q.subject()) ? wt : 0;
      }
    }
    Random rng = new Random(2);
    int decisions = 0;
    int aboutFamiliar = 0;
    for (int i = 0; i < 20_000; i++) {
      Example ex = ws.draw(rng);
      if (!ex.tag().endsWith("/decision")) {
        continue;
      }
      decisions++;
      String[] words = tk.decode(ex.tokens()).split(" \\? ")[0].split(" ");
      String subject = words[words.length - 2] + " " + words[words.length - 1];
      aboutFamiliar += familiar.contains(subject) ? 1 : 0;
    }
    assertThat(decisions / 20_000.0).isCloseTo(0.7, org.assertj.core.data.Offset.offset(0.02));
    assertThat(familiar).isNotEmpty();
    assertThat(aboutFamiliar / (double) decisions).isCloseTo(weightFamiliar / weightAll, org.assertj.core.data.Offset.offset(0.02));
  }
}
