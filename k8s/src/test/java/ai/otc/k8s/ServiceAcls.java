package ai.otc.k8s;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka ACLs a service needs, computed from the service's own files so the KafkaUsers cannot drift from them:
 * <ul>
 *   <li>the topic names from its {@code @ConfigMapping} class's {@code @WithDefault(Topics.X)} defaults, overridden by
 *       the deployed settings (ConfigMap, environment);</li>
 *   <li>read or write per topic from the contract's table ({@link TopicSpec#readers()} / {@link TopicSpec#writers()}),
 *       plus the reads the table does not list, each backed by a check of the code that does it ({@link #EXTRA_READS});</li>
 *   <li>the consumer group and transactional ids from the lines of code that set them, resolved with the deployed run
 *       id / application id.</li>
 * </ul>
 * Keys of the result: {@code type:patternType:name}; values: the operations.
 */
final class ServiceAcls {

  /** Reads the topic table does not list, with the code that makes them. */
  static final Map<String, Map<String, String>> EXTRA_READS = Map.of(
      "learner-service", Map.of(Topics.POLICY,
          "learner-service/src/main/java/ai/otc/learner/training/LearnerLoop.java|PolicyTopic.latestVersion(kafka, config.topics().policy()"));

  private static final Pattern DEFAULT = Pattern.compile(
      "@WithDefault\\((?:ai\\.otc\\.contract\\.)?Topics\\.([A-Z_]+)\\)[^;]*?String\\s+(\\w+)\\(\\)", Pattern.DOTALL);

  private ServiceAcls() {}

  /** The expected ACLs of one of the four services in an overlay. */
  static Map<String, TreeSet<String>> expected(Rendered r, String service) {
    Map<String, TreeSet<String>> acls = new TreeMap<>();
    for (Map.Entry<String, String> e : configuredTopics(r, service).entrySet()) {
      String topic = e.getValue();
      TopicSpec spec = TopicTable.find(topic).orElseThrow(() -> new AssertionError(
          service + " is configured with topic " + topic + " (" + e.getKey() + "), which is not in the table"));
      boolean writes = spec.writers().contains(service);
      boolean reads = spec.readers().contains(service) || extraRead(service, topic);
      if (!writes && !reads) {
        throw new AssertionError(service + " is configured with " + topic + " but the table lists it neither as a "
            + "writer nor as a reader (and no extra read is documented)");
      }
      TreeSet<String> ops = acls.computeIfAbsent("topic:literal:" + topic, k -> new TreeSet<>());
      ops.add("Describe");
      if (reads) {
        ops.add("Read");
      }
      if (writes) {
        ops.add("Write");
      }
    }
    switch (service) {
      case "reward-service" -> {
        String app = Workloads.setting(r, service, "otc.reward.application-id").orElse(Topics.REWARD_APPLICATION_ID);
        String worker = source("reward-service/src/main/java/ai/otc/reward/pipeline/StreamClients.java");
        require(worker, "GROUP_ID_CONFIG, params.applicationId())");
        require(worker, "TRANSACTIONAL_ID_CONFIG, params.applicationId() + \"-\" + params.instanceId()");
        for (String changelog : new String[] {Topics.rewardGroups(app), Topics.rewardOptimalCalls(app)}) {
          TopicSpec spec = TopicTable.get(Topics.rewardGroups(Topics.REWARD_APPLICATION_ID));
          if (!spec.readers().contains(service) || !spec.writers().contains(service)) {
            throw new AssertionError("the table no longer says reward-service reads and writes its changelogs");
          }
          acls.put("topic:literal:" + changelog, ops("Read", "Write", "Describe"));
        }
        acls.put("group:literal:" + app, ops("Read", "Describe"));
        acls.put("transactionalId:prefix:" + app + "-", ops("Write", "Describe"));
      }
      case "learner-service" -> {
        String run = Workloads.setting(r, service, "otc.learner.run-id").orElseThrow();
        require(source("learner-service/src/main/java/ai/otc/learner/messaging/RewardedReader.java"),
            "GROUP_ID_CONFIG, \"otc-learner-\" + runId");
        require(source("learner-service/src/main/java/ai/otc/learner/messaging/Publisher.java"),
            "TRANSACTIONAL_ID_CONFIG, \"otc-learner-\" + runId");
        acls.put("group:literal:otc-learner-" + run, ops("Read", "Describe"));
        acls.put("transactionalId:literal:otc-learner-" + run, ops("Write", "Describe"));
      }
      case "rollout-service" -> {
        String run = Workloads.setting(r, service, "otc.rollout.run-id").orElseThrow();
        require(source("rollout-service/src/main/java/ai/otc/rollout/messaging/TrajectoryPublisher.java"),
            "return \"otc-rollout-\" + runId + \"-\" + index;");
        acls.put("transactionalId:prefix:otc-rollout-" + run + "-", ops("Write", "Describe"));
      }
      case "tool-gateway" -> {
        String meter = source("tool-gateway/src/main/java/ai/otc/gateway/metering/UsageMeter.java");
        if (meter.contains("TRANSACTIONAL_ID") || meter.contains("transactional.id") || meter.contains("GROUP_ID")) {
          throw new AssertionError("the gateway's meter now uses a group or transactions: give it the ACLs");
        }
      }
      default -> throw new AssertionError("unknown service " + service);
    }
    return acls;
  }

  /** Config key to topic name, as deployed: the config class's defaults, overridden by the overlay's settings. */
  static Map<String, String> configuredTopics(Rendered r, String service) {
    String cls = switch (service) {
      case "reward-service" -> "reward-service/src/main/java/ai/otc/reward/config/RewardServiceConfig.java";
      case "learner-service" -> "learner-service/src/main/java/ai/otc/learner/config/LearnerServiceConfig.java";
      case "rollout-service" -> "rollout-service/src/main/java/ai/otc/rollout/config/RolloutServiceConfig.java";
      case "tool-gateway" -> "tool-gateway/src/main/java/ai/otc/gateway/config/GatewayConfig.java";
      default -> throw new AssertionError(service);
    };
    String prefix = switch (service) {
      case "reward-service" -> "otc.reward.topics.";
      case "learner-service" -> "otc.learner.topics.";
      case "rollout-service" -> "otc.rollout.topics.";
      default -> "otc.gateway.metering.";
    };
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = DEFAULT.matcher(source(cls));
    while (m.find()) {
      if (m.group(1).equals("REWARD_APPLICATION_ID")) {
        continue;   // otc.reward.application-id: the group, transactional-id and changelog prefix, handled above
      }
      String topic;
      try {
        topic = (String) Topics.class.getField(m.group(1)).get(null);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(cls + ": Topics." + m.group(1) + " is not a constant of the contract", e);
      }
      String key = prefix + m.group(2).replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
      out.put(key, Workloads.setting(r, service, key).orElse(topic));
    }
    if (out.isEmpty()) {
      throw new AssertionError(cls + ": no @WithDefault(Topics.X) topic found; has the config class moved?");
    }
    return out;
  }

  private static boolean extraRead(String service, String topic) {
    String where = EXTRA_READS.getOrDefault(service, Map.of()).get(topic);
    if (where == null) {
      return false;
    }
    String[] fileAndCode = where.split("\\|", 2);
    require(source(fileAndCode[0]), fileAndCode[1]);
    return true;
  }

  private static TreeSet<String> ops(String... ops) {
    return new TreeSet<>(java.util.List.of(ops));
  }

  private static void require(String source, String code) {
    if (!source.replaceAll("\\s+", " ").contains(code)) {
      throw new AssertionError("the code no longer contains '" + code + "': re-derive the ACLs (ServiceAcls)");
    }
  }

  private static String source(String path) {
    try {
      return Files.readString(Rendered.repoDir().resolve(Path.of(path)));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + path + " in " + Rendered.repoDir(), e);
    }
  }
}
