package ai.otc.core.reward;

/** The reward family of OTC.md §1: the correctness-only baseline and the two OTC variants. */
public enum RewardKind {
  /** Search-R1 / ToRL baseline: final = r_phi (EM only). */
  EM,
  /** OTC-PPO: r_tool = cos(mπ/(2m+c)), no per-question n (OTC.md §1.2). */
  OTC_PPO,
  /** OTC-GRPO: r_tool from m and the global per-question optimal n (OTC.md §1.3, §2). */
  OTC_GRPO;

  /** Parses the command-line spelling: {@code em}, {@code otc-ppo}, {@code otc-grpo} (case and -/_ insensitive). */
  public static RewardKind parse(String s) {
    String k = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    if (k.equals("SEARCH_R1") || k.equals("BASELINE")) {
      return EM;
    }
    try {
      return valueOf(k);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown reward '" + s + "' (expected em, otc-ppo or otc-grpo)", e);
    }
  }

  /** The command-line spelling, e.g. {@code otc-grpo}. */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
