package ai.otc.rollout.loop;

import ai.otc.rollout.policy.LoadedPolicy;
import ai.otc.rollout.sampling.SampledBatch;
import ai.otc.world.Question;
import java.util.List;

/**
 * Generates one batch's trajectories with one policy version: {@link GatewaySampling} (rollout-core's
 * {@code GroupSampler} over the gateway client) in the service.
 */
public interface BatchSampler {

  /**
   * @param policy    the version to sample with (leased for the call)
   * @param batch     the batch number
   * @param questions this instance's share of the batch
   */
  SampledBatch sample(LoadedPolicy policy, long batch, List<Question> questions);
}
