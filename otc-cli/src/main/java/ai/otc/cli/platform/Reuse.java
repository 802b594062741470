package ai.otc.cli.platform;

import ai.otc.platform.supervisor.PlatformState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code ./otc train} takes from the platform {@code ./otc up} left running, by its state file: the broker (unless
 * {@code --bootstrap} names another Kafka), the gateway with the token file of its tenant, and, when up runs this very
 * run id with all its services alive, the whole run ({@code attach}: train only follows it). A part that is gone is
 * not reused; train starts its own.
 *
 * @param bootstrap the Kafka to use, or null to start a broker
 * @param gateway   the gateway to use, or null to start one
 * @param tokenFile the gateway tenant's token file when {@code gateway} is set
 * @param attach    whether up runs this run (train starts nothing and stops nothing)
 */
record Reuse(String bootstrap, String gateway, Path tokenFile, boolean attach) {
  private static final List<String> RUN_PARTS = List.of("reward", "learner", "rollout");

  /** Decides from the state file's content ({@code up}, empty when there is none). */
  static Reuse decide(Optional<PlatformState> up, String runId, String bootstrapFlag) {
    Optional<PlatformState> live = up.filter(s -> s.supervisorAlive()
        && (PlatformState.READY.equals(s.status()) || PlatformState.DEGRADED.equals(s.status())));
    if (live.isEmpty()) {
      return new Reuse(bootstrapFlag, null, null, false);
    }
    PlatformState s = live.get();
    String bootstrap = bootstrapFlag;
    if (bootstrap == null && s.info().containsKey("bootstrap") && s.part("kafka").map(PlatformState.Part::stillRunning).orElse(true)) {
      bootstrap = s.info().get("bootstrap");
    }
    boolean gatewayUp = s.part("gateway").map(PlatformState.Part::stillRunning).orElse(false) && s.info().containsKey("token_file");
    boolean attach = runId.equals(s.info().get("run_id")) && gatewayUp
        && RUN_PARTS.stream().allMatch(n -> s.part(n).map(PlatformState.Part::stillRunning).orElse(false));
    return new Reuse(bootstrap, gatewayUp ? s.info().get("gateway") : null, gatewayUp ? Path.of(s.info().get("token_file")) : null,
        attach);
  }
}
