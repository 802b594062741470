package ai.otc.reward.core;

import java.util.Objects;

/**
 * A rollout record refused by {@link GroupRules}: the reason (a DLQ header) and a detail message.
 * The detail is bounded ({@link #MAX_DETAIL_CHARS}): it quotes ids and keys from the record, and a
 * hostile record must not make its own dead letter too large to write.
 *
 * @param reason the machine-readable reason
 * @param detail what exactly was wrong, for the operator reading the dead-letter topic; cut to
 *     {@link #MAX_DETAIL_CHARS} characters, the cut marked with how much was left out
 */
public record Rejection(RejectReason reason, String detail) {

  /** The most characters a detail keeps (at most 4 bytes each in UTF-8). */
  public static final int MAX_DETAIL_CHARS = 1000;

  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    detail = bounded(detail, MAX_DETAIL_CHARS);
  }

  /**
   * {@code s} itself when it has at most {@code max} characters, else its start and a marker
   * {@code … [N more chars]} naming how many were left out, at most {@code max} characters in all (never splitting a
   * surrogate pair).
   */
  public static String bounded(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    // Room for the marker: an ellipsis, " [", up to 10 digits and " more chars]".
    int keep = Math.max(0, max - 25);
    if (keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
      keep--;
    }
    return s.substring(0, keep) + "\u2026 [" + (s.length() - keep) + " more chars]";
  }
}
