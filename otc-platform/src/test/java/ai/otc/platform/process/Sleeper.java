package ai.otc.platform.process;

/** A JVM that does nothing until it is ended: what {@link ParentWatchTest} starts as a grandchild. */
public final class Sleeper {

  private Sleeper() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("sleeping");
    Thread.sleep(Long.MAX_VALUE);
  }
}
