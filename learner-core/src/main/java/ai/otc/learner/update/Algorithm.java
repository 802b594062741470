package ai.otc.learner.update;

import java.util.Locale;

/** Which update the learner runs. */
public enum Algorithm {
  /** GRPO: the reward service's group-normalised advantages, KL loss to the reference, no critic. */
  GRPO,
  /** PPO: a critic, KL-in-reward, GAE (LEARNER.md §5). */
  PPO;

  /** Parses {@code grpo} / {@code ppo} (case-insensitive). */
  public static Algorithm parse(String s) {
    String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "grpo" -> GRPO;
      case "ppo" -> PPO;
      default -> throw new IllegalArgumentException("unknown algorithm '" + s + "': expected grpo or ppo");
    };
  }
}
