package ai.otc.platform.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a packaged Quarkus service ({@code <module>/target/quarkus-app/quarkus-run.jar}) is run as a child JVM: its
 * command line (config as {@code -D} system properties, HTTP on 127.0.0.1) and its readiness
 * ({@code /q/health/ready} answering 200). Used by the platform's supervisor and by the test kit's
 * {@code ServiceProcess}.
 */
public final class QuarkusApp {

  private QuarkusApp() {}

  /**
   * {@code java -javaagent:<parent watch> <jvmOptions> -Djava.util.logging.manager=… -Dquarkus.http.host=127.0.0.1
   * -Dquarkus.http.port=<port> -D<properties> -jar <jar>}, with the running JDK.
   */
  public static List<String> command(Path jar, int port, List<String> jvmOptions, Map<String, String> properties) {
    List<String> cmd = ChildProcess.java(jvmOptions);
    cmd.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    cmd.add("-Dquarkus.http.host=127.0.0.1");
    cmd.add("-Dquarkus.http.port=" + port);
    properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    return cmd;
  }

  /** GET {@code path} on 127.0.0.1:{@code port}. */
  public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
      return c.send(req, HttpResponse.BodyHandlers.ofString());
    }
  }

  /**
   * Waits until {@code /q/health/ready} answers 200; fails with the log's tail when the process exits first (a
   * configuration error) or the time is up.
   */
  public static void awaitReady(ChildProcess child, int port, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!child.isAlive()) {
        throw new IllegalStateException(child.name() + " exited with " + child.exitCode().orElse(-1) + " before it was ready; log "
            + child.log() + ":\n" + child.tail(60));
      }
      try {
        HttpResponse<String> r = get(port, "/q/health/ready");
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException notListeningYet) {
        last = notListeningYet.toString();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(child.name() + " on port " + port + " not ready after " + max + " (last answer: " + last
        + "); log " + child.log() + ":\n" + child.tail(60));
  }
}
