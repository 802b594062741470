package ai.otc.platform.kafka;

import java.util.List;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/** The broker as a {@link KafkaRaftServer} in this JVM (tests): the fastest start, no process boundary. */
final class InJvmRunner implements BrokerRunner {

  /**
   * The broker's own loggers, set to WARNING: at INFO a broker in this JVM writes thousands of lines
   * into the test's output (where the JVM logs through java.util.logging, e.g. JBoss LogManager in Quarkus
   * modules; with no slf4j binding it is silent anyway). Held here because java.util.logging keeps
   * loggers only weakly. The clients' loggers ({@code org.apache.kafka.clients}) are left alone.
   */
  private static final List<Logger> QUIET = List.of("kafka", "state.change.logger", "org.apache.kafka.raft",
      "org.apache.kafka.controller", "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.storage",
      "org.apache.kafka.server", "org.apache.kafka.coordinator", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
      "org.apache.kafka.network").stream().map(Logger::getLogger).toList();

  static {
    QUIET.forEach(l -> l.setLevel(Level.WARNING));
    // Kafka calls Exit.exit / Exit.halt on fatal errors; in this JVM that would end the whole test
    // run without a word. Fail the broker's thread instead, with the reason.
    Exit.setExitProcedure((code, message) -> {
      throw new IllegalStateException("embedded Kafka broker asked to exit (" + code + "): " + message);
    });
    Exit.setHaltProcedure((code, message) -> {
      throw new IllegalStateException("embedded Kafka broker asked to halt (" + code + "): " + message);
    });
  }

  private final Properties props;
  private KafkaRaftServer server;

  InJvmRunner(Properties props) {
    this.props = props;
  }

  @Override
  public void start() {
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
  }

  @Override
  public void stop() {
    server.shutdown();
    server.awaitShutdown();
  }

  @Override
  public void kill() {
    throw unsupported("kill (SIGKILL)");
  }

  @Override
  public void pause() {
    throw unsupported("pause (SIGSTOP)");
  }

  @Override
  public void resume() {
    throw unsupported("resume (SIGCONT)");
  }

  private static UnsupportedOperationException unsupported(String what) {
    return new UnsupportedOperationException(what + " needs a broker in its own process: mode CHILD_PROCESS");
  }
}
