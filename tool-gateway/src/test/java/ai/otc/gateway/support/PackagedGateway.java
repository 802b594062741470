package ai.otc.gateway.support;

import ai.otc.testkit.process.ServiceProcess;
import java.nio.file.Path;
import java.util.List;

/**
 * The packaged gateway ({@code target/quarkus-app/quarkus-run.jar}) through the test kit's launcher, with
 * the JVM options it runs with: Lucene's vector module and native access (no warnings at start).
 */
public final class PackagedGateway {

  public static final List<String> JVM_OPTIONS = List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");

  private PackagedGateway() {}

  /** This module's packaged gateway, named {@code name} in its log file. */
  public static ServiceProcess.Builder builder(String name) {
    return ServiceProcess.builder().name(name).jvmOptions(JVM_OPTIONS);
  }

  /** The gateway packaged as {@code jar} (the benchmark's {@code --jar}). */
  public static ServiceProcess.Builder builder(Path jar, String name) {
    return ServiceProcess.builder(jar).name(name).jvmOptions(JVM_OPTIONS);
  }
}
