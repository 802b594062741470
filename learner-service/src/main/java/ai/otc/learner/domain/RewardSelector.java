package ai.otc.learner.domain;

import ai.otc.proto.v1.RewardName;
import ai.otc.proto.v1.RewardSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * Which scored groups of otc.rewarded.v1 a run trains on. Several reward services may score the same rollouts, each
 * with its own reward (the demo runs one per run, and anyone may add one for analytics), so every group id can arrive
 * once per reward: a learner must train on one reward only, or a run labelled {@code em} trains on a mixture of EM and
 * OTC advantages (it did, before this selector existed: the EM baseline then dropped calls as OTC did).
 *
 * <p>With {@code otc.learner.reward} set, only groups whose {@code RewardSpec.name} is that reward are trained. Unset,
 * the first group of the run fixes the reward (logged), and groups of any other reward are skipped from then on.
 * Not thread-safe (the learner's single consumer thread).
 */
public final class RewardSelector {
  private final boolean configured;
  private RewardName wanted;

  private RewardSelector(RewardName wanted) {
    this.configured = wanted != null;
    this.wanted = wanted;
  }

  /** Trains only on {@code label}'s reward ({@code em}, {@code otc-grpo}, {@code otc-ppo}). */
  public static RewardSelector of(String label) {
    return new RewardSelector(parse(label));
  }

  /** {@link #of} when a label is given, else the first group's reward. */
  public static RewardSelector of(Optional<String> label) {
    return label.map(RewardSelector::of).orElseGet(RewardSelector::firstSeen);
  }

  /** The reward of the first group decided, then only that one. */
  public static RewardSelector firstSeen() {
    return new RewardSelector(null);
  }

  /**
   * The contract's reward name of a label: {@code otc-grpo} → {@code REWARD_NAME_OTC_GRPO}.
   *
   * @throws IllegalArgumentException naming {@code otc.learner.reward} for a label that is no reward of the contract
   */
  public static RewardName parse(String label) {
    String l = label.trim().toLowerCase(Locale.ROOT);
    int colon = l.indexOf(':');
    if (colon >= 0) {
      l = l.substring(0, colon);
    }
    RewardName n = null;
    for (RewardName r : RewardName.values()) {
      if (r != RewardName.REWARD_NAME_UNSPECIFIED && r != RewardName.UNRECOGNIZED && label(r).equals(l)) {
        n = r;
      }
    }
    if (n == null) {
      throw new IllegalArgumentException("otc.learner.reward: '" + label + "' is no reward of the contract (em, otc-grpo or otc-ppo)");
    }
    return n;
  }

  /** The label of a contract reward name: {@code REWARD_NAME_OTC_GRPO} → {@code otc-grpo}. */
  public static String label(RewardName name) {
    return name.name().replace("REWARD_NAME_", "").toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Whether a group scored with {@code spec} is trained. Unconfigured, the first call fixes the reward; call it only for
   * groups of this run.
   */
  public boolean accepts(RewardSpec spec) {
    if (wanted == null) {
      wanted = spec.getName();
      return true;
    }
    return spec.getName() == wanted;
  }

  /** Whether the reward was given by configuration (else the first group's). */
  public boolean configured() {
    return configured;
  }
}
