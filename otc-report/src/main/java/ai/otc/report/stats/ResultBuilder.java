package ai.otc.report.stats;

import ai.otc.core.metrics.BehaviourTable;
import ai.otc.core.metrics.QuestionResult;
import ai.otc.report.DemoConfig;
import ai.otc.report.data.DemoRecords;
import ai.otc.report.data.EvalFact;
import ai.otc.report.data.RolloutFact;
import ai.otc.report.data.StepPoint;
import ai.otc.report.data.UsageTally;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Computes a demo's {@link DemoResult} from its configuration and its records: pure arithmetic, no I/O. The baseline
 * is the reward {@code em} (Search-R1's EM-only reward) when the demo has it.
 */
public final class ResultBuilder {

  /** The baseline reward's wire name. */
  public static final String BASELINE = "em";

  /** The reward label of the initial policy's evaluation. */
  public static final String INITIAL = "initial";

  private ResultBuilder() {}

  /** The result of the demo {@code config} over {@code records}. */
  public static DemoResult build(DemoConfig config, DemoRecords records) {
    RunStats initial = config.initialEvalRunId() == null ? null
        : runStats(config.initialEvalRunId(), INITIAL, 0, Double.NaN, records);
    Map<String, List<RunStats>> perReward = new LinkedHashMap<>();
    Map<String, Curve> curves = new TreeMap<>();
    for (String reward : config.rewards()) {
      List<RunStats> seeds = new ArrayList<>();
      for (DemoConfig.Run run : config.runsOf(reward)) {
        seeds.add(runStats(run.runId(), reward, run.seed(), run.wallSeconds(), records));
        curves.put(run.runId(), curve(run, records));
      }
      perReward.put(reward, seeds);
    }
    String baseline = perReward.containsKey(BASELINE) ? BASELINE : null;
    Map<String, RewardStats> rewards = new LinkedHashMap<>();
    RewardStats base = baseline == null ? null : rewardStats(baseline, perReward.get(baseline), null, records);
    for (Map.Entry<String, List<RunStats>> e : perReward.entrySet()) {
      rewards.put(e.getKey(), e.getKey().equals(baseline) ? base : rewardStats(e.getKey(), e.getValue(), base, records));
    }
    return new DemoResult(config, baseline, initial, rewards, curves, records.recordsRead(), records.recordsKept(),
        records.missingTopics());
  }

  static RunStats runStats(String runId, String reward, long seed, double wallSeconds, DemoRecords records) {
    List<EvalFact> evals = records.evaluations(runId);
    List<RolloutFact> rollouts = records.rollouts(runId);
    long counted = 0;
    long notExecuted = 0;
    double toolMs = 0;
    double evalToolMs = 0;
    for (RolloutFact f : rollouts) {
      counted += f.toolCalls();
      notExecuted += f.notExecuted();
      toolMs += f.toolLatencyMs();
    }
    for (EvalFact f : evals) {
      counted += f.toolCalls();
      notExecuted += f.notExecuted();
      evalToolMs += f.toolLatencyMs();
    }
    UsageTally usage = records.usage(runId);
    CallCheck calls = new CallCheck(counted, notExecuted, usage.calls(), usage.refusedAttempts());
    return new RunStats(runId, reward, seed, EvalStats.of(evals), grouped(evals, EvalFact::kind),
        grouped(evals, EvalFact::dataSource), calls, toolMs / 1000.0, evalToolMs / 1000.0, usage.wallMs() / 1000.0,
        Double.isNaN(wallSeconds) ? null : wallSeconds, records.steps(runId).size());
  }

  static Map<String, EvalStats> grouped(List<EvalFact> facts, Function<EvalFact, String> key) {
    Map<String, List<EvalFact>> groups = new TreeMap<>();
    for (EvalFact f : facts) {
      groups.computeIfAbsent(key.apply(f), k -> new ArrayList<>()).add(f);
    }
    Map<String, EvalStats> out = new TreeMap<>();
    groups.forEach((k, v) -> out.put(k, EvalStats.of(v)));
    return out;
  }

  static RewardStats rewardStats(String reward, List<RunStats> seeds, RewardStats base, DemoRecords records) {
    List<EvalStats> all = seeds.stream().map(RunStats::all).toList();
    EvalStats mean = Spread.meanOf(all);
    Map<String, EvalStats> bySource = Spread.meanByKey(seeds.stream().map(RunStats::bySource).toList());
    Relative rel = null;
    Map<String, Relative> relBySource = null;
    BehaviourTable behaviour = null;
    List<BehaviourTable> perSeed = List.of();
    if (base != null) {
      rel = Relative.of(base.mean(), mean);
      relBySource = new TreeMap<>();
      for (Map.Entry<String, EvalStats> e : bySource.entrySet()) {
        EvalStats b = base.bySource().get(e.getKey());
        if (b != null) {
          relBySource.put(e.getKey(), Relative.of(b, e.getValue()));
        }
      }
      perSeed = new ArrayList<>();
      for (RunStats s : seeds) {
        RunStats b = pairOf(s, base.seeds());
        if (b != null) {
          perSeed.add(BehaviourTable.compare(answers(records.evaluations(s.runId())), answers(records.evaluations(b.runId()))));
        }
      }
      behaviour = meanTable(perSeed);
    }
    return new RewardStats(reward, seeds, mean, Spread.stdOf(all),
        Spread.meanByKey(seeds.stream().map(RunStats::byKind).toList()), bySource, rel, relBySource, behaviour, perSeed);
  }

  /** The baseline run of the same seed, else the baseline's first seed, else null. */
  static RunStats pairOf(RunStats run, List<RunStats> baseline) {
    for (RunStats b : baseline) {
      if (b.seed() == run.seed()) {
        return b;
      }
    }
    return baseline.isEmpty() ? null : baseline.get(0);
  }

  static List<QuestionResult> answers(List<EvalFact> facts) {
    return facts.stream().map(f -> new QuestionResult(f.questionId(), f.normalizedAnswer(), f.correct(), f.toolCalls())).toList();
  }

  /** The mean of per-seed behaviour tables (questions: the smallest count); null when there is none. */
  static BehaviourTable meanTable(List<BehaviourTable> tables) {
    List<BehaviourTable> usable = tables.stream().filter(t -> t.questions() > 0).toList();
    if (usable.isEmpty()) {
      return tables.isEmpty() ? null : tables.get(0);
    }
    double n = usable.size();
    return new BehaviourTable(usable.stream().mapToInt(BehaviourTable::questions).min().orElse(0),
        usable.stream().mapToDouble(BehaviourTable::me).sum() / n, usable.stream().mapToDouble(BehaviourTable::le).sum() / n,
        usable.stream().mapToDouble(BehaviourTable::ma).sum() / n, usable.stream().mapToDouble(BehaviourTable::la).sum() / n,
        usable.stream().mapToDouble(BehaviourTable::ae).sum() / n);
  }

  static Curve curve(DemoConfig.Run run, DemoRecords records) {
    List<StepPoint> steps = records.steps(run.runId());
    Map<Long, long[]> above = new TreeMap<>();
    for (RolloutFact f : records.rollouts(run.runId())) {
      if (f.minCalls() >= 0) {
        long[] acc = above.computeIfAbsent(f.batch(), b -> new long[2]);
        acc[0] += f.toolCalls() - f.minCalls();
        acc[1]++;
      }
    }
    List<Long> batches = new ArrayList<>(above.keySet());
    List<Double> meanAbove = batches.stream().map(b -> (double) above.get(b)[0] / above.get(b)[1]).toList();
    return new Curve(run.runId(), run.reward(), run.seed(), steps.stream().map(StepPoint::step).toList(),
        steps.stream().map(StepPoint::em).toList(), steps.stream().map(StepPoint::tc).toList(),
        steps.stream().map(StepPoint::tp).toList(), steps.stream().map(StepPoint::meanReward).toList(),
        steps.stream().map(StepPoint::kl).toList(), batches, meanAbove);
  }
}
