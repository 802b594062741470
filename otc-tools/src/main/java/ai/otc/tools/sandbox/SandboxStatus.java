package ai.otc.tools.sandbox;

/**
 * How a sandboxed program ended; the gateway maps it one-to-one onto {@code otc.v1.ToolStatus} in the
 * {@code ExecuteCode} RPC and in {@code ToolUsage} events.
 */
public enum SandboxStatus {
  /** Exited with code 0. */
  OK,
  /** Exited non-zero (an exception, {@code sys.exit(n)}, a write refused by the read-only system). */
  ERROR,
  /** Hit the wall-clock limit (killed by the sandbox) or the CPU-seconds limit (SIGXCPU). */
  TIMEOUT,
  /** Hit the address-space limit ({@code MemoryError} or a failed allocation that killed it). */
  OOM,
  /** Ended by a signal it did not choose to handle: cancelled by the caller, SIGKILL, SIGSEGV, file-size cap, ... */
  KILLED,
  /** The sandbox cannot be set up on this host; the program was not run (never run unsandboxed). */
  UNAVAILABLE
}
