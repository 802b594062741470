package ai.otc.platform.supervisor;

/** A part did not become ready (it exited, or the time was up), or the topics could not be created. */
public final class PartFailedException extends Exception {
  private final String part;
  private final String logTail;

  public PartFailedException(String part, String message, String logTail, Throwable cause) {
    super(message, cause);
    this.part = part;
    this.logTail = logTail;
  }

  /** The part that failed ({@code topics} for the topic set-up). */
  public String part() {
    return part;
  }

  /** The last lines of its log, or empty. */
  public String logTail() {
    return logTail == null ? "" : logTail;
  }
}
