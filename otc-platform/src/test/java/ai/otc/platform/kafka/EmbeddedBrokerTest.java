package ai.otc.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.platform.process.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform's broker keeps its data in the folder it is given: a broker started later on the same folder (a new
 * object, as after {@code ./otc down} and {@code up}) is formatted once and has the topics of the earlier one, on the
 * port it is given, with the controller port of the earlier start.
 */
class EmbeddedBrokerTest {

  @TempDir Path tmp;

  @Test
  void aLaterBrokerOnTheSameFolderKeepsTheData() throws Exception {
    Path dir = tmp.resolve("kafka");
    int port = Ports.free();
    EmbeddedBroker first = EmbeddedBroker.builder(dir).port(port).build();
    first.start();
    int controller = first.controllerPort();
    try {
      first.createTopic("kept", 3);
      assertThat(first.bootstrap()).isEqualTo("127.0.0.1:" + port);
    } finally {
      first.close();
    }
    assertThat(Files.isRegularFile(dir.resolve("logs/meta.properties"))).isTrue();
    String meta = Files.readString(dir.resolve("logs/meta.properties"));

    EmbeddedBroker second = EmbeddedBroker.builder(dir).build();
    assertThat(second.controllerPort()).isEqualTo(controller);
    try {
      second.start();
      try (Admin admin = second.admin()) {
        Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(names).contains("kept");
        assertThat(admin.describeTopics(Set.of("kept")).allTopicNames().get(30, TimeUnit.SECONDS).get("kept").partitions()).hasSize(3);
      }
    } finally {
      second.close();
    }
    assertThat(Files.readString(dir.resolve("logs/meta.properties"))).as("formatted once").isEqualTo(meta);
  }
}
