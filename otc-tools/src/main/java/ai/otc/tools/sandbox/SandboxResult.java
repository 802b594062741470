package ai.otc.tools.sandbox;

/**
 * The outcome of one sandboxed run, answered by {@link Sandbox#run} and mapped by the gateway onto the
 * {@code ExecuteCode} response.
 *
 * @param status how the program ended
 * @param observation the ToRL observation (OTC.md §3.4) the policy sees
 * @param stdout captured standard output, bounded (head and tail kept, see {@link SandboxConfig#outputHeadBytes()})
 * @param stderr captured standard error, bounded the same way
 * @param exitCode the exit code, {@code 128 + signal} when a signal ended it, -1 when it never started
 * @param wallMs wall-clock milliseconds from launch to exit
 * @param truncated true when stdout or stderr exceeded the capture bound and its middle was dropped
 * @param stdoutBytes bytes the program wrote to stdout in total (also the dropped ones)
 * @param detail why the sandbox ended it or could not run it; empty for an ordinary exit
 */
public record SandboxResult(
    SandboxStatus status,
    String observation,
    String stdout,
    String stderr,
    int exitCode,
    double wallMs,
    boolean truncated,
    long stdoutBytes,
    String detail) {

  static SandboxResult unavailable(String reason) {
    return new SandboxResult(SandboxStatus.UNAVAILABLE, "sandbox unavailable: " + reason, "", "", -1, 0, false, 0, reason);
  }
}
