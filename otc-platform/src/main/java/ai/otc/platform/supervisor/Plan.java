package ai.otc.platform.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a supervisor runs: its parts in stages, the topics to create, where it keeps its state, and free-form facts for
 * the state file (run id, token file, …). Written as JSON by {@code ./otc up} for the detached
 * {@link SupervisorDaemon}.
 *
 * @param parts     the processes; names and ports unique
 * @param topics    topics to create, or null for none
 * @param stateFile where the supervisor keeps its {@link PlatformState} (null: nowhere)
 * @param info      facts copied into the state file
 */
public record Plan(List<PartSpec> parts, TopicSetup topics, Path stateFile, Map<String, String> info) {

  public Plan {
    parts = List.copyOf(parts);
    info = info == null ? Map.of() : Map.copyOf(info);
    Set<String> names = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (PartSpec p : parts) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("two parts named " + p.name());
      }
      if (!ports.add(p.port())) {
        throw new IllegalArgumentException("port " + p.port() + " given to two parts (" + p.name() + " and another)");
      }
    }
  }

  /** The number of stages (highest stage + 1). */
  public int stages() {
    return parts.stream().mapToInt(PartSpec::stage).max().orElse(-1) + 1;
  }

  public void write(Path file) throws IOException {
    Json.write(file, this);
  }

  public static Plan read(Path file) throws IOException {
    return Json.read(file, Plan.class);
  }
}
