package ai.otc.testkit.kafka;

import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/** The broker as a {@link KafkaRaftServer} in the test JVM: the fastest start, no process boundary. */
final class InJvmRunner implements BrokerRunner {

  static {
    // Kafka calls Exit.exit / Exit.halt on fatal errors; in the test JVM that would end the whole test
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
    return new UnsupportedOperationException(what + " needs a broker in its own process: KafkaBroker...mode(Mode.CHILD_PROCESS)");
  }
}
