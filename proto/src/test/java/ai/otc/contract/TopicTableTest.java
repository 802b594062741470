package ai.otc.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.TopicSpec.Cleanup;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.StepMetrics;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.proto.v1.Trajectory;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The topic table: unique names, every named topic in it, dead-letter topics for the consumed
 * topics, compaction where the architecture says, and the committed {@code topics.json} equal to the
 * Java table (regenerate it with {@code -Dotc.contract.write-topics-json=true}).
 */
class TopicTableTest {

  static final Path JSON = Path.of("src/main/resources/ai/otc/contract/topics.json");

  /** The public String constants of {@link Topics} that name a topic. */
  static List<String> namedTopics() throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    for (Field f : Topics.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
          && !f.getName().equals("DLQ_SUFFIX") && !f.getName().equals("REWARD_APPLICATION_ID")) {
        out.add((String) f.get(null));
      }
    }
    return out;
  }

  @Test
  void namesAreUniqueAndEveryNamedTopicIsInTheTable() throws Exception {
    List<String> names = TopicTable.all().stream().map(TopicSpec::name).toList();
    assertThat(names).doesNotHaveDuplicates();
    List<String> named = namedTopics();
    assertThat(named).containsExactlyInAnyOrder("otc.rollouts.v1", "otc.rewarded.v1", "otc.tool-usage.v1", "otc.policy.v1",
        "otc.metrics.v1", "otc.evaluations.v1", "otc.rollouts.v1.dlq", "otc.rewarded.v1.dlq");
    assertThat(names).containsAll(named);
    assertThat(names).contains(Topics.rewardGroups(Topics.REWARD_APPLICATION_ID), "otc-reward-service-optimal-calls");
    // Every row is either a named platform topic or a service's internal changelog.
    for (TopicSpec s : TopicTable.all()) {
      assertThat(named.contains(s.name()) || s.internal()).as(s.name()).isTrue();
    }
    assertThatThrownBy(() -> TopicTable.get("otc.nope.v1")).hasMessageContaining("otc.nope.v1");
  }

  @Test
  void deadLetterTopicsExistForTheConsumedTopicsAndMirrorTheirSource() {
    assertThat(TopicTable.find(Topics.dlq(Topics.ROLLOUTS))).isPresent();
    assertThat(TopicTable.find(Topics.dlq(Topics.REWARDED))).isPresent();
    for (TopicSpec s : TopicTable.all()) {
      if (Topics.isDlq(s.name())) {
        assertThat(TopicTable.find(Topics.dlqSource(s.name()))).as("source of %s", s.name()).isPresent();
        assertThat(s.key()).isEqualTo("as source");
        assertThat(s.cleanup()).as("dead letters are kept, not compacted away").isEqualTo(Cleanup.DELETE);
      }
    }
  }

  @Test
  void compactedWhereTheArchitectureSays() {
    Set<String> compacted = new HashSet<>();
    for (TopicSpec s : TopicTable.all()) {
      if (s.cleanup() == Cleanup.COMPACT) {
        compacted.add(s.name());
        assertThat(s.retentionMs()).as("%s: a compacted topic keeps its keys forever", s.name()).isEqualTo(-1);
      } else {
        assertThat(s.retentionMs()).as(s.name()).isPositive();
      }
    }
    assertThat(compacted).containsExactlyInAnyOrder("otc.policy.v1", "otc-reward-service-groups", "otc-reward-service-optimal-calls");
    assertThat(TopicTable.get(Topics.POLICY).configs(3)).containsEntry("cleanup.policy", "compact");
  }

  @Test
  void valueTypesAreTheGeneratedMessagesAndTheHeaderTypes() {
    assertThat(Headers.TYPE_TRAJECTORY).isEqualTo(Trajectory.getDescriptor().getFullName());
    assertThat(Headers.TYPE_SCORED_GROUP).isEqualTo(ScoredGroup.getDescriptor().getFullName());
    assertThat(Headers.TYPE_TOOL_USAGE).isEqualTo(Headers.typeOf(ToolUsage.getDescriptor()));
    assertThat(Headers.TYPE_POLICY_MANIFEST).isEqualTo(PolicyManifest.getDescriptor().getFullName());
    assertThat(Headers.TYPE_STEP_METRICS).isEqualTo(StepMetrics.getDescriptor().getFullName());
    Map<String, String> expected = Map.of(Topics.ROLLOUTS, Headers.TYPE_TRAJECTORY, Topics.REWARDED, Headers.TYPE_SCORED_GROUP,
        Topics.TOOL_USAGE, Headers.TYPE_TOOL_USAGE, Topics.POLICY, Headers.TYPE_POLICY_MANIFEST, Topics.METRICS,
        Headers.TYPE_STEP_METRICS, Topics.EVALUATIONS, Headers.TYPE_TRAJECTORY);
    expected.forEach((topic, type) -> assertThat(TopicTable.get(topic).value()).as(topic).isEqualTo(type));
    for (TopicSpec s : TopicTable.all()) {
      assertThat(s.hasMessageValue()).as(s.name()).isEqualTo(expected.containsKey(s.name()));
    }
  }

  @Test
  void changelogsFollowTheirSourceAndRenameWithTheApplicationId() {
    assertThat(TopicTable.get("otc-reward-service-groups").partitions()).isEqualTo(TopicTable.get(Topics.ROLLOUTS).partitions());
    TopicSpec g = TopicTable.rewardGroups("my-app", 12);
    assertThat(g.name()).isEqualTo("my-app-groups");
    assertThat(g.partitions()).isEqualTo(12);
    assertThat(g.configs(1)).containsEntry("cleanup.policy", "compact").containsEntry("segment.bytes", "67108864")
        .containsEntry("min.insync.replicas", "1");
    assertThat(TopicTable.rewardOptimalCalls("my-app").name()).isEqualTo("my-app-optimal-calls");
    assertThat(TopicTable.get(Topics.ROLLOUTS).configs(3)).containsEntry("min.insync.replicas", "2")
        .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
  }

  @Test
  void theCommittedJsonIsTheJavaTable() throws Exception {
    String rendered = TopicTable.toJson();
    if (Boolean.getBoolean("otc.contract.write-topics-json")) {
      Files.writeString(JSON, rendered, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(JSON, StandardCharsets.UTF_8))
        .as("%s is stale: regenerate with ./mvnw -pl proto test -Dtest=TopicTableTest -Dotc.contract.write-topics-json=true", JSON)
        .isEqualTo(rendered);
    // Read as non-Java tooling would (an independent JSON parser), every column agrees with the table.
    JsonObject root = JsonParser.parseString(Files.readString(JSON, StandardCharsets.UTF_8)).getAsJsonObject();
    assertThat(root.get("header_version").getAsString()).isEqualTo(Headers.VERSION_VALUE);
    List<JsonElement> rows = root.getAsJsonArray("topics").asList();
    assertThat(rows).hasSameSizeAs(TopicTable.all());
    for (int i = 0; i < rows.size(); i++) {
      JsonObject r = rows.get(i).getAsJsonObject();
      TopicSpec s = TopicTable.all().get(i);
      assertThat(r.get("name").getAsString()).isEqualTo(s.name());
      assertThat(r.get("key").getAsString()).isEqualTo(s.key());
      assertThat(r.get("value").getAsString()).isEqualTo(s.value());
      assertThat(r.get("partitions").getAsInt()).isEqualTo(s.partitions());
      assertThat(r.get("replicas").getAsInt()).isEqualTo(s.replicas());
      assertThat(r.get("cleanup_policy").getAsString()).isEqualTo(s.cleanup().kafkaValue());
      assertThat(r.get("retention_ms").getAsLong()).isEqualTo(s.retentionMs());
      assertThat(r.get("min_insync_replicas").getAsInt()).isEqualTo(s.minInSyncReplicas());
      Map<String, String> config = new LinkedHashMap<>();
      r.getAsJsonObject("config").entrySet().forEach(e -> config.put(e.getKey(), e.getValue().getAsString()));
      assertThat(config).isEqualTo(s.configs(s.replicas()));
      assertThat(r.get("internal").getAsBoolean()).isEqualTo(s.internal());
      assertThat(r.getAsJsonArray("writers").asList()).extracting(JsonElement::getAsString).isEqualTo(s.writers());
      assertThat(r.getAsJsonArray("readers").asList()).extracting(JsonElement::getAsString).isEqualTo(s.readers());
    }
    // The jar carries the same file (after a rewrite, from the next build on).
    if (Boolean.getBoolean("otc.contract.write-topics-json")) {
      return;
    }
    try (var in = TopicTable.class.getResourceAsStream("/ai/otc/contract/topics.json")) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(rendered);
    }
  }

  @Test
  void aBadRowIsRefused() {
    assertThatThrownBy(() -> TopicTable.get(Topics.ROLLOUTS).withPartitions(0)).hasMessageContaining("partitions 0");
    assertThatThrownBy(() -> new TopicSpec("t", "k", "v", 1, Cleanup.DELETE, 1000, 3, 2, Map.of("retention.ms", "5"), List.of(),
        List.of(), false, "d")).hasMessageContaining("retention.ms");
  }
}
