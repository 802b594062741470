package ai.otc.rollout.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.policy.eval.Evaluator;
import ai.otc.policy.eval.QuestionOutcome;
import ai.otc.policy.generation.AnswerScoring;
import ai.otc.policy.generation.SamplingConfig;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.SearchCall;
import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;
import ai.otc.proto.v1.TurnAction;
import ai.otc.rollout.support.RecordingTools;
import ai.otc.rollout.support.TinyPolicy;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link GroupSampler} with a tiny warm-started policy and in-process tools handed over by the test. */
class GroupSamplerTest {
  private static PolicyModel model;
  private static WordTokenizer tk;
  private static List<Question> questions;

  @BeforeAll
  static void load() {
    PolicyArtifact a = TinyPolicy.artifact();
    model = a.newModel("cpu");
    tk = a.tokenizer();
    // one question of every kind the train split has, then more: searches and programs in one batch
    List<Question> train = TinyPolicy.WORLD.split(Split.TRAIN);
    List<Question> picked = new ArrayList<>();
    for (QuestionKind k : QuestionKind.values()) {
      train.stream().filter(q -> q.kind() == k).limit(2).forEach(picked::add);
    }
    questions = List.copyOf(picked);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static SamplerConfig config(int g, float temperature) {
    return new SamplerConfig(g, temperature, 1f, 4, 3, 1, 0);
  }

  @Test
  void everyTrajectoryCarriesWhatTheLoopNeeds() {
    RecordingTools tools = new RecordingTools(TinyPolicy.WORLD, false);
    GroupSampler sampler = new GroupSampler(model, tk, tools, config(4, 1f));
    SampledBatch out = sampler.sample("run-a", 3, 2, questions, 11);
    assertThat(out.trajectories()).hasSize(questions.size() * 4);
    List<int[]> sequences = new ArrayList<>();
    int withCalls = 0;
    for (int i = 0; i < out.trajectories().size(); i++) {
      Trajectory t = out.trajectories().get(i);
      Question q = questions.get(i / 4);
      int k = i % 4;
      String group = "run-a/b3/" + q.id();
      assertThat(t.getGroupId()).isEqualTo(group);
      assertThat(t.getTrajectoryId()).isEqualTo(group + "/" + k);
      assertThat(t.getQuestionId()).isEqualTo(q.id());
      assertThat(t.getRunId()).isEqualTo("run-a");
      assertThat(t.getPolicyVersion()).isEqualTo(2);
      assertThat(t.getRolloutBatch()).isEqualTo(3);
      assertThat(t.getGroupSize()).isEqualTo(4);
      assertThat(t.getSeed()).isEqualTo(RolloutIds.trajectorySeed(11, 3, q.id(), k));
      assertThat(t.getQuestionKind()).isEqualTo(q.kind().label());
      assertThat(t.getMinCalls()).isEqualTo(q.minCalls());
      assertThat(t.getDataSource()).isEqualTo(q.dataSource());
      assertThat(t.getQuestion()).isEqualTo(q.question());
      assertThat(t.getGoldenAnswersList()).isEqualTo(q.goldenAnswers());
      assertThat(t.hasCreatedAt()).isTrue();
      assertThat(tk.decode(t.getPromptTokenIdsList().stream().mapToInt(Integer::intValue).toArray()))
          .isEqualTo(WorldPrompts.prompt(new TaskFormat(tk, tools, 1), q));
      int n = t.getResponseTokenIdsCount();
      assertThat(t.getLossMaskCount()).isEqualTo(n);
      assertThat(t.getOldLogProbsCount()).isEqualTo(n);
      for (int j = 0; j < n; j++) {
        if (t.getLossMask(j) == 0) {
          assertThat(t.getOldLogProbs(j)).isZero();
        } else {
          assertThat(t.getOldLogProbs(j)).isLessThanOrEqualTo(0f);
        }
      }
      assertThat(t.getResponseText()).isEqualTo(tk.decode(ids(t.getResponseTokenIdsList())));
      AnswerScoring.Verdict v = AnswerScoring.score(WorldPrompts.protocol(q), t.getResponseText(), q.goldenAnswers());
      assertThat(t.getCorrect()).isEqualTo(v.correct());
      assertThat(t.getHasAnswer()).isEqualTo(v.prediction() != null);
      // turns: calls numbered 0.. with ids <trajectory>:<index>; m = search turns (search) or executed programs
      List<Turn> calls = t.getTurnsList().stream().filter(Turn::hasToolCall).toList();
      for (int c = 0; c < calls.size(); c++) {
        assertThat(calls.get(c).getToolCall().getCallId()).isEqualTo(t.getTrajectoryId() + ":" + c);
        ToolKind kind = calls.get(c).getToolCall().getTool();
        assertThat(kind).isEqualTo(q.kind().task() == QuestionKind.Task.SEARCH ? ToolKind.TOOL_KIND_SEARCH
            : ToolKind.TOOL_KIND_CODE);
        if (calls.get(c).getToolCall().getStatus() != ToolStatus.TOOL_STATUS_NOT_EXECUTED) {
          // the recorded text, as the policy's tokens spell it (words outside the vocabulary are <unk>)
          assertThat(t.getResponseText()).contains(tk.decode(tk.encode(calls.get(c).getToolCall().getObservation())));
        }
      }
      long searches = t.getTurnsList().stream().filter(x -> x.getAction() == TurnAction.TURN_ACTION_SEARCH).count();
      long executed = calls.stream()
          .filter(x -> x.getToolCall().getStatus() != ToolStatus.TOOL_STATUS_NOT_EXECUTED).count();
      assertThat(t.getToolCallCount()).isEqualTo(
          q.kind().task() == QuestionKind.Task.SEARCH ? (int) searches : (int) executed);
      for (int c = 0; c < t.getTurnsCount(); c++) {
        assertThat(t.getTurns(c).getIndex()).isEqualTo(c);
      }
      withCalls += calls.isEmpty() ? 0 : 1;
      int[] seq = new int[t.getPromptTokenIdsCount() + n];
      for (int j = 0; j < seq.length; j++) {
        seq[j] = j < t.getPromptTokenIdsCount() ? t.getPromptTokenIds(j)
            : t.getResponseTokenIds(j - t.getPromptTokenIdsCount());
      }
      sequences.add(seq);
    }
    assertThat(withCalls).as("the warm-started policy calls tools").isGreaterThan(questions.size());
    // old log-probs are the exact log-probs of the sampled tokens: recompute them with a full forward
    float[][] full = model.tokenLogProbs(sequences, 1f);
    int checked = 0;
    for (int i = 0; i < sequences.size(); i++) {
      Trajectory t = out.trajectories().get(i);
      int p = t.getPromptTokenIdsCount();
      for (int j = 0; j < t.getResponseTokenIdsCount(); j++) {
        if (t.getLossMask(j) == 1) {
          assertThat((double) t.getOldLogProbs(j)).as("%s token %d", t.getTrajectoryId(), j)
              .isCloseTo(full[i][p + j], org.assertj.core.data.Offset.offset(2e-4));
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(200);
    // tool calls of one generation step went out together
    int maxBatch = tools.searchBatches.stream().mapToInt(List::size).max().orElse(0);
    int calls = tools.searchBatches.stream().mapToInt(List::size).sum();
    assertThat(maxBatch).as("one searchBatch per step holds several rows' searches").isGreaterThan(1);
    assertThat(tools.searchBatches.size()).isLessThan(calls);
    for (List<SearchCall> b : tools.searchBatches) {
      assertThat(b).allSatisfy(c -> {
        assertThat(c.ref().runId()).isEqualTo("run-a");
        assertThat(c.ref().policyVersion()).isEqualTo(2);
        assertThat(c.topK()).isEqualTo(1);
      });
      assertThat(b.stream().map(c -> c.ref().trajectoryId()).distinct().count()).as("one call per row per step")
          .isEqualTo(b.size());
    }
    BatchTiming timing = out.timing();
    assertThat(timing.trajectories()).isEqualTo(out.trajectories().size());
    assertThat(timing.generatedTokens()).isEqualTo(out.trajectories().stream()
        .mapToLong(t -> t.getLossMaskList().stream().filter(m -> m == 1).count()).sum());
    assertThat(timing.toolCalls()).isEqualTo(calls + tools.codeBatches.stream().mapToInt(List::size).sum());
    assertThat(timing.generationMs()).isPositive();
    assertThat(timing.wallMs()).isGreaterThanOrEqualTo(timing.generationMs() + timing.toolMs());
  }

  @Test
  void aTrajectoryDependsOnItsSeedNotOnItsNeighbours() {
    GroupSampler sampler = new GroupSampler(model, tk, new RecordingTools(TinyPolicy.WORLD, false), config(3, 1f));
    SampledBatch all = sampler.sample("r", 5, 0, questions, 9);
    SampledBatch again = sampler.sample("r", 5, 0, questions, 9);
    assertThat(tokens(again)).isEqualTo(tokens(all));
    // the same question generated by another instance, alone: same trajectories (same ids, seeds, tokens)
    int pick = questions.size() - 1;
    SampledBatch alone = sampler.sample("r", 5, 0, List.of(questions.get(pick)), 9);
    assertThat(tokens(alone)).isEqualTo(tokens(all).subList(pick * 3, pick * 3 + 3));
    assertThat(ids(alone)).isEqualTo(ids(all).subList(pick * 3, pick * 3 + 3));
    SampledBatch otherSeed = sampler.sample("r", 5, 0, questions, 10);
    assertThat(tokens(otherSeed)).isNotEqualTo(tokens(all));
    assertThatThrownBy(() -> sampler.sample("r", 5, 0, List.of(questions.get(0), questions.get(0)), 9))
        .hasMessageContaining("twice");
    assertThat(sampler.sample("r", 5, 0, List.of(), 9).trajectories()).isEmpty();
  }

  @Test
  void greedySamplingScoresExactlyAsTheEvaluator() {
    List<Question> test = TinyPolicy.WORLD.split(Split.TEST);
    GroupSampler sampler = new GroupSampler(model, tk, new InProcessTools(TinyPolicy.WORLD.corpus()), config(1, 0f));
    List<Trajectory> ts = sampler.sample("eval", 0, 0, test, 0).trajectories();
    Evaluator ev = new Evaluator(model, new TaskFormat(tk, new InProcessTools(TinyPolicy.WORLD.corpus()), 1), 4, 3,
        test.size());
    List<QuestionOutcome> os = ev.run(test, SamplingConfig.greedy(), false);
    for (int i = 0; i < test.size(); i++) {
      assertThat(ts.get(i).getResponseText()).isEqualTo(os.get(i).response());
      assertThat(ts.get(i).getCorrect()).isEqualTo(os.get(i).correct());
      assertThat(ts.get(i).getToolCallCount()).isEqualTo(os.get(i).toolCalls());
      assertThat(ts.get(i).getExtractedAnswer()).isEqualTo(os.get(i).prediction() == null ? "" : os.get(i).prediction());
    }
  }

  @Test
  void aToolCallThatFailsForGoodEndsTheRowWithItsStatusAndNoObservation() {
    RecordingTools failing = new RecordingTools(TinyPolicy.WORLD, true);
    GroupSampler sampler = new GroupSampler(model, tk, failing, config(2, 0f));
    List<Question> search = questions.stream().filter(q -> q.kind().task() == QuestionKind.Task.SEARCH).toList();
    List<Trajectory> ts = sampler.sample("r", 0, 0, search, 1).trajectories();
    int failed = 0;
    for (Trajectory t : ts) {
      if (t.getTurnsCount() == 0 || !t.getTurns(t.getTurnsCount() - 1).hasToolCall()) {
        continue;
      }
      Turn last = t.getTurns(t.getTurnsCount() - 1);
      assertThat(last.getAction()).isEqualTo(TurnAction.TURN_ACTION_SEARCH);
      assertThat(last.getToolCall().getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_UNAVAILABLE);
      assertThat(last.getToolCall().getObservation()).isEmpty();
      assertThat(last.getToolCall().getLatencyMs()).isEqualTo(12.5);
      assertThat(t.getHasAnswer()).isFalse();
      assertThat(t.getCorrect()).isFalse();
      assertThat(t.getToolCallCount()).isEqualTo(1);
      assertThat(t.getLossMaskList()).as("nothing was inserted").doesNotContain(0);
      assertThat(t.getResponseText()).endsWith("</search>").doesNotContain("<observation>");
      failed++;
    }
    assertThat(failed).as("the greedy warm-started policy searches first").isGreaterThan(ts.size() / 2);
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> new SamplerConfig(0, 1, 1, 4, 3, 1, 0)).hasMessageContaining("group-size");
    assertThatThrownBy(() -> new SamplerConfig(8, -1, 1, 4, 3, 1, 0)).hasMessageContaining("temperature");
    assertThatThrownBy(() -> new SamplerConfig(8, 1, 0, 4, 3, 1, 0)).hasMessageContaining("top-p");
    assertThatThrownBy(() -> new SamplerConfig(8, 1, 1, 4, 3, 0, 0)).hasMessageContaining("top-k");
    assertThatThrownBy(() -> new SamplerConfig(8, 1, 1, -1, 3, 1, 0)).hasMessageContaining("max-turns");
    WordTokenizer other = WordTokenizer.forVocabulary(List.of("a", "b"), "observation");
    assertThatThrownBy(() -> new GroupSampler(model, other, new RecordingTools(TinyPolicy.WORLD, false),
        SamplerConfig.defaults())).hasMessageContaining("vocabulary");
  }

  private static int[] ids(List<Integer> xs) {
    return xs.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<String> tokens(SampledBatch b) {
    return b.trajectories().stream().map(t -> t.getResponseTokenIdsList().stream().map(String::valueOf)
        .collect(Collectors.joining(","))).toList();
  }

  private static List<String> ids(SampledBatch b) {
    return b.trajectories().stream().map(t -> t.getTrajectoryId() + "@" + t.getSeed()).toList();
  }

  static String show(int[] a) {
    return Arrays.toString(a);
  }
}
