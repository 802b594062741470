package ai.otc.learner.checkpoint;

import ai.otc.policy.store.PolicyArtifact;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The on-disk form of a {@link LearnerCheckpoint} (package-private; layout in its class doc). */
final class CheckpointFiles {
  static final String FORMAT = "otc-learner-checkpoint";
  static final int VERSION = 1;
  static final String STATE = "state.json";
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{12})");
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointFiles() {}

  static void write(Path dir, LearnerCheckpoint cp) {
    Path staged = stage(dir, cp);
    commit(dir, staged, cp.step());
  }

  /** Writes every file into a fresh temp directory under {@code dir}, forced to disk; returns it. */
  static Path stage(Path dir, LearnerCheckpoint cp) {
    try {
      Files.createDirectories(dir);
      Optional<Long> latest = latestStep(dir);
      if (latest.isPresent() && cp.step() <= latest.get()) {
        throw new CheckpointException("checkpoint of step " + cp.step() + " is not after the newest one in " + dir
            + " (step " + latest.get() + ")");
      }
      Path tmp = Files.createTempDirectory(dir, ".tmp-step-" + cp.step() + "-");
      Map<String, byte[]> files = new LinkedHashMap<>();
      // the policies' checksums as their artifacts computed them once (the store writes and checks the same bytes)
      Map<String, String> known = new java.util.HashMap<>();
      files.put("actor.zip", cp.actor().toBytes());
      known.put("actor.zip", cp.actor().fileChecksum());
      files.put("actor-adamw.bin", cp.actorOptimizer());
      if (cp.critic() != null) {
        files.put("critic.zip", cp.critic().toBytes());
        known.put("critic.zip", cp.critic().fileChecksum());
        files.put("critic-adamw.bin", cp.criticOptimizer());
      }
      ObjectNode state = JSON.createObjectNode();
      state.put("format", FORMAT);
      state.put("version", VERSION);
      state.put("step", cp.step());
      state.put("policy_version", cp.policyVersion());
      ObjectNode offsets = state.putObject("offsets");
      cp.offsets().forEach((topic, parts) -> {
        ObjectNode t = offsets.putObject(topic);
        new java.util.TreeMap<>(parts).forEach((p, o) -> t.put(Integer.toString(p), o));
      });
      com.fasterxml.jackson.databind.node.ArrayNode recent = state.putArray("recent_group_ids");
      cp.recentGroupIds().forEach(recent::add);
      ObjectNode meta = state.putObject("metadata");
      new java.util.TreeMap<>(cp.metadata()).forEach(meta::put);
      ObjectNode sums = state.putObject("files");
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        writeForced(tmp.resolve(f.getKey()), f.getValue());
        ObjectNode e = sums.putObject(f.getKey());
        e.put("size", f.getValue().length);
        String sum = known.get(f.getKey());
        e.put("sha256", sum != null ? sum : PolicyArtifact.sha256(f.getValue()));
      }
      writeForced(tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
      force(tmp);
      return tmp;
    } catch (IOException e) {
      throw new CheckpointException("cannot write a checkpoint into " + dir + ": " + e, e);
    }
  }

  /** Renames a staged directory to its {@code step-N} name, forces {@code dir}, and removes older checkpoints and leftovers. */
  static void commit(Path dir, Path staged, long step) {
    Path target = dir.resolve(String.format("step-%012d", step));
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
      force(dir);
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          String name = p.getFileName().toString();
          Matcher m = STEP_DIR.matcher(name);
          if ((m.matches() && Long.parseLong(m.group(1)) < step) || name.startsWith(".tmp-step-")) {
            deleteTree(p);
          }
        }
      }
      force(dir);
    } catch (IOException e) {
      throw new CheckpointException("cannot commit checkpoint " + target + ": " + e, e);
    }
  }

  static Optional<LearnerCheckpoint> read(Path dir) {
    Optional<Long> latest;
    try {
      latest = latestStep(dir);
    } catch (IOException e) {
      throw new CheckpointException("cannot list checkpoint directory " + dir + ": " + e, e);
    }
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    Path cp = dir.resolve(String.format("step-%012d", latest.get()));
    try {
      JsonNode state;
      try {
        state = JSON.readTree(Files.readAllBytes(cp.resolve(STATE)));
      } catch (NoSuchFileException e) {
        throw corrupt(cp, STATE + " is missing");
      } catch (IOException e) {
        throw corrupt(cp, STATE + " is not valid JSON (" + e.getMessage() + ")");
      }
      if (state == null || !FORMAT.equals(state.path("format").asText())) {
        throw corrupt(cp, STATE + " is not a learner checkpoint state");
      }
      if (state.path("version").asInt() != VERSION) {
        throw corrupt(cp, "format version " + state.path("version").asText() + " is not supported (expected " + VERSION + ")");
      }
      long step = state.path("step").asLong(-1);
      if (step != latest.get()) {
        throw corrupt(cp, STATE + " says step " + step);
      }
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : state.path("files").properties()) {
        byte[] b;
        try {
          b = Files.readAllBytes(cp.resolve(f.getKey()));
        } catch (NoSuchFileException e) {
          throw corrupt(cp, f.getKey() + " is missing");
        }
        if (b.length != f.getValue().path("size").asLong(-1)) {
          throw corrupt(cp, f.getKey() + " has " + b.length + " bytes, " + STATE + " says " + f.getValue().path("size"));
        }
        if (!PolicyArtifact.sha256(b).equals(f.getValue().path("sha256").asText())) {
          throw corrupt(cp, f.getKey() + " fails its SHA-256 check");
        }
        files.put(f.getKey(), b);
      }
      if (!files.containsKey("actor.zip") || !files.containsKey("actor-adamw.bin")) {
        throw corrupt(cp, "the actor's weights or optimizer state are missing");
      }
      PolicyArtifact actor = PolicyArtifact.fromBytes(files.get("actor.zip"), cp.resolve("actor.zip").toString());
      PolicyArtifact critic = files.containsKey("critic.zip")
          ? PolicyArtifact.fromBytes(files.get("critic.zip"), cp.resolve("critic.zip").toString()) : null;
      Map<String, Map<Integer, Long>> offsets = new LinkedHashMap<>();
      state.path("offsets").properties().forEach(t -> {
        Map<Integer, Long> parts = new LinkedHashMap<>();
        t.getValue().properties().forEach(p -> parts.put(Integer.parseInt(p.getKey()), p.getValue().asLong()));
        offsets.put(t.getKey(), parts);
      });
      List<String> recent = new ArrayList<>();
      state.path("recent_group_ids").forEach(n -> recent.add(n.asText()));
      Map<String, String> meta = new LinkedHashMap<>();
      state.path("metadata").properties().forEach(m -> meta.put(m.getKey(), m.getValue().asText()));
      return Optional.of(new LearnerCheckpoint(step, state.path("policy_version").asLong(), actor,
          files.get("actor-adamw.bin"), critic, files.get("critic-adamw.bin"), offsets, recent, meta));
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw corrupt(cp, e.getMessage());
    }
  }

  private static CheckpointException corrupt(Path cp, String why) {
    return new CheckpointException("checkpoint " + cp + " is corrupt: " + why);
  }

  /** The highest complete checkpoint step in {@code dir}, or empty (also when {@code dir} does not exist). */
  static Optional<Long> latestStep(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    Long best = null;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Matcher m = STEP_DIR.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          long s = Long.parseLong(m.group(1));
          best = best == null ? s : Math.max(best, s);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static void writeForced(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  /** fsync of a directory (its entries), as Linux allows through a read-only channel. */
  private static void force(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
