package ai.otc.cli.platform;

import ai.otc.cli.OneLineUsageErrors;
import ai.otc.cli.OtcSubcommand;
import ai.otc.platform.supervisor.PlatformState;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./otc down}: stops what {@code ./otc up} started and waits until every process is gone. */
@Command(name = "down", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Stop the platform ./otc up started: its supervisor stops the run's services,",
        "the gateway and the broker, in that order (SIGTERM, then SIGKILL after the",
        "grace period); waits until every process is gone. The broker's data stays in",
        "runs/platform/kafka, each run's files in runs/ID.",
        PlatformExit.HELP_1, PlatformExit.HELP_2, PlatformExit.HELP_3, ""})
public final class DownCommand implements OtcSubcommand, OneLineUsageErrors {
  @Option(names = "--runs-dir", paramLabel = "DIR", description = "where ./otc up keeps its files (default ${DEFAULT-VALUE})")
  Path runsDir = Path.of("runs");

  @Option(names = "--grace", paramLabel = "SECONDS", description = "how long to wait for a graceful stop before SIGKILL (default ${DEFAULT-VALUE})")
  int grace = 120;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    try {
      return down();
    } catch (Refusal r) {
      err.println("otc down: " + r.getMessage());
      return r.exitCode();
    }
  }

  private int down() throws Refusal, Exception {
    if (grace < 1) {
      throw Refusal.usage("--grace must be at least 1 second, got " + grace);
    }
    Layout layout = new Layout(runsDir);
    Optional<PlatformState> state = PlatformSupport.state(layout);
    if (state.isEmpty()) {
      out.println("nothing to stop: no platform state at " + layout.stateFile() + " (./otc up writes it)");
      return PlatformExit.OK;
    }
    PlatformState s = state.get();
    boolean supervisor = s.supervisorAlive();
    long t0 = System.nanoTime();
    List<PlatformState.Part> stopped = PlatformSupport.stop(s, Duration.ofSeconds(grace));
    List<PlatformState.Part> left = s.parts().stream().filter(PlatformState.Part::stillRunning).toList();
    if (s.supervisorAlive() || !left.isEmpty()) {
      err.println("otc down: still running after SIGKILL: " + (s.supervisorAlive() ? "supervisor pid " + s.supervisorPid() + " " : "")
          + left.stream().map(p -> p.name() + " pid " + p.pid()).collect(Collectors.joining(", ")) + "; check them with ps");
      return PlatformExit.FAILED;
    }
    Files.deleteIfExists(layout.stateFile());
    Files.deleteIfExists(layout.planFile());
    Files.deleteIfExists(layout.tokenFile());
    out.printf(java.util.Locale.ROOT, "stopped %s%s in %.1f s%n",
        supervisor ? "the supervisor (pid " + s.supervisorPid() + ")" : "the parts left by a supervisor that was gone",
        stopped.isEmpty() ? "" : " and " + stopped.stream().map(p -> p.name() + " (pid " + p.pid() + ")").collect(Collectors.joining(", ")),
        (System.nanoTime() - t0) / 1e9);
    return PlatformExit.OK;
  }
}
