package ai.otc.report.support;

import ai.otc.report.DemoConfig;

import ai.otc.proto.v1.StepMetrics;
import ai.otc.proto.v1.ToolCall;
import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;
import ai.otc.proto.v1.TurnAction;
import ai.otc.report.data.DemoRecords;
import java.util.ArrayList;
import java.util.List;

/**
 * A small demo "T" whose numbers are worked out by hand in the tests: rewards em and otc-grpo, seeds 1 and 2, the
 * initial policy, four test questions (qa 1p/world_1hop min 0, qb 1n/world_1hop min 1, qc 2h2/world_2hop min 2,
 * qd 2h0/world_2hop min 0), a few rollouts, usage events with a duplicate, a refused attempt and its retry, and one
 * call the gateway never metered (T.otc-grpo.s2: a disagreement), plus records of another demo "U" to be ignored.
 */
public final class SyntheticDemo {

  public static final String ID = "T";

  /** The demo's demo.json. */
  public static final String DEMO_JSON = """
      {"demo_id": "T", "created": "2026-12-02T13:00:00Z", "quick": true,
       "world": {"dir": "/abs/world", "fingerprint": "abc"},
       "initial_policy": {"path": "/abs/p.zip", "sha256": "0123"},
       "settings": {"steps": 2, "questions_per_step": 2, "group_size": 1},
       "rewards": ["em", "otc-grpo"], "seeds": [1, 2],
       "runs": [{"run_id": "T.em.s1", "reward": "em", "seed": 1, "steps": 2, "wall_s": 10.5, "final_version": 2},
                {"run_id": "T.em.s2", "reward": "em", "seed": 2, "steps": 2, "wall_s": 11.0, "final_version": 2},
                {"run_id": "T.otc-grpo.s1", "reward": "otc-grpo", "seed": 1, "steps": 2, "wall_s": 12.0, "final_version": 2},
                {"run_id": "T.otc-grpo.s2", "reward": "otc-grpo", "seed": 2, "steps": 2, "wall_s": 12.5, "final_version": 2}],
       "initial_eval_run_id": "T.initial",
       "phases": [{"name": "build", "seconds": 3.5}, {"name": "train T.em.s1", "seconds": 10.5}],
       "versions": {"otc": "0.1.0-SNAPSHOT", "java": "21"},
       "kafka": {"data_dir": "runs/T/kafka"}}
      """;

  private SyntheticDemo() {}

  /** The step metrics, T.em.s1's step 2 twice (the later one counts) and one of demo U. */
  public static List<StepMetrics> metrics() {
    List<StepMetrics> out = new ArrayList<>();
    out.add(step("T.em.s1", 1, 0.5, 1.5, 0.3));
    out.add(step("T.em.s1", 2, 0.1, 1.4, 0.2));
    out.add(step("T.em.s1", 2, 0.6, 1.6, 0.4));
    out.add(step("T.em.s2", 1, 0.5, 1.5, 0.3));
    out.add(step("T.otc-grpo.s1", 1, 0.5, 1.0, 0.2));
    out.add(step("T.otc-grpo.s1", 2, 0.7, 0.5, 0.5));
    out.add(step("U.em.s1", 1, 0.9, 9.0, 0.9));
    return out;
  }

  /** Greedy evaluations: {run, question, calls, correct, answer}. */
  public static List<Trajectory> evaluations() {
    Object[][] rows = {
        {"T.em.s1", "qa", 1, true, "Paris"}, {"T.em.s1", "qb", 1, true, "X1"}, {"T.em.s1", "qc", 3, true, "Y1"},
        {"T.em.s1", "qd", 2, false, "W1"},
        {"T.em.s2", "qa", 2, true, "paris"}, {"T.em.s2", "qb", 1, true, "X1"}, {"T.em.s2", "qc", 2, true, "Y1"},
        {"T.em.s2", "qd", 1, false, "W2"},
        {"T.otc-grpo.s1", "qa", 0, true, "the Paris"}, {"T.otc-grpo.s1", "qb", 1, true, "X1"},
        {"T.otc-grpo.s1", "qc", 2, true, "Y1"}, {"T.otc-grpo.s1", "qd", 0, true, "Z"},
        {"T.otc-grpo.s2", "qa", 0, true, "paris"}, {"T.otc-grpo.s2", "qb", 0, false, "Q"},
        {"T.otc-grpo.s2", "qc", 2, true, "Y1"}, {"T.otc-grpo.s2", "qd", 0, false, "W2"},
        {"T.initial", "qa", 1, true, "paris"}, {"T.initial", "qb", 1, true, "X1"}, {"T.initial", "qc", 2, false, "Y9"},
        {"T.initial", "qd", 1, false, "W9"},
        {"U.em.s1", "qa", 5, false, "nope"}};
    List<Trajectory> out = new ArrayList<>();
    for (Object[] r : rows) {
      String run = (String) r[0];
      String q = (String) r[1];
      out.add(trajectory(run + "/eval/" + q, run, q, -1, (int) r[2], 0, (boolean) r[3], (String) r[4]));
    }
    out.add(out.get(0));
    return out;
  }

