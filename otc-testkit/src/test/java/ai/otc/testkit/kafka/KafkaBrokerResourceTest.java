package ai.otc.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource's own contract: arguments, the injected key, the broker's lifetime. */
class KafkaBrokerResourceTest {

  @Test
  void startsABrokerWithItsTopicsInjectsTheBootstrapKeyAndStopsIt() throws Exception {
    KafkaBrokerResource resource = new KafkaBrokerResource();
    resource.init(Map.of(KafkaBrokerResource.TOPICS, "a:3, b:1"));
    Map<String, String> config = resource.start();
    String bootstrap = config.get("kafka.bootstrap.servers");
    try {
      assertThat(config).containsOnlyKeys("kafka.bootstrap.servers");
      assertThat(bootstrap).startsWith("127.0.0.1:");
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        var topics = admin.describeTopics(List.of("a", "b")).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(topics.get("a").partitions()).hasSize(3);
        assertThat(topics.get("b").partitions()).hasSize(1);
      }
    } finally {
      resource.stop();
    }
    int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
    assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000)).isInstanceOf(ConnectException.class);
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> new KafkaBrokerResource().init(Map.of("topic", "a:1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown argument topic");
    assertThatThrownBy(() -> new KafkaBrokerResource().init(Map.of(KafkaBrokerResource.TOPICS, "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a\" is not name:partitions");
    assertThatThrownBy(() -> new KafkaBrokerResource().init(Map.of(KafkaBrokerResource.AUTO_CREATE_TOPICS, "yes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KafkaBrokerResource.AUTO_CREATE_TOPICS);
  }
}
