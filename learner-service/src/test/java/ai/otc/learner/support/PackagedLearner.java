package ai.otc.learner.support;

import ai.otc.testkit.process.ServiceProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The packaged learner-service as the ITs run it, through the test kit's launcher: a lean JVM, the CPU, and the run's
 * folders under the test's temporary directory.
 */
public final class PackagedLearner {

  /** JVM options of an IT instance (DJL needs native access). */
  public static final List<String> LEAN_JVM = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED");

  private PackagedLearner() {}

  /** A builder with the run's settings; add properties, then start. */
  public static ServiceProcess.Builder builder(String name, String bootstrap, String runId, Path dir, Map<String, String> props) {
    return ServiceProcess.builder().name(name).jvmOptions(LEAN_JVM)
        .env("OPT_OUT_TRACKING", "true")
        .env("OMP_NUM_THREADS", "1")
        .property("kafka.bootstrap.servers", bootstrap)
        .property("otc.learner.run-id", runId)
        .property("otc.learner.initial-policy", dir.resolve("initial.zip").toString())
        .property("otc.learner.policy-store", dir.resolve("store").toUri().toString())
        .property("otc.learner.checkpoint-dir", dir.resolve("checkpoint").toString())
        .property("otc.learner.device", "cpu")
        .property("ai.djl.pytorch.num_threads", "1")
        .properties(props);
  }

  /** Starts and waits until ready (version announced, consumer assigned). */
  public static ServiceProcess start(String name, String bootstrap, String runId, Path dir, Map<String, String> props)
      throws InterruptedException {
    return builder(name, bootstrap, runId, dir, props).startAndAwaitReady();
  }
}
