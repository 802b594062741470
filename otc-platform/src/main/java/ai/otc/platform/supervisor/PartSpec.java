package ai.otc.platform.supervisor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One process of a {@link Plan}: what to start, on which port, in which stage, with which configuration, and where its
 * output goes.
 *
 * @param name       short name, unique in the plan: in the state file, the log file and every message ({@code kafka},
 *                   {@code gateway}, {@code reward}, …)
 * @param kind       how it is started and when it counts as ready
 * @param port       the port it listens on (127.0.0.1); checked free before anything starts
 * @param stage      parts of stage 0 start first and together, then stage 1 once all of stage 0 is ready, …; stopping
 *                   goes the other way
 * @param jar        {@link Kind#QUARKUS}: the {@code quarkus-run.jar}
 * @param jvmOptions options of the child JVM (heap, {@code --add-modules}, …)
 * @param properties {@link Kind#QUARKUS}: {@code -D} system properties (its config); {@link Kind#BROKER}: overrides
 *                   of the broker settings
 * @param env        environment variables added for the child
 * @param log        the child's stdout and stderr (appended)
 * @param dataDir    {@link Kind#BROKER}: the broker's data folder (formatted at its first start, kept after)
 * @param classPath  {@link Kind#BROKER}: jars added to the broker JVM's class path (an slf4j binding for its log)
 */
public record PartSpec(String name, Kind kind, int port, int stage, Path jar, List<String> jvmOptions,
    Map<String, String> properties, Map<String, String> env, Path log, Path dataDir, List<Path> classPath) {

  /** How a part is started and when it is ready. */
  public enum Kind {
    /** The embedded KRaft broker in a child JVM; ready when it answers a metadata request. */
    BROKER,
    /** A packaged Quarkus service ({@code java -jar quarkus-run.jar}); ready when {@code /q/health/ready} answers 200. */
    QUARKUS
  }

  public PartSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(log, "log");
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("part name " + name + " must be lower-case letters, digits and '-'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("part " + name + ": port " + port + " is not in 1..65535");
    }
    if (stage < 0) {
      throw new IllegalArgumentException("part " + name + ": stage must be >= 0");
    }
    if (kind == Kind.QUARKUS && jar == null) {
      throw new IllegalArgumentException("part " + name + ": a Quarkus service needs its jar");
    }
    if (kind == Kind.BROKER && dataDir == null) {
      throw new IllegalArgumentException("part " + name + ": the broker needs its data folder");
    }
    jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    env = env == null ? Map.of() : Map.copyOf(env);
    classPath = classPath == null ? List.of() : List.copyOf(classPath);
  }

  /** A packaged Quarkus service. */
  public static PartSpec quarkus(String name, int port, int stage, Path jar, List<String> jvmOptions,
      Map<String, String> properties, Map<String, String> env, Path log) {
    return new PartSpec(name, Kind.QUARKUS, port, stage, jar, jvmOptions, properties, env, log, null, null);
  }

  /** The embedded broker in a child JVM. */
  public static PartSpec broker(String name, int port, int stage, Path dataDir, List<String> jvmOptions,
      Map<String, String> overrides, List<Path> classPath, Path log) {
    return new PartSpec(name, Kind.BROKER, port, stage, null, jvmOptions, overrides, Map.of(), log, dataDir, classPath);
  }

  /** {@code 127.0.0.1:<port>}. */
  public String endpoint() {
    return "127.0.0.1:" + port;
  }
}
