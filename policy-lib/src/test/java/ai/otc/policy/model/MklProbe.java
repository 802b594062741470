package ai.otc.policy.model;

/** A child JVM for {@link MklCodePathTest}: loads the engine under its own system properties and prints what MKL chose. */
public final class MklProbe {
  private MklProbe() {}

  public static void main(String[] args) {
    System.out.println("mkl " + MklCodePath.detected() + " | " + MklCodePath.describe());
  }
}
