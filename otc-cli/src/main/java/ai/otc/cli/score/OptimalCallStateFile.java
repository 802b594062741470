package ai.otc.cli.score;

import ai.otc.core.reward.InMemoryOptimalCallState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-question n persisted between {@code otc score} runs ({@code --state FILE}): a JSON
 * object {@code {"question_id": n, ...}}, written atomically (temp file + rename).
 */
public final class OptimalCallStateFile {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OptimalCallStateFile() {}

  /** Loads the state; a missing file is an empty state, a malformed one an error naming the file. */
  public static InMemoryOptimalCallState load(Path file) throws IOException {
    InMemoryOptimalCallState state = new InMemoryOptimalCallState();
    if (!Files.exists(file)) {
      return state;
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("state file " + file + " is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("state file " + file + " must hold a JSON object {question_id: n}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
        throw new IOException("state file " + file + ": n of question '" + e.getKey() + "' must be an integer >= 0, got " + v);
      }
      state.put(e.getKey(), v.asInt());
    }
    return state;
  }

  /** Saves the state atomically, keys sorted so that identical states give identical files. */
  public static void save(Path file, InMemoryOptimalCallState state) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    new TreeMap<>(state.asMap()).forEach(root::put);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

}
