package ai.otc.cli.platform;

import ai.otc.platform.process.Ports;
import ai.otc.platform.supervisor.PartSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of the platform as the supervisor starts them: each service's jar, JVM options and configuration keys
 * (their READMEs list the keys), on 127.0.0.1. Stage 0 is the broker and the gateway; stage 1 the run's reward, learner
 * and rollout services, started once Kafka answers and the topics exist.
 */
final class PlanBuilder {
  /** The gateway tenant the platform's rollouts call as. */
  static final String TENANT = "platform";
  /** Extra JVM options for every service the platform starts (e.g. {@code -XX:TieredStopAtLevel=1} for a quick start). */
  static final String JAVA_OPTS_ENV = "OTC_SERVICE_JAVA_OPTS";

  /**
   * The broker, the gateway and the reward service run on C1 alone. Their own work is light (0.03-0.2 CPU s a training
   * step each), and with C2 they were still compiling at steps 12-27 of a run: 0.08-0.10 CPU s a step each, on the
   * cores the rollout and the learner need. On C1 they spend 0.3 CPU s a step less in all, and their own work took no
   * more CPU than with C2 (bench/README.md, 2026-12-03 20:45-21:45 UTC). {@value #JAVA_OPTS_ENV}={@code -XX:TieredStopAtLevel=4}
   * restores C2 (the last flag wins). The rollout and the learner keep C2: their sampling and batching code is hot.
   */
  static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

  /** The gateway's tenant token, which its {@code otc.gateway.auth.tenants.platform.token} expands. */
  static final String GATEWAY_TOKEN_ENV = "OTC_TENANT_PLATFORM_TOKEN";
  /** The rollout's {@code otc.rollout.gateway.token}, as Quarkus maps a key to the environment. */
  static final String ROLLOUT_TOKEN_ENV = "OTC_ROLLOUT_GATEWAY_TOKEN";

  private final Home home;
  private final Map<String, Map<String, String>> overrides;

  PlanBuilder(Home home, Map<String, Map<String, String>> overrides) {
    this.home = home;
    this.overrides = overrides;
  }

  /** {@code port}, or a free one when 0. */
  static int port(int port) {
    return port == 0 ? Ports.free() : port;
  }

  PartSpec broker(int port, Path dataDir, Path log) {
    return PartSpec.broker("kafka", port, 0, dataDir.toAbsolutePath(),
        jvm("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", C1_ONLY, "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"),
        overrides.getOrDefault("kafka", Map.of()), home.brokerLogBinding(), log.toAbsolutePath());
  }

