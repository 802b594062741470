package ai.otc.cli.platform;

import ai.otc.policy.store.PolicyArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code runs/D/demo.json}: the demo's configuration, its runs and its phase times, rewritten after every phase (so an
 * interrupted demo still says how far it got). The report takes the configuration from here and every number from
 * the topics.
 */
final class DemoRecord {
  private final Path file;
  private final Map<String, Object> root = new LinkedHashMap<>();
  private final List<Map<String, Object>> runs = new ArrayList<>();
  private final List<Map<String, Object>> phases = new ArrayList<>();

  DemoRecord(Path file, String demoId, boolean quick, Path world, String fingerprint, Path initialPolicy,
      Map<String, Object> settings, List<String> rewards, List<Long> seeds, String initialEvalRunId, Path kafkaDir)
      throws IOException {
    this.file = file;
    root.put("demo_id", demoId);
    root.put("created", Instant.now().toString());
    root.put("quick", quick);
    root.put("world", Map.of("dir", world.toAbsolutePath().normalize().toString(), "fingerprint", fingerprint));
    root.put("initial_policy", Map.of("path", initialPolicy.toString(), "sha256",
        PolicyArtifact.sha256(Files.readAllBytes(initialPolicy))));
    root.put("settings", settings);
    root.put("rewards", rewards);
    root.put("seeds", seeds);
    root.put("runs", runs);
    root.put("initial_eval_run_id", initialEvalRunId);
    root.put("phases", phases);
    root.put("versions", versions());
    root.put("kafka", Map.of("data_dir", kafkaDir.toString()));
    root.put("finished", false);
    write();
  }

  void run(String runId, String reward, long seed, int steps, double wallSeconds, long finalVersion) throws IOException {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("run_id", runId);
    r.put("reward", reward);
    r.put("seed", seed);
    r.put("steps", steps);
    r.put("wall_s", round(wallSeconds));
    r.put("final_version", finalVersion);
    runs.add(r);
    write();
  }

  void phases(List<DemoClock.Phase> done) throws IOException {
    phases.clear();
    for (DemoClock.Phase p : done) {
      phases.add(Map.of("name", p.name(), "seconds", round(p.seconds())));
    }
    write();
  }

  void finished(double totalSeconds) throws IOException {
    root.put("finished", true);
    root.put("total_s", round(totalSeconds));
    write();
  }

  private void write() throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    PlatformSupport.JSON.writeValue(tmp.toFile(), root);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static double round(double s) {
    return Math.round(s * 10) / 10.0;
  }

  private static Map<String, Object> versions() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("otc", String.valueOf(DemoRecord.class.getPackage().getImplementationVersion() == null ? "dev"
        : DemoRecord.class.getPackage().getImplementationVersion()));
    v.put("java", Runtime.version().toString());
    v.put("djl", String.valueOf(ai.djl.engine.Engine.class.getPackage().getImplementationVersion()));
    v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    v.put("cpus", Runtime.getRuntime().availableProcessors());
    return v;
  }
}
