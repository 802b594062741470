package ai.otc.rollout.support;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.proto.v1.ToolCall;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;
import ai.otc.rollout.sampling.RolloutIds;
import ai.otc.testkit.kafka.TopicRecord;
import ai.otc.world.Question;
import ai.otc.world.World;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What every trajectory record on otc.rollouts.v1 must satisfy, checked against the world (the question's text,
 * answers, kind, minimal calls, data source) and the loop protocol's id rules, independently of how the service
 * built it.
 */
public final class TrajectoryChecks {
  private TrajectoryChecks() {}

  /**
   * Checks one batch's records of one run: key = group id, contract headers, ids, group sizes, versions, token arrays.
   *
   * @return the batch's group ids (sorted)
   */
  public static Set<String> checkBatch(List<TopicRecord<Trajectory>> records, World world, String runId, long batch,
      long version, int groupSize, long seed) {
    Map<String, Question> questions = world.questions().stream().collect(Collectors.toMap(Question::id, Function.identity()));
    Map<String, List<Trajectory>> groups = new TreeMap<>();
    for (TopicRecord<Trajectory> r : records) {
      Trajectory t = r.value();
      assertThat(r.key()).as("record key").isEqualTo(t.getGroupId());
      assertThat(ContractHeaders.problems(Topics.ROLLOUTS, r.raw().headers())).as("headers of %s", t.getTrajectoryId()).isEmpty();
      groups.computeIfAbsent(t.getGroupId(), g -> new java.util.ArrayList<>()).add(t);
    }
    for (Map.Entry<String, List<Trajectory>> e : groups.entrySet()) {
      List<Trajectory> members = e.getValue();
      assertThat(members).as("members of %s", e.getKey()).hasSize(groupSize);
      Set<String> ids = new HashSet<>();
      for (Trajectory t : members) {
        Question q = questions.get(t.getQuestionId());
        assertThat(q).as("question %s of %s is a world question", t.getQuestionId(), t.getTrajectoryId()).isNotNull();
        assertThat(q.split()).isEqualTo("train");
        String group = runId + "/b" + batch + "/" + q.id();
        assertThat(t.getGroupId()).isEqualTo(group);
        assertThat(t.getRunId()).isEqualTo(runId);
        assertThat(t.getRolloutBatch()).isEqualTo(batch);
        assertThat(t.getPolicyVersion()).as("version of %s", t.getTrajectoryId()).isEqualTo(version);
        assertThat(t.getGroupSize()).isEqualTo(groupSize);
        int k = Integer.parseInt(t.getTrajectoryId().substring(group.length() + 1));
        assertThat(t.getTrajectoryId()).isEqualTo(group + "/" + k);
        assertThat(k).isBetween(0, groupSize - 1);
        ids.add(t.getTrajectoryId());
        assertThat(t.getSeed()).isEqualTo(RolloutIds.trajectorySeed(seed, batch, q.id(), k));
        assertThat(t.getQuestion()).isEqualTo(q.question());
        assertThat(t.getGoldenAnswersList()).isEqualTo(q.goldenAnswers());
        assertThat(t.getDataSource()).isEqualTo(q.dataSource());
        assertThat(t.getQuestionKind()).isEqualTo(q.kind().label());
        assertThat(t.getMinCalls()).isEqualTo(q.minCalls());
        assertThat(t.hasCreatedAt()).isTrue();
        checkTokens(t);
        checkToolCalls(t);
      }
      assertThat(ids).as("distinct members of %s", e.getKey()).hasSize(groupSize);
    }
    return groups.keySet();
  }

  /** Masks as long as the response; old log-probs exactly 0 where masked and finite and < 0 where generated. */
  static void checkTokens(Trajectory t) {
    String id = t.getTrajectoryId();
    assertThat(t.getPromptTokenIdsCount()).as("prompt of %s", id).isPositive();
    int n = t.getResponseTokenIdsCount();
    assertThat(n).as("response of %s", id).isPositive();
    assertThat(t.getLossMaskCount()).as("mask length of %s", id).isEqualTo(n);
    assertThat(t.getOldLogProbsCount()).as("log-prob length of %s", id).isEqualTo(n);
    int generated = 0;
    for (int i = 0; i < n; i++) {
      int m = t.getLossMask(i);
      float lp = t.getOldLogProbs(i);
      assertThat(m).as("mask[%d] of %s", i, id).isIn(0, 1);
      if (m == 0) {
        assertThat(lp).as("old log-prob of masked token %d of %s", i, id).isEqualTo(0f);
      } else {
        generated++;
        assertThat(Float.isFinite(lp) && lp < 0).as("old log-prob %s of generated token %d of %s", lp, i, id).isTrue();
      }
    }
    assertThat(generated).as("generated tokens of %s", id).isPositive();
  }

  /** Call ids {@code <trajectory id>:<index>}, distinct; m counts every call; an executed call inserted masked tokens. */
  static void checkToolCalls(Trajectory t) {
    Set<String> callIds = new HashSet<>();
    int calls = 0;
    boolean executed = false;
    for (Turn turn : t.getTurnsList()) {
      if (!turn.hasToolCall()) {
        continue;
      }
      calls++;
      ToolCall c = turn.getToolCall();
      assertThat(c.getStatus()).isNotEqualTo(ToolStatus.TOOL_STATUS_UNSPECIFIED);
      assertThat(c.getCallId()).startsWith(t.getTrajectoryId() + ":");
      assertThat(callIds.add(c.getCallId())).as("call id %s twice", c.getCallId()).isTrue();
      executed |= c.getStatus() != ToolStatus.TOOL_STATUS_NOT_EXECUTED;
    }
    assertThat(t.getToolCallCount()).as("m of %s", t.getTrajectoryId()).isEqualTo(calls);
    if (executed) {
      assertThat(t.getLossMaskList()).as("observation tokens of %s are masked", t.getTrajectoryId()).contains(0);
    }
  }

  /** The ids of the calls that reached the gateway ({@code NOT_EXECUTED} ones never do). */
  public static Set<String> executedCallIds(List<Trajectory> trajectories) {
    Set<String> out = new HashSet<>();
    for (Trajectory t : trajectories) {
      for (Turn turn : t.getTurnsList()) {
        if (turn.hasToolCall() && turn.getToolCall().getStatus() != ToolStatus.TOOL_STATUS_NOT_EXECUTED) {
          out.add(turn.getToolCall().getCallId());
        }
      }
    }
    return out;
  }
}
