package ai.otc.reward.support;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker on 127.0.0.1 (SmallRye's EmbeddedKafkaBroker): {@link #start()} for
 * code that owns its lifetime (the benchmark), or one per test class as a JUnit extension:
 * {@code @RegisterExtension static final Broker broker = Broker.perClass(topic, partitions);}.
 */
public final class Broker implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  private EmbeddedKafkaBroker broker;
  private final String topic;
  private final int partitions;

  private Broker(EmbeddedKafkaBroker broker, String topic, int partitions) {
    this.broker = broker;
    this.topic = topic;
    this.partitions = partitions;
  }

  /** A broker started before the test class's tests and closed after them, with {@code topic} created (null: none). */
  public static Broker perClass(String topic, int partitions) {
    return new Broker(null, topic, partitions);
  }

  /** A broker for the test class, without topics of its own. */
  public static Broker perClass() {
    return perClass(null, 0);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = embedded();
    if (topic != null) {
      createTopic(topic, partitions);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  public static Broker start() {
    return new Broker(embedded(), null, 0);
  }

  private static EmbeddedKafkaBroker embedded() {
    EmbeddedKafkaBroker b = new EmbeddedKafkaBroker()
        .withNodeId(1)
        .withKafkaHost("127.0.0.1")
        .withKafkaPort(freePort())
        .withControllerPort(freePort())
        .withDeleteLogDirsOnClose(true)
        .withAdditionalProperties(p -> {
          p.put("offsets.topic.replication.factor", "1");
          p.put("offsets.topic.num.partitions", "4");
          p.put("transaction.state.log.replication.factor", "1");
          p.put("transaction.state.log.min.isr", "1");
          p.put("transaction.state.log.num.partitions", "4");
          p.put("group.initial.rebalance.delay.ms", "0");
          p.put("auto.create.topics.enable", "false");
        });
    b.start();
    return b;
  }

  public String bootstrap() {
    return broker.getAdvertisedListeners().replace("PLAINTEXT://", "");
  }

  public void createTopic(String name, int partitions) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("creating topic " + name, e);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
