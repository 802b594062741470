package ai.otc.testkit;

/**
 * Free TCP ports on the loopback interface, for brokers and services under test (the platform's
 * {@link ai.otc.platform.process.Ports}). A port is free when asked; whoever binds it first gets it, so bind soon after
 * asking.
 */
public final class Ports {

  private Ports() {}

  /** A port nothing on 127.0.0.1 listens on right now. */
  public static int free() {
    return ai.otc.platform.process.Ports.free();
  }
}