  PartSpec gateway(int port, Path world, Path dir, String bootstrap, String token, Path log) throws Refusal {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", bootstrap);
    p.put("otc.gateway.search.corpus", world.resolve("corpus.jsonl").toAbsolutePath().toString());
    p.put("otc.gateway.search.index-dir", dir.resolve("index").toAbsolutePath().toString());
    p.put("otc.gateway.metering.spool-dir", dir.resolve("usage-spool").toAbsolutePath().toString());
    p.put("otc.gateway.metering.source", "/tool-gateway/otc-platform");
    // the task world's search (exact name first), which the warm-started policy was trained with
    p.put("otc.gateway.search.ranking", "world");
    // the token itself travels in the environment (/proc/PID/environ is the owner's alone; a command line is anyone's)
    p.put("otc.gateway.auth.tenants." + TENANT + ".token", "${" + GATEWAY_TOKEN_ENV + "}");
    // one tenant: it may use all of each tool's concurrency, at rates a batched rollout needs
    p.put("otc.gateway.limits.max-tenant-share", "1");
    p.put("otc.gateway.limits.search.rate", "20000");
    p.put("otc.gateway.limits.search.burst", "40000");
    p.put("otc.gateway.limits.budget.units", "1000000000");
    p.putAll(overrides.getOrDefault("gateway", Map.of()));
    return PartSpec.quarkus("gateway", port, 0, home.jar(Home.GATEWAY),
        jvm("-Xmx512m", "-XX:+UseSerialGC", C1_ONLY, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"), p,
        Map.of(GATEWAY_TOKEN_ENV, token), log.toAbsolutePath());
  }

  PartSpec reward(RunConfig run, int port, String bootstrap, Path log) throws Refusal {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", bootstrap);
    p.put("otc.reward.kind", run.reward());
    p.put("otc.reward.application-id", run.rewardApplicationId());
    p.put("otc.reward.instance-id", run.runId() + "-reward-0");
    // this run's trajectories only: runs side by side share otc.rollouts.v1, and n is kept per question
    p.put("otc.reward.run-ids", run.runId());
    p.put("otc.reward.commit-interval", "200ms");
    p.putAll(overrides.getOrDefault("reward", Map.of()));
    return PartSpec.quarkus("reward", port, 1, home.jar(Home.REWARD), jvm("-Xmx512m", "-XX:+UseSerialGC", C1_ONLY), p, Map.of(), log.toAbsolutePath());
  }

  PartSpec learner(RunConfig run, int port, String bootstrap, URI store, Path checkpoint, Path log) throws Refusal {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", bootstrap);
    p.put("otc.learner.run-id", run.runId());
    p.put("otc.learner.reward", run.reward());
    p.put("otc.learner.algorithm", run.algorithm());
    p.put("otc.learner.initial-policy", run.initialPolicy().toString());
    p.put("otc.learner.policy-store", store.toString());
    p.put("otc.learner.checkpoint-dir", checkpoint.toAbsolutePath().toString());
    p.put("otc.learner.groups-per-step", Integer.toString(run.questionsPerStep()));
    p.put("otc.learner.staleness", Integer.toString(run.staleness()));
    p.put("otc.learner.device", run.device());
    p.put("otc.learner.max-steps", Integer.toString(run.steps()));
    p.put("otc.learner.seed", Long.toString(run.seed()));
    p.putAll(overrides.getOrDefault("learner", Map.of()));
    return PartSpec.quarkus("learner", port, 1, home.jar(Home.LEARNER), djl(run), p, Map.of(), log.toAbsolutePath());
  }

  PartSpec rollout(RunConfig run, int port, String bootstrap, String gateway, String token, URI store, Path log) throws Refusal {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", bootstrap);
    p.put("otc.rollout.run-id", run.runId());
    p.put("otc.rollout.world", run.world().toString());
    p.put("otc.rollout.seed", Long.toString(run.seed()));
    p.put("otc.rollout.group-size", Integer.toString(run.groupSize()));
    p.put("otc.rollout.questions-per-step", Integer.toString(run.questionsPerStep()));
    p.put("otc.rollout.staleness", Integer.toString(run.staleness()));
    p.put("otc.rollout.policy-store", store.toString());
    p.put("otc.rollout.gateway.target", gateway);
    p.put("otc.rollout.top-k", Integer.toString(run.topK()));
    // until the learner's last version, not a batch count: a group the learner drops as stale must be replaced, or its
    // last step waits for groups forever (seen in a demo under load: 5 groups dropped at step 54 of 60)
    // (--steps 0, "until ./otc down", has no last version: the key stays unset, as the service requires for that)
    if (run.steps() > 0) {
      p.put("otc.rollout.until-version", Integer.toString(run.steps()));
    }
    p.put("otc.rollout.device", run.device());
    p.putAll(overrides.getOrDefault("rollout", Map.of()));
    // otc.rollout.gateway.token from the environment, as the gateway's (not on the command line)
    return PartSpec.quarkus("rollout", port, 1, home.jar(Home.ROLLOUT), djl(run), p, Map.of(ROLLOUT_TOKEN_ENV, token),
        log.toAbsolutePath());
  }

  /** The JVM options of a service that runs the policy on DJL / PyTorch (threads from {@code --threads}). */
  private static List<String> djl(RunConfig run) {
    List<String> o = new ArrayList<>(List.of("-Xmx1g", "-Xss4m", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
    if (run.threads() != null) {
      o.add("-Dai.djl.pytorch.num_threads=" + run.threads());
      o.add("-Dai.djl.pytorch.num_interop_threads=1");
    }
    return jvm(o.toArray(String[]::new));
  }

  /** {@code base}, the JDK's quiet-Unsafe switch where it has one, then {@value #JAVA_OPTS_ENV}. */
  static List<String> jvm(String... base) {
    List<String> o = new ArrayList<>(Arrays.asList(base));
    if (Runtime.version().feature() >= 23) {
      o.add("--sun-misc-unsafe-memory-access=allow");
    }
    String extra = System.getenv(JAVA_OPTS_ENV);
    if (extra != null && !extra.isBlank()) {
      o.addAll(Arrays.asList(extra.trim().split("\\s+")));
    }
    return o;
  }
}
