package ai.otc.reward.support;

import ai.otc.testkit.process.ServiceProcess;
import java.util.List;
import java.util.Map;

/**
 * The packaged reward-service as the ITs run it, through the test kit's launcher: a lean JVM (a small
 * heap and C1 only start faster on 2 cores) and 100 ms transactions, so outputs show up soon.
 */
public final class PackagedRewardService {

  /** JVM options of an IT instance. */
  public static final List<String> LEAN_JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1");

  private PackagedRewardService() {}

  /**
   * Starts an instance on {@code port} against {@code bootstrap} and waits until it is ready.
   *
   * @param props extra -D system properties (topic names, reward...), over the test defaults
   */
  public static ServiceProcess start(String name, String bootstrap, int port, Map<String, String> props) throws InterruptedException {
    return ServiceProcess.builder().name(name).port(port).jvmOptions(LEAN_JVM)
        .property("otc.reward.commit-interval", "PT0.1S")
        .property("kafka.bootstrap.servers", bootstrap)
        .properties(props)
        .startAndAwaitReady();
  }
}
