package ai.otc.learner.batch;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.Trajectory;

/**
 * One trajectory as the learner trains on it: the full token row (prompt then response), the response's loss mask
 * (1 = a token the policy generated, 0 = tool output: SR1's {@code info_r}; every response token is in {@code attn_r}),
 * the behaviour policy's log-probs of the response tokens, and the scalars the update and the metrics need.
 *
 * <p>Arrays are owned by the sample and must not be modified; {@code equals} compares them by identity.
 *
 * @param trajectoryId        {@code Trajectory.trajectory_id}
 * @param groupId             the GRPO group id ({@code Trajectory.group_id})
 * @param scoredGroupId       the {@code ScoredGroup.id} this member came in (the learner's dedupe key)
 * @param tokens              prompt ids followed by response ids
 * @param promptLength        number of prompt tokens at the start of {@code tokens} (≥ 1)
 * @param lossMask            0/1 per response token
 * @param oldLogProbs         behaviour log-prob per response token (0 where masked)
 * @param advantage           {@code ScoredTrajectory.advantage} (GRPO)
 * @param reward              {@code ScoredTrajectory.reward} (placed at the last response token for PPO)
 * @param correct             EM verdict of the reward stage
 * @param toolCalls           m, the tool-call count
 * @param questionKind        world kind label ({@code 1p}, …; empty when unknown)
 * @param minCalls            the world's minimal call count (−1 when unknown)
 * @param policyVersion       version that generated the trajectory
 * @param importanceCorrected whether the staleness gate admitted this sample's group for importance correction
 */
public record Sample(String trajectoryId, String groupId, String scoredGroupId, int[] tokens, int promptLength,
    int[] lossMask, float[] oldLogProbs, double advantage, double reward, boolean correct, int toolCalls,
    String questionKind, int minCalls, long policyVersion, boolean importanceCorrected) {

  /** Checks the lengths and values; throws {@link IllegalArgumentException} naming the trajectory and the problem. */
  public Sample {
    String who = "trajectory " + trajectoryId;
    if (tokens == null || lossMask == null || oldLogProbs == null) {
      throw new IllegalArgumentException(who + ": tokens, loss mask and old log-probs are required");
    }
    if (promptLength < 1) {
      throw new IllegalArgumentException(who + ": empty prompt");
    }
    int response = tokens.length - promptLength;
    if (response < 1) {
      throw new IllegalArgumentException(who + ": empty response");
    }
    if (lossMask.length != response) {
      throw new IllegalArgumentException(who + ": loss mask has " + lossMask.length + " entries, response has "
          + response + " tokens");
    }
    if (oldLogProbs.length != response) {
      throw new IllegalArgumentException(who + ": old log-probs have " + oldLogProbs.length + " entries, response has "
          + response + " tokens");
    }
    for (int t = 0; t < response; t++) {
      if (lossMask[t] != 0 && lossMask[t] != 1) {
        throw new IllegalArgumentException(who + ": loss mask entry " + t + " is " + lossMask[t] + " (must be 0 or 1)");
      }
      if (!Float.isFinite(oldLogProbs[t]) || oldLogProbs[t] > 1e-3f) {
        throw new IllegalArgumentException(who + ": old log-prob " + t + " is " + oldLogProbs[t]
            + " (must be a finite log-probability)");
      }
    }
    if (!Double.isFinite(advantage) || !Double.isFinite(reward)) {
      throw new IllegalArgumentException(who + ": advantage " + advantage + " / reward " + reward + " not finite");
    }
    if (toolCalls < 0) {
      throw new IllegalArgumentException(who + ": negative tool-call count " + toolCalls);
    }
    questionKind = questionKind == null ? "" : questionKind;
  }

  /**
   * The sample of one scored member (prompt + response ids, loss mask and old log-probs from its trajectory; reward,
   * advantage, verdict and m from the scoring).
   */
  public static Sample of(ScoredGroup group, ScoredTrajectory member, boolean importanceCorrected) {
    Trajectory t = member.getTrajectory();
    int p = t.getPromptTokenIdsCount();
    int r = t.getResponseTokenIdsCount();
    int[] tokens = new int[p + r];
    for (int i = 0; i < p; i++) {
      tokens[i] = t.getPromptTokenIds(i);
    }
    for (int i = 0; i < r; i++) {
      tokens[p + i] = t.getResponseTokenIds(i);
    }
    int[] mask = t.getLossMaskList().stream().mapToInt(Integer::intValue).toArray();
    float[] old = new float[t.getOldLogProbsCount()];
    for (int i = 0; i < old.length; i++) {
      old[i] = t.getOldLogProbs(i);
    }
    String gid = t.getGroupId().isEmpty() ? group.getGroupId() : t.getGroupId();
    return new Sample(t.getTrajectoryId(), gid, group.getId(), tokens, p, mask, old, member.getAdvantage(),
        member.getReward(), member.getCorrect(), member.getToolCalls(), t.getQuestionKind(),
        t.getMinCalls(), t.getPolicyVersion(), importanceCorrected);
  }

  /** Number of response tokens. */
  public int responseLength() {
    return tokens.length - promptLength;
  }

  /** Number of response tokens in the loss (Σ loss mask). */
  public int lossTokens() {
    int n = 0;
    for (int m : lossMask) {
      n += m;
    }
    return n;
  }
}
