package ai.otc.platform.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A GET that gets no answer ends with its timeout, within seconds, also when the common fork-join pool is blocked (the
 * JDK client it replaced hung then, its own timeout never firing: reproduced with it, 1 s timeout, no answer after
 * 5 s); it is plain HTTP/1.1 (the JDK client's default asked for an {@code h2c} upgrade).
 */
class QuarkusAppGetTest {
  @Test
  void aServerThatAcceptsAndNeverAnswersIsATimeoutWithinSeconds() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // read nothing, answer nothing
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> QuarkusApp.get(silent.getLocalPort(), "/q/metrics"))
          .isInstanceOf(HttpTimeoutException.class);
      assertThat((System.nanoTime() - t0) / 1e9).as("seconds until the timeout").isLessThan(12);
      acceptor.interrupt();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aProbeTimeoutEndsTheWaitAtThatTime() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor = Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> QuarkusApp.get(silent.getLocalPort(), "/q/health/live", Duration.ofSeconds(1)))
          .isInstanceOf(HttpTimeoutException.class);
      double s = (System.nanoTime() - t0) / 1e9;
      assertThat(s).as("seconds until the 1 s timeout").isBetween(0.9, 2.5);
      acceptor.interrupt();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void theRequestIsPlainHttp11WithoutAnUpgrade() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<List<String>> head = CompletableFuture.supplyAsync(() -> {
        try (Socket s = server.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
          List<String> lines = new ArrayList<>();
          for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) {
            lines.add(l);
          }
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          return lines;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      QuarkusApp.Answer r = QuarkusApp.get(server.getLocalPort(), "/q/health/ready");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ok");
      List<String> lines = head.get(5, TimeUnit.SECONDS);
      assertThat(lines.get(0)).isEqualTo("GET /q/health/ready HTTP/1.1");
      assertThat(lines).noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("upgrade:"))
          .noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("http2-settings:"));
    }
  }

  /**
   * The cause of two hung CI runs: the JDK's HTTP client needs the common fork-join pool (one thread on 2 cores) to
   * finish an exchange, and a test task blocked that thread. A GET must not depend on it.
   */
  @Test
  void aGetIsAnsweredWhileEveryCommonPoolThreadIsBlocked() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<ForkJoinTask<?>> blockers = new ArrayList<>();
    for (int i = 0; i < Math.max(1, ForkJoinPool.getCommonPoolParallelism()); i++) {
      blockers.add(ForkJoinPool.commonPool().submit(() -> {
        release.await();
        return null;
      }));
    }
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread answering = Thread.ofPlatform().daemon().start(() -> {
        try (Socket s = server.accept()) {
          BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
          for (String l = in.readLine(); l != null && !l.isEmpty(); l = in.readLine()) {
            // the request's head
          }
          s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nup".getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
          Thread.sleep(200);
        } catch (Exception e) {
          // the test reports what the client saw
        }
      });
      long t0 = System.nanoTime();
      QuarkusApp.Answer a = QuarkusApp.get(server.getLocalPort(), "/q/health/live", Duration.ofSeconds(1));
      assertThat(a.statusCode()).isEqualTo(200);
      assertThat(a.body()).isEqualTo("up");
      assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(1.0);
      answering.join(2_000);
    } finally {
      release.countDown();
      for (ForkJoinTask<?> b : blockers) {
        b.join();
      }
    }
  }
}
