package ai.otc.platform.supervisor;

import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.platform.process.ChildProcess;
import ai.otc.platform.process.QuarkusApp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A part a {@link Supervisor} launched: its process, readiness, state-file entry and stop. */
abstract class StartedPart {
  final PartSpec spec;
  volatile Duration readyAfter;

  StartedPart(PartSpec spec) {
    this.spec = spec;
  }

  abstract void startAndAwaitReady(Duration timeout) throws Exception;

  abstract long pid();

  abstract Optional<Instant> startInstant();

  abstract boolean isAlive();

  abstract Optional<Integer> exitCode();

  abstract String tail(int lines);

  /** SIGTERM, SIGKILL after {@code grace}; the exit code, or null when unknown. */
  abstract Integer stop(Duration grace);

  PlatformState.Part state() {
    return new PlatformState.Part(spec.name(), spec.kind().name(), pid(), startInstant().map(Instant::toString).orElse(null),
        spec.endpoint(), spec.log().toString(), readyAfter != null,
        readyAfter == null ? 0 : readyAfter.toMillis() / 1000.0, isAlive() ? null : exitCode().orElse(null));
  }

  /** A packaged Quarkus service. */
  static final class Service extends StartedPart {
    private volatile ChildProcess child;

    Service(PartSpec spec) {
      super(spec);
    }

    @Override
    void startAndAwaitReady(Duration timeout) throws Exception {
      if (!java.nio.file.Files.isRegularFile(spec.jar())) {
        throw new IllegalStateException(spec.jar() + " is missing");
      }
      child = ChildProcess.start(spec.name(), QuarkusApp.command(spec.jar(), spec.port(), spec.jvmOptions(), spec.properties()),
          spec.env(), spec.log());
      QuarkusApp.awaitReady(child, spec.port(), timeout);
    }

    @Override
    long pid() {
      return child == null ? -1 : child.pid();
    }

    @Override
    Optional<Instant> startInstant() {
      return child == null ? Optional.empty() : child.handle().info().startInstant();
    }

    @Override
    boolean isAlive() {
      return child != null && child.isAlive();
    }

    @Override
    Optional<Integer> exitCode() {
      return child == null ? Optional.empty() : child.exitCode();
    }

    @Override
    String tail(int lines) {
      return child == null ? "" : child.tail(lines);
    }

    @Override
    Integer stop(Duration grace) {
      if (child == null) {
        return null;
      }
      try {
        return child.terminate(grace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        try {
          child.kill();
        } catch (InterruptedException again) {
          Thread.currentThread().interrupt();
        }
        return null;
      }
    }
  }

  /** The embedded broker in a child JVM. */
  static final class Broker extends StartedPart {
    private final EmbeddedBroker broker;
    private volatile ProcessHandle handle;

    Broker(PartSpec spec) {
      super(spec);
      this.broker = EmbeddedBroker.builder(spec.dataDir()).port(spec.port()).mode(EmbeddedBroker.Mode.CHILD_PROCESS)
          .properties(spec.properties()).childJvmOptions(spec.jvmOptions().isEmpty() ? defaultOptions() : spec.jvmOptions())
          .childClassPath(spec.classPath()).log(spec.log()).build();
    }

    private static List<String> defaultOptions() {
      return List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");
    }

    @Override
    void startAndAwaitReady(Duration timeout) {
      broker.start();
      handle = broker.process().orElse(null);
    }

    @Override
    long pid() {
      ProcessHandle h = handle != null ? handle : broker.process().orElse(null);
      return h == null ? -1 : h.pid();
    }

    @Override
    Optional<Instant> startInstant() {
      ProcessHandle h = handle != null ? handle : broker.process().orElse(null);
      return h == null ? Optional.empty() : h.info().startInstant();
    }

    @Override
    boolean isAlive() {
      return handle != null && handle.isAlive();
    }

    @Override
    Optional<Integer> exitCode() {
      return Optional.empty();
    }

    @Override
    String tail(int lines) {
      try {
        List<String> all = java.nio.file.Files.readAllLines(spec.log());
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (java.io.IOException | RuntimeException e) {
        return "";
      }
    }

    @Override
    Integer stop(Duration grace) {
      try {
        broker.close();
      } catch (RuntimeException e) {
        if (handle != null) {
          handle.destroyForcibly();
        }
      }
      return null;
    }
  }
}
