package ai.otc.cli.platform;

/**
 * The exit codes of {@code ./otc up}, {@code down} and {@code train}, in line with the other subcommands (0 done, 1 an
 * unexpected failure, 2 a bad flag or input), plus one for "something is in the way" so a script can tell it from a
 * broken command.
 */
public final class PlatformExit {
  /** Done. */
  public static final int OK = 0;
  /** A part failed while starting or running (its log's tail is printed), or the platform could not be stopped. */
  public static final int FAILED = 1;
  /** Bad or missing flag, or a given input is missing or corrupt (world, policy artifact, a service not packaged). */
  public static final int USAGE = 2;
  /** Something is in the way: a port is taken, or a platform or run is already running. Nothing was started. */
  public static final int REFUSED = 3;
  /** Ended by Ctrl-C (SIGINT) or SIGTERM after stopping everything it started (the JVM's 128 + signal). */
  public static final int INTERRUPTED = 130;

  /** The help text's lines for these codes (at most 80 characters each). */
  static final String HELP_1 = "Exit codes: 0 done, 1 a part failed (its log's tail is printed), 2 bad flag or";
  static final String HELP_2 = "missing/corrupt input, 3 in the way (a port taken, already running), 130/143";
  static final String HELP_3 = "ended by Ctrl-C/SIGTERM after stopping everything it started.";

  private PlatformExit() {}
}
