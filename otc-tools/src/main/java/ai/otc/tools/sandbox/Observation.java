package ai.otc.tools.sandbox;

/**
 * ToRL's observation rule for a code call (OTC.md §3.4), the text the {@code ExecuteCode} RPC returns
 * as {@code observation}.
 *
 * <p>TODO(issue 4 → lead): delegate to {@code ai.otc.core.protocol.CodeProtocol.observation(stdout,
 * stderr, exitCode, timedOut)} once otc-core provides it, so the rollout and the gateway share one
 * implementation. Until then this is a faithful copy of the rule, tested in {@code ObservationTest}.
 */
public final class Observation {
  /** The message an empty observation becomes (ToRL's timeout text). */
  public static final String TIMEOUT_MESSAGE = "Timeout: the program produced no output within the time limit.";

  private Observation() {}

  /**
   * stdout if the exit code is 0 or stdout is non-empty; otherwise stderr, reduced to its last line when
   * it contains "Error"; empty becomes {@link #TIMEOUT_MESSAGE}; 256 characters or more are cut to the
   * first 128 + "..." + the last 128.
   */
  public static String of(String stdout, String stderr, int exitCode, boolean timedOut) {
    String obs;
    if (exitCode == 0 || !stdout.isEmpty()) {
      obs = stdout;
    } else {
      obs = stderr;
      if (obs.contains("Error")) {
        String trimmed = obs.strip();
        int nl = trimmed.lastIndexOf('\n');
        obs = nl < 0 ? trimmed : trimmed.substring(nl + 1);
      }
    }
    // ToRL treats any empty observation as a timeout (its sandbox answers nothing when it kills a
    // program), so timedOut does not change the text; it is part of the shared signature.
    if (obs.strip().isEmpty()) {
      obs = TIMEOUT_MESSAGE;
    }
    if (obs.length() >= 256) {
      obs = obs.substring(0, 128) + "..." + obs.substring(obs.length() - 128);
    }
    return obs;
  }
}
