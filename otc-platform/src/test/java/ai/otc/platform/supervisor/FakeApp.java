package ai.otc.platform.supervisor;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A stand-in for a packaged Quarkus service, run as {@code java -jar} by the supervisor's tests: it serves
 * {@code /q/health/ready} on {@code quarkus.http.port} after {@code fake.delay-ms}, appends {@code fake.name} to the
 * file {@code fake.record} when SIGTERM reaches its shutdown hook (so a test sees the stop order), exits with 3 at once
 * when {@code fake.fail} is set (a refused configuration), and with {@code fake.stubborn} ignores SIGTERM for a minute
 * (so only SIGKILL ends it).
 */
public final class FakeApp {

  private FakeApp() {}

  public static void main(String[] args) throws Exception {
    String name = System.getProperty("fake.name", "fake");
    if (System.getProperty("fake.fail") != null) {
      System.out.println(name + ": config error: fake.fail=" + System.getProperty("fake.fail"));
      System.exit(3);
    }
    Thread.sleep(Long.parseLong(System.getProperty("fake.delay-ms", "0")));
    int port = Integer.parseInt(System.getProperty("quarkus.http.port"));
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    http.createContext("/q/health/ready", ex -> {
      byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    String record = System.getProperty("fake.record");
    boolean stubborn = System.getProperty("fake.stubborn") != null;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        if (record != null) {
          Files.writeString(Path.of(record), name + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (stubborn) {
          Thread.sleep(60_000);
        }
      } catch (Exception e) {
        System.out.println(name + ": " + e);
      }
    }));
    System.out.println(name + " listening on " + port + " env FAKE_ENV=" + System.getenv("FAKE_ENV"));
    Thread.sleep(Long.MAX_VALUE);
  }
}
