package ai.otc.testkit.process;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for a packaged Quarkus service, run by the launcher's tests as {@code java -jar}: it serves
 * {@code /q/health/ready} on {@code quarkus.http.port}, logs a line at start and in its shutdown hook, and
 * exits with 3 at once when {@code fake.fail} is set (a refused configuration).
 */
public final class FakeService {

  private FakeService() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("fake.fail") != null) {
      System.out.println("config error: fake.fail=" + System.getProperty("fake.fail"));
      System.exit(3);
    }
    int port = Integer.parseInt(System.getProperty("quarkus.http.port"));
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    http.createContext("/q/health/ready", ex -> {
      byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    http.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake service: shutdown hook ran")));
    System.out.println("fake service listening on " + port + " env FAKE_ENV=" + System.getenv("FAKE_ENV"));
    Thread.sleep(Long.MAX_VALUE);
  }
}
