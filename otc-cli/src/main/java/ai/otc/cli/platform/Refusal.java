package ai.otc.cli.platform;

/**
 * Why {@code up}, {@code down} or {@code train} stops before (or while) doing its work: one sentence that names the fix,
 * and the exit code ({@link PlatformExit}). The command prints {@code otc <command>: <sentence>} on stderr.
 */
final class Refusal extends Exception {
  private final int exitCode;

  Refusal(int exitCode, String sentence) {
    super(sentence);
    this.exitCode = exitCode;
  }

  Refusal(int exitCode, String sentence, Throwable cause) {
    super(sentence, cause);
    this.exitCode = exitCode;
  }

  static Refusal usage(String sentence) {
    return new Refusal(PlatformExit.USAGE, sentence);
  }

  static Refusal inTheWay(String sentence) {
    return new Refusal(PlatformExit.REFUSED, sentence);
  }

  static Refusal failed(String sentence) {
    return new Refusal(PlatformExit.FAILED, sentence);
  }

  int exitCode() {
    return exitCode;
  }
}
