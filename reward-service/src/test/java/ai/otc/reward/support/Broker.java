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

/** A real single-node KRaft broker on 127.0.0.1 (SmallRye's EmbeddedKafkaBroker), one per test class. */
public final class Broker implements AutoCloseable {

  private final EmbeddedKafkaBroker broker;

  private Broker(EmbeddedKafkaBroker broker) {
    this.broker = broker;
  }

  public static Broker start() {
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
    return new Broker(b);
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
    broker.close();
  }
}
