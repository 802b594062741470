package ai.otc.cli.tool;

import io.grpc.Status;

/**
 * The exit codes of {@code ./otc tool search|code}, one per class of outcome, so a script can tell "retry later"
 * from "fix the credential" from "fix the command". Listed in the commands' help and in the tool gateway's README.
 */
public final class ExitCode {
  /** The gateway answered; the tool's own status (a program's ERROR or TIMEOUT, say) is in the output. */
  public static final int OK = 0;
  /** An unexpected failure inside the command itself (picocli prints the stack trace). */
  public static final int INTERNAL = 1;
  /** Bad or missing flag, no program on stdin, or the gateway refused the request as invalid ({@code INVALID_ARGUMENT}). */
  public static final int USAGE = 2;
  /** Over a limit ({@code RESOURCE_EXHAUSTED}): rate, budget or concurrency; retry after the printed retry-after. */
  public static final int REFUSED = 3;
  /** Not answered in time or not reachable ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}): draining, another replica's tenant, down. */
  public static final int UNAVAILABLE = 4;
  /** The credential was refused ({@code UNAUTHENTICATED}, {@code PERMISSION_DENIED}). */
  public static final int AUTH = 5;
  /** Any other gRPC status (e.g. {@code FAILED_PRECONDITION} when the host has no code sandbox, {@code INTERNAL}). */
  public static final int OTHER = 6;

  /** The help text's lines for these codes (lines of at most 80 characters). */
  static final String HELP_1 = "Exit codes: 0 answered (the tool's own status is in the output), 1 unexpected";
  static final String HELP_2 = "error, 2 bad flag or input (also INVALID_ARGUMENT), 3 over a limit";
  static final String HELP_3 = "(RESOURCE_EXHAUSTED), 4 UNAVAILABLE or DEADLINE_EXCEEDED, 5 UNAUTHENTICATED or";
  static final String HELP_4 = "PERMISSION_DENIED, 6 any other gRPC status.";

  private ExitCode() {}

  /** The exit code of a call that ended with {@code code}. */
  public static int of(Status.Code code) {
    return switch (code) {
      case OK -> OK;
      case INVALID_ARGUMENT -> USAGE;
      case RESOURCE_EXHAUSTED -> REFUSED;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> UNAVAILABLE;
      case UNAUTHENTICATED, PERMISSION_DENIED -> AUTH;
      default -> OTHER;
    };
  }
}