  /** Rollouts of T.em.s1 (one twice, one with a never-executed final call, one of unknown minimum) and one per other run. */
  public static List<Trajectory> rollouts() {
    List<Trajectory> out = new ArrayList<>();
    out.add(trajectory("T.em.s1/b0/qa/0", "T.em.s1", "qa", 0, 2, 0, true, "paris"));
    out.add(trajectory("T.em.s1/b0/qb/0", "T.em.s1", "qb", 0, 1, 0, true, "X1"));
    out.add(trajectory("T.em.s1/b0/qb/0", "T.em.s1", "qb", 0, 1, 0, true, "X1"));
    out.add(trajectory("T.em.s1/b1/qc/0", "T.em.s1", "qc", 1, 2, 1, true, "Y1"));
    out.add(trajectory("T.em.s1/b1/qx/0", "T.em.s1", "qx", 1, 3, 0, true, "V"));
    out.add(trajectory("T.em.s2/b0/qa/0", "T.em.s2", "qa", 0, 1, 0, true, "paris"));
    out.add(trajectory("T.otc-grpo.s1/b0/qa/0", "T.otc-grpo.s1", "qa", 0, 0, 0, true, "paris"));
    out.add(trajectory("T.otc-grpo.s2/b0/qb/0", "T.otc-grpo.s2", "qb", 0, 1, 0, true, "X1"));
    out.add(trajectory("U.em.s1/b0/qa/0", "U.em.s1", "qa", 0, 4, 0, true, "paris"));
    return out;
  }

  /**
   * One usage event per executed call of every trajectory, except T.otc-grpo.s2's rollout call (never metered); plus
   * a duplicate event, and a refused attempt of T.em.s1's first call before its retry.
   */
  public static List<ToolUsage> usage() {
    List<ToolUsage> out = new ArrayList<>();
    List<Trajectory> all = new ArrayList<>(rollouts());
    all.addAll(evaluations());
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Trajectory t : all) {
      if (!seen.add(t.getTrajectoryId()) || t.getTrajectoryId().equals("T.otc-grpo.s2/b0/qb/0")) {
        continue;
      }
      for (int i = 0; i < t.getTurnsCount(); i++) {
        ToolCall c = t.getTurns(i).getToolCall();
        if (!t.getTurns(i).hasToolCall() || c.getStatus() == ToolStatus.TOOL_STATUS_NOT_EXECUTED) {
          continue;
        }
        if (t.getTrajectoryId().equals("T.em.s1/b0/qa/0") && i == 0) {
          out.add(usage("tenant-a/" + c.getCallId() + ":refused:b-1", t.getTrajectoryId(), i, "rate", 0));
        }
        out.add(usage("tenant-a/" + c.getCallId(), t.getTrajectoryId(), i, "", 4));
      }
    }
    out.add(out.get(1));
    return out;
  }

  /** Every record fed to a fresh collection, as the topic reader would. */
  public static DemoRecords records() {
    DemoRecords r = new DemoRecords(ID);
    metrics().forEach(r::addMetrics);
    rollouts().forEach(r::addRollout);
    evaluations().forEach(r::addEvaluation);
    usage().forEach(r::addUsage);
    return r;
  }

  public static DemoConfig config() {
    try {
      return DemoConfig.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(DEMO_JSON), "demo.json");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static StepMetrics step(String run, long step, double em, double tc, double reward) {
    return StepMetrics.newBuilder().setRunId(run).setStep(step).setPolicyVersion(step).setReward("x").setEm(em).setTc(tc)
        .setTp(em / tc).setMeanReward(reward).setKl(0.01 * step).setSeconds(1.5).build();
  }

  /** A trajectory with {@code calls} search calls of 10 ms each, the last {@code notExecuted} of them never executed. */
  public static Trajectory trajectory(String id, String run, String q, long batch, int calls, int notExecuted, boolean correct,
      String answer) {
    Trajectory.Builder b = Trajectory.newBuilder().setTrajectoryId(id).setGroupId(id).setRunId(run).setQuestionId(q)
        .setDataSource(q.equals("qa") || q.equals("qb") ? "world_1hop" : "world_2hop")
        .setQuestionKind(switch (q) {
          case "qa" -> "1p";
          case "qb" -> "1n";
          case "qc" -> "2h2";
          case "qd" -> "2h0";
          default -> "2h1";
        })
        .setMinCalls(switch (q) {
          case "qa", "qd" -> 0;
          case "qb" -> 1;
          case "qc" -> 2;
          default -> -1;
        })
        .setGroupSize(1).setRolloutBatch(batch).setToolCallCount(calls).setCorrect(correct).setHasAnswer(true)
        .setExtractedAnswer(answer).addGoldenAnswers(answer);
    for (int i = 0; i < calls; i++) {
      boolean executed = i < calls - notExecuted;
      b.addTurns(Turn.newBuilder().setIndex(i).setAction(TurnAction.TURN_ACTION_SEARCH)
          .setToolCall(ToolCall.newBuilder().setTool(ToolKind.TOOL_KIND_SEARCH).setCallId(id + ":" + i)
              .setStatus(executed ? ToolStatus.TOOL_STATUS_OK : ToolStatus.TOOL_STATUS_NOT_EXECUTED)
              .setLatencyMs(executed ? 10 : 0)));
    }
    b.addTurns(Turn.newBuilder().setIndex(calls).setAction(TurnAction.TURN_ACTION_ANSWER));
    return b.build();
  }

  public static ToolUsage usage(String id, String trajectory, int callIndex, String refusal, double wallMs) {
    return ToolUsage.newBuilder().setId(id).setTenant("tenant-a").setTrajectoryId(trajectory).setCallIndex(callIndex)
        .setRefusal(refusal).setRateLimited(!refusal.isEmpty()).setWallMs(wallMs).setTool(ToolKind.TOOL_KIND_SEARCH).build();
  }
}
