package ai.otc.report;

/**
 * The report's input is missing or unusable: no run folder, no or a malformed {@code demo.json}, a field it needs
 * absent. The message names the file and the field; {@code ./otc report} maps it to its bad-input exit code (2).
 */
public final class ReportInputException extends RuntimeException {

  /** An input problem described by {@code message}. */
  public ReportInputException(String message) {
    super(message);
  }

  /** An input problem described by {@code message}, caused by {@code cause} (a parse or read error). */
  public ReportInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
