package ai.otc.platform.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A GET that gets no answer ends with the request's timeout, within seconds. */
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
}
