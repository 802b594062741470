package ai.otc.cli.platform;

import static ai.otc.cli.platform.TinyRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.OtcProcess;
import ai.otc.policy.store.PolicyArtifact;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./otc train} through the real launcher with the real packaged services on a tiny world and model, starting
 * everything itself (no {@code ./otc up}): a few steps run end to end, versions advance, {@code metrics.jsonl} has one
 * line per step, {@code policy.zip} is the last version and verifies, and no process is left; Ctrl-C in the middle
 * stops every process it started (children and theirs); a taken port is refused with one sentence.
 */
class TrainIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private String[] args(String... more) throws Exception {
    Path shared = TinyRun.shared();
    return concat(new String[] {"train", "--world", shared.resolve("w").toString(), "--cache-dir", shared.resolve("cache").toString()},
        TinyRun.MODEL, TinyRun.RUN, TinyRun.FREE_PORTS, more);
  }

  @Test
  void aFewStepsEndToEnd() throws Exception {
    OtcProcess.Run r = OtcProcess.run(null, tmp, TinyRun.ENV, Duration.ofMinutes(8),
        args("--reward", "otc-grpo", "--steps", "3", "--run-id", "e2e", "--seed", "7"));
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("warmstart: reusing cached policy").contains("run e2e: otc-grpo (grpo), 3 steps of 4 questions x 4")
        .contains("kafka ready in").contains("gateway ready in").contains("reward ready in").contains("learner ready in")
        .contains("rollout ready in").contains("stopped kafka");
    List<String> progress = r.out().lines().filter(l -> l.startsWith("step ")).toList();
    assertThat(progress).hasSize(3);
    assertThat(progress.get(0)).matches("step 1/3  v1  EM [0-9.]+  TC [0-9.]+  TP \\S+  reward \\S+  KL \\S+  [0-9.]+ s/step  ETA \\S+");
    assertThat(progress.get(2)).startsWith("step 3/3  v3 ");

    Path run = tmp.resolve("runs/e2e");
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    assertThat(metrics).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode m = JSON.readTree(metrics.get(i));
      assertThat(m.get("run_id").asText()).isEqualTo("e2e");
      assertThat(m.get("step").asLong()).isEqualTo(i + 1);
      assertThat(m.get("policy_version").asLong()).as("versions advance").isEqualTo(i + 1);
      assertThat(m.get("reward").asText()).isEqualTo("otc-grpo");
      assertThat(m.has("mean_reward")).isTrue();
      assertThat(m.get("trajectories").asInt()).isEqualTo(16);
    }
    PolicyArtifact policy = PolicyArtifact.load(run.resolve("policy.zip"));
    assertThat(policy.policyVersion()).isEqualTo(3);
    JsonNode config = JSON.readTree(run.resolve("config.json").toFile());
    assertThat(config.get("reward").asText()).isEqualTo("otc-grpo");
    assertThat(config.get("seed").asLong()).isEqualTo(7);
    assertThat(config.get("initial_policy").asText()).contains(TinyRun.shared().resolve("cache").toString());
    for (String part : List.of("kafka", "gateway", "reward", "learner", "rollout")) {
      assertThat(run.resolve("logs/" + part + ".log")).isNotEmptyFile();
    }
    TinyRun.assertAllGone(pids(run), Duration.ofSeconds(10));
  }

  @Test
  void ctrlCStopsEveryProcessItStarted() throws Exception {
    Path cache = tmp.resolve("empty-cache");
    List<String> a = new ArrayList<>(List.of(args("--reward", "otc-ppo", "--steps", "50", "--run-id", "interrupted")));
    a.set(a.indexOf("--cache-dir") + 1, cache.toString()); // no cached warm start: it runs first, with its progress line
    try (OtcProcess.Running train = OtcProcess.start(tmp, TinyRun.ENV, a.toArray(String[]::new))) {
      train.awaitLine("^warmstart step 4/4", Duration.ofMinutes(3));
      train.awaitLine("^step 1/50 ", Duration.ofMinutes(6));
      Set<Long> started = new HashSet<>(pids(tmp.resolve("runs/interrupted")));
      train.process().descendants().forEach(h -> started.add(h.pid()));
      assertThat(started).hasSizeGreaterThanOrEqualTo(5);
      new ProcessBuilder("kill", "-INT", Long.toString(train.process().pid())).start().waitFor();
      int exit = train.awaitExit(Duration.ofMinutes(2));
      assertThat(exit).as(train.stderr()).isEqualTo(130);
      assertThat(train.stderr()).contains("otc train: interrupted; stopping the 5 processes it started");
      TinyRun.assertAllGone(started, Duration.ofSeconds(10));
    }
  }

  @Test
  void aTakenPortIsRefusedWithOneSentence() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = squatter.getLocalPort();
      List<String> a = new ArrayList<>(List.of(args("--reward", "em", "--steps", "1")));
      a.set(a.indexOf("--kafka-port") + 1, Integer.toString(port));
      OtcProcess.Run r = OtcProcess.run(null, tmp, TinyRun.ENV, Duration.ofMinutes(2), a.toArray(String[]::new));
      assertThat(r.exit()).isEqualTo(3);
      assertThat(r.err().strip()).matches("otc train: port " + port + " \\(kafka\\) is already taken by pid [0-9]+ \\(java\\): stop it"
          + " or choose another port with --kafka-port");
      assertThat(tmp.resolve("runs")).doesNotExist();
    }
  }

  /** The pids {@code runs/ID/processes.json} lists (every process the run started). */
  static List<Long> pids(Path run) throws Exception {
    List<Long> pids = new ArrayList<>();
    for (JsonNode p : JSON.readTree(run.resolve("processes.json").toFile()).get("processes")) {
      pids.add(p.get("pid").asLong());
    }
    return pids;
  }
}
