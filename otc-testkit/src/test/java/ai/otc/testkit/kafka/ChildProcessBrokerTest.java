package ai.otc.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.platform.process.Procs;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The broker in a child JVM: frozen with SIGSTOP it answers nothing and comes back with SIGCONT; killed
 * with SIGKILL it starts again on the same port with the acknowledged records; closed (also while frozen),
 * its process is gone.
 */
class ChildProcessBrokerTest {

  @Test
  void pauseResumeKillRestartAndClose() throws Exception {
    KafkaBroker broker = KafkaBroker.create().mode(KafkaBroker.Mode.CHILD_PROCESS).withTopic("c", 1);
    long pid;
    try {
      broker.start();
      System.out.printf("child-process broker: first start %d ms%n", broker.lastStartTime().toMillis());
      pid = broker.process().orElseThrow().pid();
      assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
      try (KafkaProducer<String, byte[]> producer = Clients.producer(broker.bootstrap())) {
        for (int i = 0; i < 5; i++) {
          producer.send(new ProducerRecord<>("c", "k", Clients.value("r" + i))).get(30, TimeUnit.SECONDS);
        }
      }

      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
        broker.pause();
        assertThat(Procs.state(pid)).as("stopped").isEqualTo('T');
        assertThatThrownBy(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(10, TimeUnit.SECONDS))
            .as("a frozen broker does not answer").hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        broker.resume();
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
      }

      broker.kill();
      assertThat(Procs.running(pid)).as("killed").isFalse();
      assertThat(broker.process()).isEmpty();
      String bootstrap = broker.bootstrap();
      broker.start();
      System.out.printf("child-process broker: restart after SIGKILL %d ms%n", broker.lastStartTime().toMillis());
      assertThat(broker.bootstrap()).isEqualTo(bootstrap);
      assertThat(TopicReader.read(bootstrap, "c", StringValue.parser(), 5, Duration.ofSeconds(60)))
          .as("acknowledged records survive a crash").extracting(r -> r.value().getValue())
          .containsExactly("r0", "r1", "r2", "r3", "r4");
      pid = broker.process().orElseThrow().pid();
      broker.pause(); // closing a frozen broker must end it too
    } finally {
      broker.close();
    }
    assertThat(Procs.running(pid)).as("closed").isFalse();
    assertThat(broker.dataDir()).as("data deleted").isNull();
  }
}
