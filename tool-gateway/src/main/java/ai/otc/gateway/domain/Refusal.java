package ai.otc.gateway.domain;

/**
 * Which limit refused (or, in shadow mode, would have refused) a call; the name is the {@code refusal}
 * field of {@code ToolUsage} and the {@code limit} tag of the refusal metric.
 */
public enum Refusal {
  RATE("rate"),
  CONCURRENCY("concurrency"),
  /** The calling tenant already holds its share of the tool's concurrency ({@code max-tenant-share}). */
  TENANT_SHARE("tenant-share"),
  BUDGET("budget");

  private final String id;

  Refusal(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }
}
