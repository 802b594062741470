package ai.otc.cli.score;

/** A bad input line for {@code otc score}: carries the 1-based line number for the error message. */
public final class InputException extends Exception {

  private final long line;

  public InputException(long line, String message) {
    super("line " + line + ": " + message);
    this.line = line;
  }

  public long line() {
    return line;
  }
}
