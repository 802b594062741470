package ai.otc.report.data;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.StepMetrics;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.proto.v1.Trajectory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A demo's records as the report uses them, filtered to the demo's runs (run ids starting with {@code <demo id>.})
 * and deduplicated: metrics by (run, step), keeping the last record (a learner that republishes a step after a
 * restart); rollouts and evaluations by trajectory id, keeping the first; usage events by id. The lists are sorted
 * by run and step, batch or question, so the sums over them do not depend on the order the records were read in.
 */
public final class DemoRecords {

  private final String prefix;
  private final Map<String, Map<Long, StepPoint>> metrics = new TreeMap<>();
  private final Map<String, RolloutFact> rollouts = new LinkedHashMap<>();
  private final Map<String, EvalFact> evaluations = new LinkedHashMap<>();
  private final Map<String, UsageTally> usage = new TreeMap<>();
  private final Set<String> missingTopics = new TreeSet<>();
  private final Map<String, Long> recordsRead = new TreeMap<>();

  /** An empty collection for the demo {@code demoId}. */
  public DemoRecords(String demoId) {
    this.prefix = demoId + ".";
  }

  /** Whether {@code runId} belongs to this demo. */
  public boolean ours(String runId) {
    return runId.startsWith(prefix);
  }

  /** Adds a step's metrics; records of other demos are ignored. */
  public void addMetrics(StepMetrics m) {
    if (ours(m.getRunId())) {
      metrics.computeIfAbsent(m.getRunId(), k -> new TreeMap<>()).put(m.getStep(), StepPoint.of(m));
    }
  }

  /** Adds a rollout trajectory; records of other demos and repeated trajectory ids are ignored. */
  public void addRollout(Trajectory t) {
    if (ours(t.getRunId())) {
      rollouts.putIfAbsent(t.getTrajectoryId(), RolloutFact.of(t));
    }
  }

  /** Adds an evaluation trajectory; records of other demos and repeated trajectory ids are ignored. */
  public void addEvaluation(Trajectory t) {
    if (ours(t.getRunId())) {
      evaluations.putIfAbsent(t.getTrajectoryId(), EvalFact.of(t));
    }
  }

  /** Adds a usage event to the run its trajectory id starts with; events of other demos are ignored. */
  public void addUsage(ToolUsage u) {
    String trajectory = u.getTrajectoryId();
    int slash = trajectory.indexOf('/');
    String runId = slash < 0 ? trajectory : trajectory.substring(0, slash);
    if (slash > 0 && ours(runId)) {
      usage.computeIfAbsent(runId, k -> new UsageTally()).add(u);
    }
  }

  /** Notes that {@code topic} does not exist on the broker (its records count as none). */
  public void topicMissing(String topic) {
    missingTopics.add(topic);
  }

  /** Notes how many records of {@code topic} were read (all runs, before filtering). */
  public void recordsRead(String topic, long n) {
    recordsRead.put(topic, n);
  }

  /** The steps of {@code runId} in step order (empty when none). */
  public List<StepPoint> steps(String runId) {
    Map<Long, StepPoint> m = metrics.get(runId);
    return m == null ? List.of() : List.copyOf(m.values());
  }

  /** The rollouts of {@code runId}, by batch then trajectory id. */
  public List<RolloutFact> rollouts(String runId) {
    List<RolloutFact> out = new ArrayList<>();
    for (RolloutFact f : rollouts.values()) {
      if (f.runId().equals(runId)) {
        out.add(f);
      }
    }
    out.sort(Comparator.comparingLong(RolloutFact::batch).thenComparing(RolloutFact::trajectoryId));
    return out;
  }

  /** The evaluations of {@code runId}, by question id. */
  public List<EvalFact> evaluations(String runId) {
    List<EvalFact> out = new ArrayList<>();
    for (EvalFact f : evaluations.values()) {
      if (f.runId().equals(runId)) {
        out.add(f);
      }
    }
    out.sort(Comparator.comparing(EvalFact::questionId));
    return out;
  }

  /** What the gateway metered for {@code runId} (empty tally when nothing). */
  public UsageTally usage(String runId) {
    UsageTally t = usage.get(runId);
    return t == null ? new UsageTally() : t;
  }

  /** Every run id seen in any topic, sorted. */
  public Set<String> runIds() {
    Set<String> ids = new TreeSet<>(metrics.keySet());
    rollouts.values().forEach(f -> ids.add(f.runId()));
    evaluations.values().forEach(f -> ids.add(f.runId()));
    ids.addAll(usage.keySet());
    return ids;
  }

  /** Topics that did not exist when read. */
  public Set<String> missingTopics() {
    return new TreeSet<>(missingTopics);
  }

  /** Records read per topic (before filtering by demo). */
  public Map<String, Long> recordsRead() {
    return new TreeMap<>(recordsRead);
  }

  /** The demo's records kept per topic after filtering and deduplication. */
  public Map<String, Long> recordsKept() {
    Map<String, Long> kept = new LinkedHashMap<>();
    kept.put(Topics.METRICS, metrics.values().stream().mapToLong(Map::size).sum());
    kept.put(Topics.ROLLOUTS, (long) rollouts.size());
    kept.put(Topics.EVALUATIONS, (long) evaluations.size());
    kept.put(Topics.TOOL_USAGE, usage.values().stream().mapToLong(UsageTally::events).sum());
    return kept;
  }
}
