package ai.otc.learner.training;

import ai.otc.learner.batch.BatchStats;
import ai.otc.learner.batch.Sample;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.learner.domain.GroupDecision;
import ai.otc.learner.update.UpdateStats;
import ai.otc.proto.v1.StepMetrics;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a step's {@code StepMetrics} (pure). Fields are the contract's ({@code proto/.../policy.proto}); the batch's
 * figures come from learner-core's {@link BatchStats}, the update's from {@link UpdateStats}:
 *
 * <ul>
 *   <li>{@code em}, {@code tc}, {@code tp} (absent when no trajectory called a tool), {@code mean_reward},
 *       {@code trajectories} over every trajectory of the batch (zero-advantage groups included); {@code loss},
 *       {@code kl}, {@code entropy}, {@code clip_fraction}, {@code grad_norm} from the update; {@code seconds}: the
 *       step from the end of the previous one to its version being stored;</li>
 *   <li>{@code extra}: {@link BatchStats#toExtra()} ({@code em/<kind>}, {@code tc/<kind>}, {@code n/<kind>},
 *       {@code reward_std}, {@code adv_*}, {@code zero_adv_groups}, {@code optimal_call_rate}, …),
 *       {@code excess_calls/<kind>} and {@code excess_calls} (mean m − min_calls over the trajectories whose minimal
 *       call count is known), {@link UpdateStats#toExtra()} ({@code pg_loss}, {@code lr}, {@code groups_skipped}, …);
 *       the decisions taken while the batch was assembled: {@code groups}, {@code groups_fresh},
 *       {@code groups_stale_corrected}, {@code groups_stale_dropped}, {@code groups_duplicate},
 *       {@code groups_other_run}, {@code groups_other_reward}, {@code groups_dead_letter}; {@code staleness_mean} and {@code staleness_max}
 *       (versions behind the learner) of the batch's groups; the time split {@code wait_seconds} (waiting for
 *       groups), {@code update_seconds}, {@code checkpoint_seconds}, {@code store_seconds}.</li>
 * </ul>
 */
public final class StepMetricsBuilder {

  /** Seconds spent waiting for the batch and updating. */
  public record Times(double waitSeconds, double updateSeconds) {}

  private StepMetricsBuilder() {}

  /** The metrics of step {@code step} (which produces version {@code step}), before its checkpoint and store times. */
  public static StepMetrics build(String runId, long step, String reward, BatchAssembler.Batch batch, TrainingBatch tb,
      UpdateStats update, Times times, Instant now) {
    BatchStats st = tb.stats();
    StepMetrics.Builder b = StepMetrics.newBuilder()
        .setRunId(runId)
        .setStep(step)
        .setPolicyVersion(step)
        .setReward(reward)
        .setEm(st.em())
        .setTc(st.tc())
        .setMeanReward(st.meanReward())
        .setLoss(update.loss())
        .setKl(update.kl())
        .setEntropy(update.entropy())
        .setClipFraction(update.clipFraction())
        .setGradNorm(update.gradNorm())
        .setTrajectories(st.trajectories())
        .setSeconds(times.waitSeconds() + times.updateSeconds())
        .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    st.tp().ifPresent(b::setTp);
    Map<String, Double> x = new LinkedHashMap<>(st.toExtra());
    x.putAll(excessCalls(tb));
    x.putAll(update.toExtra());
    x.put("groups", (double) batch.groups().size());
    for (GroupDecision d : GroupDecision.values()) {
      x.put(d.extraKey(), (double) batch.decisions().getOrDefault(d, 0L));
    }
    double stale = 0;
    long staleMax = 0;
    for (BatchAssembler.Accepted a : batch.groups()) {
      stale += a.staleness();
      staleMax = Math.max(staleMax, a.staleness());
    }
    x.put("staleness_mean", batch.groups().isEmpty() ? 0 : stale / batch.groups().size());
    x.put("staleness_max", (double) staleMax);
    x.put("wait_seconds", times.waitSeconds());
    x.put("update_seconds", times.updateSeconds());
    return b.putAllExtra(x).build();
  }

  /** {@code excess_calls/<kind>} and {@code excess_calls}: mean m − min_calls where the world knows min_calls. */
  static Map<String, Double> excessCalls(TrainingBatch tb) {
    Map<String, double[]> kinds = new TreeMap<>();
    double n = 0;
    double sum = 0;
    for (Sample s : tb.samples()) {
      if (s.minCalls() < 0) {
        continue;
      }
      double[] k = kinds.computeIfAbsent(s.questionKind().isEmpty() ? "unknown" : s.questionKind(), y -> new double[2]);
      k[0]++;
      k[1] += s.toolCalls() - s.minCalls();
      n++;
      sum += s.toolCalls() - s.minCalls();
    }
    Map<String, Double> out = new LinkedHashMap<>();
    kinds.forEach((k, v) -> out.put("excess_calls/" + k, v[1] / v[0]));
    if (n > 0) {
      out.put("excess_calls", sum / n);
    }
    return out;
  }

  /** Adds the checkpoint and store times, measured after the metrics were saved with the checkpoint. */
  public static StepMetrics withTimes(StepMetrics m, double checkpointSeconds, double storeSeconds) {
    return m.toBuilder()
        .putExtra("checkpoint_seconds", checkpointSeconds)
        .putExtra("store_seconds", storeSeconds)
        .setSeconds(m.getSeconds() + checkpointSeconds + storeSeconds)
        .build();
  }
}
