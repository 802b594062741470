package ai.otc.report;

/**
 * Another broker holds the demo's broker data (the demo, or {@code ./otc up}, still running on it): the report must
 * read from that broker ({@code --bootstrap}) instead of starting a second one. {@code ./otc report} maps it to its
 * "in the way" exit code (3).
 */
public final class BrokerBusyException extends RuntimeException {

  /** The data folder {@code message} names is in use. */
  public BrokerBusyException(String message) {
    super(message);
  }
}
