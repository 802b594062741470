package ai.otc.platform.supervisor;

/** A part's port is taken by another process: the platform refuses to start (nothing was started). */
public final class PortTakenException extends Exception {
  private final String part;
  private final int port;
  private final String holder;

  public PortTakenException(String part, int port, String holder) {
    super("port " + port + " (" + part + ") is already taken" + (holder == null ? "" : " by " + holder));
    this.part = part;
    this.port = port;
    this.holder = holder;
  }

  /** The part that wanted the port. */
  public String part() {
    return part;
  }

  public int port() {
    return port;
  }

  /** The process that holds it ({@code "pid 1234 (java)"}), when known; else null. */
  public String holder() {
    return holder;
  }
}
