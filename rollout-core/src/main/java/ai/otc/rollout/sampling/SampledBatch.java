package ai.otc.rollout.sampling;

import ai.otc.proto.v1.Trajectory;
import java.util.List;

/**
 * The result of one {@link GroupSampler#sample} call.
 *
 * @param trajectories question-major, {@code k} minor: the G members of a group are consecutive
 * @param timing       time split and token counts
 */
public record SampledBatch(List<Trajectory> trajectories, BatchTiming timing) {
  public SampledBatch {
    trajectories = List.copyOf(trajectories);
  }
}
