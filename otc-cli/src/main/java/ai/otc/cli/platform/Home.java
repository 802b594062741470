package ai.otc.cli.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the packaged services are: the repository root the {@code ./otc} launcher passes as {@code otc.home} (the
 * working directory when it is not set), with each service at {@code <module>/target/quarkus-app/quarkus-run.jar}.
 */
record Home(Path root) {

  /** The services {@code up} and {@code train} start, by module folder. */
  static final String GATEWAY = "tool-gateway";
  static final String REWARD = "reward-service";
  static final String ROLLOUT = "rollout-service";
  static final String LEARNER = "learner-service";

  static Home fromSystem() {
    return new Home(Path.of(System.getProperty("otc.home", ".")).toAbsolutePath().normalize());
  }

  /** The packaged service of {@code module}; refuses naming the build command when it is not there. */
  Path jar(String module) throws Refusal {
    Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw Refusal.usage(root.relativize(jar) + " is missing: package the services first with ./mvnw -B -DskipTests install -pl "
          + String.join(",", GATEWAY, REWARD, ROLLOUT, LEARNER) + " -am");
    }
    return jar;
  }

  /** The jars added to the broker JVM's class path for its log (an slf4j binding copied there by the CLI's build). */
  List<Path> brokerLogBinding() {
    Path dir = root.resolve("otc-cli/target/broker-lib");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
