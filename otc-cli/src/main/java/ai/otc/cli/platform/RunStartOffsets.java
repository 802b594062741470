package ai.otc.cli.platform;

import ai.otc.contract.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a new run's reward service starts reading {@code otc.rollouts.v1}: at the topic's end as the run starts. The
 * reward service of a run has its own consumer group (its application id) and would otherwise read from the earliest
 * offset, scoring every earlier run's trajectories again and, worse, learning its per-question optimal call counts
 * {@code n} from them. On a fresh broker the end is offset 0, so this changes nothing there; it matters when runs share
 * a broker ({@code ./otc demo}, or {@code ./otc train} on the platform of {@code ./otc up}).
 */
final class RunStartOffsets {
  private RunStartOffsets() {}

  /**
   * Commits the current end offsets of every {@code otc.rollouts.v1} partition for {@code groupId}, when that group has
   * no committed offsets yet (a restarted run keeps its own). Returns the number of records skipped.
   */
  static long pinToEnd(String bootstrap, String groupId) throws Refusal, InterruptedException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "otc-run-start-" + groupId);
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      if (committed != null && !committed.isEmpty()) {
        return 0;
      }
      int partitions = admin.describeTopics(List.of(Topics.ROLLOUTS)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(Topics.ROLLOUTS).partitions().size();
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        ask.put(new TopicPartition(Topics.ROLLOUTS, i), OffsetSpec.latest());
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(ask).all().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> pin = new HashMap<>();
      long skipped = 0;
      for (var e : ends.entrySet()) {
        pin.put(e.getKey(), new OffsetAndMetadata(e.getValue().offset(), "start of run"));
        skipped += e.getValue().offset();
      }
      if (skipped > 0) {
        admin.alterConsumerGroupOffsets(groupId, pin).all().get(30, TimeUnit.SECONDS);
      }
      return skipped;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        return 0; // no trajectories yet: the reward service creates nothing to skip
      }
      throw Refusal.failed("cannot set where the reward service of group " + groupId + " starts on " + Topics.ROLLOUTS + " at " + bootstrap
          + ": " + cause);
    }
  }
}
