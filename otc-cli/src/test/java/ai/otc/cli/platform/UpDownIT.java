package ai.otc.cli.platform;

import static ai.otc.cli.platform.TinyRun.concat;
import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.OtcProcess;
import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.platform.process.Ports;
import ai.otc.platform.supervisor.PlatformState;
import ai.otc.policy.store.PolicyArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./otc up}, then {@code ./otc train} on that platform, then {@code ./otc down}, through the real launcher with
 * the real packaged services on a tiny world: up starts the broker, the gateway and one run's reward, learner and
 * rollout services, each its own process listening where it says, with the contract's topics; a second up is refused;
 * train follows up's run to its end (metrics.jsonl, policy.zip) without starting or stopping anything; down stops
 * every process (checked by pid). (Train starting its own run on up's broker and gateway: {@code ReuseTest}.)
 */
class UpDownIT {
  @TempDir Path tmp;

  @Test
  void upTrainOnItThenDown() throws Exception {
    Path shared = TinyRun.shared();
    String world = shared.resolve("w").toString();
    OtcProcess.Run up = OtcProcess.run(null, tmp, TinyRun.ENV, Duration.ofMinutes(8), concat(new String[] {"up", "--world", world,
        "--run-id", "up-run", "--steps", "2", "--initial-policy", shared.resolve("policy.zip").toString(), "--threads", "1"},
        TinyRun.RUN, TinyRun.FREE_PORTS));
    List<Long> pids = new ArrayList<>();
    try {
      assertThat(up.exit()).as(up.out() + up.err()).isZero();
      PlatformState s = PlatformState.read(tmp.resolve("runs/platform/state.json")).orElseThrow();
      assertThat(s.status()).isEqualTo(PlatformState.READY);
      assertThat(s.supervisorAlive()).isTrue();
      pids.add(s.supervisorPid());
      assertThat(s.parts()).extracting(PlatformState.Part::name).containsExactlyInAnyOrder("kafka", "gateway", "reward", "learner",
          "rollout");
      for (PlatformState.Part p : s.parts()) {
        pids.add(p.pid());
        assertThat(p.stillRunning()).as(p.name()).isTrue();
        assertThat(Ports.isListening(Integer.parseInt(p.endpoint().substring(p.endpoint().indexOf(':') + 1)), 2000)).as(p.name()).isTrue();
        assertThat(up.out()).containsPattern("  " + p.name() + " +" + p.endpoint() + " +pid " + p.pid());
      }
      assertThat(ProcessHandle.of(s.supervisorPid()).orElseThrow().parent().map(ProcessHandle::pid))
          .as("detached: not a child of the test").isNotEqualTo(java.util.Optional.of(ProcessHandle.current().pid()));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.info().get("bootstrap")))) {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(topics).containsAll(TopicTable.all().stream().filter(t -> !t.internal()).map(TopicSpec::name).toList())
            .contains("otc-reward-up-run-groups", "otc-reward-up-run-optimal-calls");
      }

      OtcProcess.Run again = OtcProcess.run(null, tmp, TinyRun.ENV, Duration.ofMinutes(2), "up", "--world", world, "--no-run");
      assertThat(again.exit()).isEqualTo(3);
      assertThat(again.err()).contains("the platform is already up (supervisor pid " + s.supervisorPid());

      // the run up started, followed by train: its steps, metrics.jsonl and policy.zip, nothing started or stopped
      OtcProcess.Run train = OtcProcess.run(null, tmp, TinyRun.ENV, Duration.ofMinutes(8), "train", "--world", world, "--reward",
          "otc-grpo", "--run-id", "up-run");
      assertThat(train.exit()).as(train.out() + train.err()).isZero();
      assertThat(train.out()).contains("run up-run is running on the platform of ./otc up: following its 2 steps")
          .contains("using kafka at " + s.info().get("bootstrap") + " (./otc up)").doesNotContain("starting ").doesNotContain("stopped ")
          .contains("step 1/2  v1 ").contains("step 2/2  v2 ");
      Path run = tmp.resolve("runs/up-run");
      assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);
      assertThat(PolicyArtifact.load(run.resolve("policy.zip")).policyVersion()).isEqualTo(2);
      assertThat(run.resolve("config.json")).content().contains("\"reward\" : \"otc-grpo\"");
      for (String part : List.of("reward", "learner", "rollout")) {
        assertThat(run.resolve("logs/" + part + ".log")).isNotEmptyFile();
      }
      assertThat(s.parts()).as("up's platform still runs").allMatch(PlatformState.Part::stillRunning);
    } finally {
      OtcProcess.Run down = OtcProcess.run(null, tmp, Map.of(), Duration.ofMinutes(4), "down");
      assertThat(down.exit()).as(down.err()).isZero();
      assertThat(down.out()).contains("stopped the supervisor");
    }
    TinyRun.assertAllGone(pids, Duration.ofSeconds(10));
    assertThat(tmp.resolve("runs/platform/state.json")).doesNotExist();
    OtcProcess.Run none = OtcProcess.run(null, tmp, Map.of(), Duration.ofMinutes(1), "down");
    assertThat(none.out()).contains("nothing to stop");
  }
}
