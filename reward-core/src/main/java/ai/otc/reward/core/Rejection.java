package ai.otc.reward.core;

import java.util.Objects;

/**
 * A rollout record refused by {@link GroupRules}: the reason (a DLQ header) and a detail message.
 *
 * @param reason the machine-readable reason
 * @param detail what exactly was wrong, for the operator reading the dead-letter topic
 */
public record Rejection(RejectReason reason, String detail) {
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
