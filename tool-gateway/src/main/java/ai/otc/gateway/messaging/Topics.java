package ai.otc.gateway.messaging;

/**
 * Topic and header names the gateway produces to, shared with tests and consumers so nobody types a
 * topic name twice.
 */
public final class Topics {
  /** One {@code ai.otc.proto.v1.ToolUsage} per tool call, key = tenant (ARCHITECTURE.md, Events). */
  public static final String TOOL_USAGE = "otc.tool-usage.v1";

  /** Header with the protobuf message type of the record value. */
  public static final String HEADER_TYPE = "otc-type";
  /** Header with the schema version of the record value. */
  public static final String HEADER_VERSION = "otc-version";
  /** CloudEvents binary-mode id header (the deterministic event id, for dedupe without parsing). */
  public static final String HEADER_CE_ID = "ce_id";
  /** CloudEvents binary-mode type header. */
  public static final String HEADER_CE_TYPE = "ce_type";
  /** CloudEvents type of a usage event. */
  public static final String USAGE_EVENT_TYPE = "ai.otc.tool.usage.v1";

  private Topics() {}
}
