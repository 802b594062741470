package ai.otc.contract;

/**
 * CloudEvents 1.0 binary-mode headers and values of the CloudEvents-shaped topic
 * (otc.tool-usage.v1): the event id and type are also headers, so a consumer can dedupe and route
 * without parsing the value. The value itself ({@code otc.v1.ToolUsage}) repeats them as fields.
 */
public final class CloudEvents {

  /** The event id (deterministic, see the tool gateway's README); consumers dedupe on it. */
  public static final String HEADER_ID = "ce_id";
  /** The event type. */
  public static final String HEADER_TYPE = "ce_type";
  /** The CloudEvents spec version written into {@code ToolUsage.specversion}. */
  public static final String SPEC_VERSION = "1.0";
  /** The event type of a tool-usage event ({@link #HEADER_TYPE} header and {@code ToolUsage.type}). */
  public static final String TYPE_TOOL_USAGE = "ai.otc.tool.usage.v1";

  private CloudEvents() {}
}
