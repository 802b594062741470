package ai.otc.gateway;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code target/quarkus-app/quarkus-run.jar}) as a real child process on
 * 127.0.0.1, configured by system properties: what {@code GatewayProcessIT} restarts and kills, and
 * what the benchmark measures. Its output goes to a log file.
 */
public final class GatewayProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private GatewayProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** A free TCP port on the loopback interface. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  /**
   * Starts {@code jar} with {@code props} as {@code -D} options (plus host 127.0.0.1 and a free port),
   * without waiting for it to serve.
   */
  public static GatewayProcess start(Path jar, Map<String, String> props, Path log, String... jvmOptions) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " missing: package tool-gateway first");
    }
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
    cmd.add("-Dquarkus.http.host=127.0.0.1");
    cmd.add("-Dquarkus.http.port=" + port);
    props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new GatewayProcess(p, port, log);
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  /** A plaintext channel to it. */
  public ManagedChannel channel() {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** Waits until gRPC health answers SERVING; fails with the log's tail when the process exits first. */
  public void awaitServing(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ManagedChannel ch = channel();
    try {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("gateway exited with " + process.exitValue() + " before serving:\n" + logTail(4000));
        }
        try {
          ServingStatus s = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance()).getStatus();
          if (s == ServingStatus.SERVING) {
            return;
          }
        } catch (StatusRuntimeException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("gateway not SERVING within " + timeout + ":\n" + logTail(4000));
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Waits for the process to exit on its own (e.g. a start-up failure) and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("gateway still running after " + timeout + ":\n" + logTail(4000));
    }
    return process.exitValue();
  }

  /** SIGKILL: a crash, nothing runs on the way out. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: a graceful shutdown (drain). */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The last {@code chars} characters of its output. */
  public String logTail(int chars) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.length() <= chars ? s : s.substring(s.length() - chars);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
