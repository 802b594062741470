package ai.otc.platform.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The one set of broker settings every embedded broker runs with (the platform's under {@code ./otc up} and
 * {@code ./otc train}, and every test broker of {@code otc-testkit}), in this JVM or in a child JVM: a single
 * KRaft node that is broker and controller at once, listening on 127.0.0.1 only. The README of this
 * module says why each value was chosen; change them here, nowhere else.
 */
public final class BrokerSettings {

  private BrokerSettings() {}

  /**
   * The server properties of a broker on {@code port} (clients) and {@code controllerPort} (KRaft
   * quorum), keeping its data in {@code logDir}; {@code overrides} win over every default.
   */
  public static Properties of(int port, int controllerPort, Path logDir, boolean autoCreateTopics, Map<String, String> overrides) {
    Properties p = new Properties();
    // One node, both roles, loopback only.
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // A single replica everywhere, or the internal topics (offsets, transactions, share state) never come up.
    p.put("default.replication.factor", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // 4 partitions, not 50: the first consumer group and the first transactional producer wait for these to be created.
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.num.partitions", "4");
    // A group's first member gets its partitions at once instead of after 3 s.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Topics exist because a test or a service created them, with the partitions it asked for.
    p.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
    p.put("num.partitions", "1");
    // Tests write records with explicit times far in the past or future (replays, time ranges).
    p.put("log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
    p.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
    // The log cleaner's buffer is allocated on the heap of the JVM holding the broker: 2 MiB, not 128.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    // A graceful stop fences the broker with its controller first; without it the restarted broker's registration
    // is refused as a duplicate until the old session expires (broker.session.timeout.ms, 9 s): measured 10.8 s
    // instead of 2.4 s for a restart. (After a SIGKILL that wait remains.)
    p.put("controlled.shutdown.enable", "true");
    p.putAll(overrides);
    return p;
  }
}
