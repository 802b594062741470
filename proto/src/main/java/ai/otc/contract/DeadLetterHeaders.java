package ai.otc.contract;

import java.util.List;

/**
 * Headers a dead-letter record ({@code <source>.dlq}) carries in addition to the poison record's own
 * headers, which are kept as they were (its key and value are the source record's, unchanged).
 */
public final class DeadLetterHeaders {

  /** Why the record was rejected, a short wire name (reward-service: {@code RejectReason.wireName()}, e.g. {@code undecodable}). */
  public static final String REASON = "dlq-reason";
  /** Human-readable detail (the decoder's message, the offending field). */
  public static final String DETAIL = "dlq-detail";
  /** The topic the record was read from. */
  public static final String SOURCE_TOPIC = "dlq-source-topic";
  /** The partition it was read from (decimal). */
  public static final String SOURCE_PARTITION = "dlq-source-partition";
  /** Its offset in that partition (decimal). */
  public static final String SOURCE_OFFSET = "dlq-source-offset";

  /** The headers every dead letter must carry ({@link #DETAIL} may be absent when there is nothing to add). */
  public static final List<String> REQUIRED = List.of(REASON, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET);

  private DeadLetterHeaders() {}
}
