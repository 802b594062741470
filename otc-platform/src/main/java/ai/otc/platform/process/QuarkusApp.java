package ai.otc.platform.process;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
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

  /** The default time a GET may take to connect, and then to read. */
  public static final Duration GET_TIMEOUT = Duration.ofSeconds(5);

  /** The answer to a GET: its status code and body. */
  public record Answer(int statusCode, String body) {}

  /** GET {@code path} on 127.0.0.1:{@code port} within {@link #GET_TIMEOUT}. */
  public static Answer get(int port, String path) throws IOException {
    return get(port, path, GET_TIMEOUT);
  }

  /**
   * GET {@code path} on 127.0.0.1:{@code port} over plain HTTP/1.1, as an orchestrator's probe does: connecting and
   * then reading may each take {@code timeout} at most. A blocking {@link HttpURLConnection}, on the caller's thread:
   * the JDK's {@code java.net.http.HttpClient} (used here until 2026-12-04) completes its exchanges on the common
   * fork-join pool, which has one thread on a 2-core machine; a test whose other task blocked that thread (a Kafka
   * producer's flush while the broker was frozen) saw every GET hang, its own timeout never firing, although the service
   * answered other processes in 20 ms. Two CI runs hung for good that way.
   *
   * @throws HttpTimeoutException when the connection or the answer did not come in time
   */
  public static Answer get(int port, String path, Duration timeout) throws IOException {
    int ms = (int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
        .openConnection(Proxy.NO_PROXY);
    c.setConnectTimeout(ms);
    c.setReadTimeout(ms);
    c.setUseCaches(false);
    try {
      int code = c.getResponseCode();
      try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
        return new Answer(code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (SocketTimeoutException e) {
      HttpTimeoutException t = new HttpTimeoutException("GET " + path + " on port " + port + ": no answer within " + timeout);
      t.initCause(e);
      throw t;
    } finally {
      c.disconnect();
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
        Answer r = get(port, "/q/health/ready");
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
