package ai.otc.rollout.support;

import ai.otc.testkit.process.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The packaged services the ITs start as child processes through the test kit's launcher: this module's
 * {@code quarkus-run.jar} ({@code otc.app.dir}, set by failsafe) and the tool gateway's
 * ({@code otc.gateway.app.dir}: {@code tool-gateway/target/quarkus-app}, which the reactor builds first; see the pom).
 */
public final class PackagedServices {
  private static final String DJL_CACHE = System.getenv().getOrDefault("DJL_CACHE_DIR",
      Path.of(System.getProperty("user.home"), ".djl.ai").toString());

  private PackagedServices() {}

  /** The rollout service: DJL offline, one PyTorch thread (several instances share two cores), a small heap. */
  public static ServiceProcess.Builder rollout(String name) {
    return ServiceProcess.builder().name(name)
        .jvmOptions("-Xmx384m", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1")
        .env("OPT_OUT_TRACKING", "true")
        .env("DJL_CACHE_DIR", DJL_CACHE);
  }

  /** The packaged tool gateway, with the JVM options its ITs use (Lucene's vector module, native access). */
  public static ServiceProcess.Builder gateway(String name) {
    String dir = System.getProperty("otc.gateway.app.dir", "../tool-gateway/target/quarkus-app");
    Path jar = Path.of(dir, "quarkus-run.jar").toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the packaged tool gateway is missing: " + jar
          + " (package it: ./mvnw -pl tool-gateway -am package -DskipTests)");
    }
    return ServiceProcess.builder(jar).name(name).logDir(Path.of("target", "it-logs").toAbsolutePath())
        .jvmOptions(List.of("-Xmx256m", "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
  }
}
