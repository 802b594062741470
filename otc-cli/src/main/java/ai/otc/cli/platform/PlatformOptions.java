package ai.otc.cli.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** Where the platform runs: the world, Kafka, the ports of its parts, config overrides; shared by {@code up} and {@code train}. */
final class PlatformOptions {
  static final int KAFKA_PORT = 9092;
  static final int GATEWAY_PORT = 8090;
  static final int REWARD_PORT = 8085;
  static final int ROLLOUT_PORT = 8095;
  static final int LEARNER_PORT = 8100;
  static final Set<String> PARTS = Set.of("kafka", "gateway", "reward", "rollout", "learner");

  @Option(names = "--world", paramLabel = "DIR", description = "a world written by ./otc world (default ${DEFAULT-VALUE})")
  Path world = Path.of("data/world");

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "use this Kafka instead of starting the embedded broker")
  String bootstrap;

  @Option(names = "--kafka-port", paramLabel = "PORT", description = "the embedded broker's port (default ${DEFAULT-VALUE}; 0: any free one)")
  int kafkaPort = KAFKA_PORT;

  @Option(names = "--gateway-port", paramLabel = "PORT", description = "the tool gateway's port, gRPC and HTTP (default ${DEFAULT-VALUE}; 0: any free one)")
  int gatewayPort = GATEWAY_PORT;

  @Option(names = "--reward-port", paramLabel = "PORT", description = "the reward service's port (up: 8085; train: any free one)")
  Integer rewardPort;

  @Option(names = "--rollout-port", paramLabel = "PORT", description = "the rollout service's port (up: 8095; train: any free one)")
  Integer rolloutPort;

  @Option(names = "--learner-port", paramLabel = "PORT", description = "the learner service's port (up: 8100; train: any free one)")
  Integer learnerPort;

  @Option(names = "--set", paramLabel = "PART:KEY=VALUE",
      description = {"a config key of one part, e.g. learner:otc.learner.lr=1e-5 or gateway:otc.gateway.cache.enabled=false",
          "(parts: kafka (a broker setting), gateway, reward, rollout, learner); repeatable"})
  List<String> set = new ArrayList<>();

  @Option(names = "--runs-dir", paramLabel = "DIR", description = "where the platform and the runs keep their files (default ${DEFAULT-VALUE})")
  Path runsDir = Path.of("runs");

  @Option(names = "--ready-timeout", paramLabel = "SECONDS", description = "how long each part may take to be ready (default ${DEFAULT-VALUE})")
  int readyTimeout = 180;

  Layout layout() {
    return new Layout(runsDir);
  }

  /** Checks the flags and the world folder; refuses naming the flag. */
  void validate() throws Refusal {
    port(kafkaPort, "--kafka-port");
    port(gatewayPort, "--gateway-port");
    if (rewardPort != null) {
      port(rewardPort, "--reward-port");
    }
    if (rolloutPort != null) {
      port(rolloutPort, "--rollout-port");
    }
    if (learnerPort != null) {
      port(learnerPort, "--learner-port");
    }
    if (bootstrap != null && !bootstrap.matches("[^:\\s]+:[0-9]{1,5}(,[^:\\s]+:[0-9]{1,5})*")) {
      throw Refusal.usage("--bootstrap: expected HOST:PORT (e.g. 127.0.0.1:9092), got '" + bootstrap + "'");
    }
    if (readyTimeout < 1) {
      throw Refusal.usage("--ready-timeout must be at least 1 second, got " + readyTimeout);
    }
    overrides();
    if (!Files.isRegularFile(world.resolve("world.json")) || !Files.isRegularFile(world.resolve("corpus.jsonl"))) {
      throw Refusal.usage("no world at " + world + " (world.json and corpus.jsonl expected): create one with ./otc world -o "
          + world + " or pass --world DIR");
    }
  }

  private static void port(int port, String flag) throws Refusal {
    if (port < 0 || port > 65535) {
      throw Refusal.usage(flag + " must be a port in 1..65535 (0: any free one), got " + port);
    }
  }

  /** The {@code --set} values by part, in the order given. */
  Map<String, Map<String, String>> overrides() throws Refusal {
    Map<String, Map<String, String>> byPart = new LinkedHashMap<>();
    for (String s : set) {
      int colon = s.indexOf(':');
      int eq = s.indexOf('=');
      if (colon <= 0 || eq < colon + 2) {
        throw Refusal.usage("--set: expected PART:KEY=VALUE (e.g. learner:otc.learner.lr=1e-5), got '" + s + "'");
      }
      String part = s.substring(0, colon);
      if (!PARTS.contains(part)) {
        throw Refusal.usage("--set: unknown part '" + part + "' in '" + s + "' (parts: kafka, gateway, reward, rollout, learner)");
      }
      byPart.computeIfAbsent(part, k -> new LinkedHashMap<>()).put(s.substring(colon + 1, eq).trim(), s.substring(eq + 1));
    }
    return byPart;
  }
}
