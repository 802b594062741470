package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of the contract's topic table ({@link TopicTable}, the source of {@code topics.json}) is exactly one
 * Strimzi {@code KafkaTopic} in both overlays, with the table's partitions, cleanup policy, retention and extra
 * configs; prod keeps the table's replicas and min in-sync (3 / 2), dev has one node (1 / 1). KEDA never scales the
 * reward service past the partitions of the topic it consumes.
 */
class KafkaTopicsTest {

  @ParameterizedTest
  @CsvSource({"dev, 1", "prod, 3"})
  void everyTopicOfTheContractIsAKafkaTopicWithTheTablesSettings(String overlay, int replicas) {
    Rendered r = Rendered.overlay(overlay);
    List<KafkaTopic> topics = r.all(KafkaTopic.class);
    assertThat(topics).extracting(t -> t.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(TopicTable.all().stream().map(TopicSpec::name).toList());
    for (TopicSpec spec : TopicTable.all()) {
      KafkaTopic t = r.one(KafkaTopic.class, spec.name());
      assertThat(t.getMetadata().getLabels()).as(spec.name()).containsEntry("strimzi.io/cluster", "otc");
      assertThat(t.getSpec().getTopicName()).as(spec.name()).isEqualTo(spec.name());
      assertThat(t.getSpec().getPartitions()).as(spec.name()).isEqualTo(spec.partitions());
      int expectedReplicas = Math.min(replicas, spec.replicas());
      assertThat(t.getSpec().getReplicas()).as(spec.name()).isEqualTo(expectedReplicas);
      Map<String, String> config = new LinkedHashMap<>();
      t.getSpec().getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
      assertThat(config).as(spec.name()).isEqualTo(spec.configs(expectedReplicas));
    }
    if (overlay.equals("prod")) {
      assertThat(topics).allSatisfy(t -> assertThat(t.getSpec().getConfig()).containsEntry("min.insync.replicas", "2"));
    }
    assertThat(r.one(KafkaTopic.class, Topics.POLICY).getSpec().getConfig()).containsEntry("cleanup.policy", "compact");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void kedaScalesTheRewardServiceToAtMostThePartitionsOfItsInput(String overlay) {
    Rendered r = Rendered.overlay(overlay);
    GenericKubernetesResource so = r.generic("ScaledObject").stream()
        .filter(s -> s.getMetadata().getName().equals("reward-service")).findFirst().orElseThrow();
    Map<String, Object> spec = Yamls.map(so.getAdditionalProperties().get("spec"));
    Map<String, Object> trigger = Yamls.map(Yamls.list(spec.get("triggers")).get(0));
    Map<String, Object> meta = Yamls.map(trigger.get("metadata"));
    assertThat(trigger.get("type")).isEqualTo("kafka");
    assertThat(meta.get("topic")).isEqualTo(Topics.ROLLOUTS);
    assertThat(meta.get("consumerGroup")).isEqualTo(Topics.REWARD_APPLICATION_ID);
    int max = ((Number) spec.get("maxReplicaCount")).intValue();
    int partitions = r.one(KafkaTopic.class, Topics.ROLLOUTS).getSpec().getPartitions();
    assertThat(max).as("maxReplicaCount").isPositive().isLessThanOrEqualTo(partitions);
    assertThat(Yamls.map(spec.get("scaleTargetRef"))).containsEntry("kind", "StatefulSet")
        .containsEntry("name", "reward-service");
    String bootstrap = String.valueOf(meta.get("bootstrapServers"));
    if (overlay.equals("prod")) {
      assertThat(bootstrap).endsWith(":9093");
      assertThat(meta).containsEntry("tls", "enable");
      assertThat(Yamls.map(trigger.get("authenticationRef"))).containsEntry("name", "keda-kafka-tls");
      assertThat(r.generic("TriggerAuthentication")).extracting(t -> t.getMetadata().getName())
          .containsExactly("keda-kafka-tls");
    } else {
      assertThat(bootstrap).endsWith(":9092");
    }
  }
}
