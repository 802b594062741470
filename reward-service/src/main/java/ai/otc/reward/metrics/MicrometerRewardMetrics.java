package ai.otc.reward.metrics;

import ai.otc.reward.core.RejectReason;
import ai.otc.reward.core.ScoredGroupWriter;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.pipeline.OptimalCallTable;
import ai.otc.reward.pipeline.RewardStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every Prometheus meter of the reward service (scraped at {@code /q/metrics}): groups completed,
 * timed out (by policy), dropped, scored (partial or not), duplicates and late members ignored,
 * dead letters by reason, the distribution of final rewards and of the n used, and the gauges of
 * the running stream ({@link #observe}: consumer lag, pending groups, markers, table size).
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class MicrometerRewardMetrics implements RewardMetrics {

  private final Counter completed;
  private final Map<TimeoutPolicy, Counter> timedOut = new EnumMap<>(TimeoutPolicy.class);
  private final Counter dropped;
  private final Counter scored;
  private final Counter scoredPartial;
  private final Counter duplicates;
  private final Counter late;
  private final Counter otherRun;
  private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
  private final DistributionSummary reward;
  private final DistributionSummary n;
  private final Counter nUndefined;
  private final MeterRegistry registry;

  @Inject
  public MicrometerRewardMetrics(MeterRegistry registry) {
    this.registry = registry;
    completed = Counter.builder("otc.reward.groups.completed").description("Groups that got all their expected members").register(registry);
    for (TimeoutPolicy p : TimeoutPolicy.values()) {
      timedOut.put(p, Counter.builder("otc.reward.groups.timed.out").tag("policy", p.cliName())
          .description("Groups still incomplete at their timeout").register(registry));
    }
    dropped = Counter.builder("otc.reward.groups.dropped").description("Timed-out groups dropped (policy drop-and-count)").register(registry);
    scored = Counter.builder("otc.reward.groups.scored").tag("partial", "false").description("Groups produced to the rewarded topic").register(registry);
    scoredPartial = Counter.builder("otc.reward.groups.scored").tag("partial", "true").description("Groups produced to the rewarded topic").register(registry);
    duplicates = Counter.builder("otc.reward.duplicates.ignored").description("Trajectories whose id was already in their pending group").register(registry);
    late = Counter.builder("otc.reward.late.members.ignored").description("Trajectories of groups already finished").register(registry);
    otherRun = Counter.builder("otc.reward.other.run").description("Trajectories of runs not in otc.reward.run-ids, skipped")
        .register(registry);
    for (RejectReason r : RejectReason.values()) {
      deadLetters.put(r, Counter.builder("otc.reward.dead.letters").tag("reason", r.wireName())
          .description("Rollout records sent to the dead-letter topic").register(registry));
    }
    reward = DistributionSummary.builder("otc.reward.reward").description("Final reward per scored trajectory")
        // Micrometer takes only positive bucket bounds: rewards <= 0.001 (wrong answers, ToRL's -1) share the first bucket.
        .serviceLevelObjectives(0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0001, 2).register(registry);
    n = DistributionSummary.builder("otc.reward.optimal.calls").description("The n used per scored group (OTC-GRPO)")
        .serviceLevelObjectives(0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 8.5, 10.5).register(registry);
    nUndefined = Counter.builder("otc.reward.optimal.calls.undefined").description("Groups scored with n undefined").register(registry);
  }

  /** Registers the gauges read from the stream's status board and its optimal-call table (once, at start). */
  public void observe(RewardStream.StatusBoard status, OptimalCallTable table) {
    Gauge.builder("otc.reward.rollouts.lag", status, RewardStream.StatusBoard::lag)
        .description("Records behind the end of the rollouts topic, summed over this instance's partitions").register(registry);
    Gauge.builder("otc.reward.groups.pending", status, RewardStream.StatusBoard::pendingGroups)
        .description("Groups waiting for members on this instance").register(registry);
    Gauge.builder("otc.reward.groups.pending.bytes", status, RewardStream.StatusBoard::pendingBytes)
        .description("Member bytes held by the groups waiting for members (capped by otc.reward.limits.max-pending-bytes)").register(registry);
    Gauge.builder("otc.reward.back.pressure", status, st -> st.backPressure() ? 1 : 0)
        .description("1 while the rollouts partitions are paused because the pending groups reached a cap").register(registry);
    Gauge.builder("otc.reward.groups.finished.markers", status, RewardStream.StatusBoard::finishedMarkers)
        .description("Finished groups remembered to ignore their late members").register(registry);
    Gauge.builder("otc.reward.optimal.calls.questions", table, OptimalCallTable::size)
        .description("Questions with a defined n in this instance's table").register(registry);
  }

  @Override
  public void groupCompleted(int size) {
    completed.increment();
  }

  @Override
  public void groupTimedOut(TimeoutPolicy policy, int present, int expected) {
    timedOut.get(policy).increment();
    if (policy == TimeoutPolicy.DROP_AND_COUNT) {
      dropped.increment();
    }
  }

  @Override
  public void duplicateIgnored() {
    duplicates.increment();
  }

  @Override
  public void lateMemberIgnored() {
    late.increment();
  }

  @Override
  public void otherRunSkipped() {
    otherRun.increment();
  }

  @Override
  public void deadLettered(RejectReason reason) {
    deadLetters.get(reason).increment();
  }

  @Override
  public void groupScored(ScoredGroupWriter.Result group, boolean partial, boolean otcGrpo) {
    (partial ? scoredPartial : scored).increment();
    for (double r : group.rewards()) {
      reward.record(r);
    }
    if (group.n().isPresent()) {
      n.record(group.n().getAsInt());
    } else if (otcGrpo) {
      nUndefined.increment();
    }
  }
}
