package ai.otc.policy.store;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.tokenizer.WordTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * One versioned policy artifact: a zip holding {@code manifest.json} (format, policy version, model config, tokenizer,
 * provenance, SHA-256 of the weights) and {@code weights.bin} (every parameter, in the model's fixed order, as
 * little-endian float32). Loading verifies the checksum and the parameter shapes, so a truncated or edited file is
 * reported instead of silently used. Entries carry a fixed timestamp: the same weights give the same bytes.
 */
public final class PolicyArtifact {
  /** Artifact format name in the manifest. */
  public static final String FORMAT = "otc-policy";
  /** Artifact format version. */
  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ModelConfig modelConfig;
  private final WordTokenizer tokenizer;
  private final Map<String, float[]> weights;
  private final long policyVersion;
  private final Map<String, Object> provenance;
  private final String checksum;
  /** {@link #toBytes()}, encoded once: the learner writes each version twice (checkpoint and store). */
  private volatile byte[] encoded;
  /** SHA-256 of {@link #toBytes()}, computed once. */
  private volatile String fileChecksum;
  /** {@code weights.bin} as the constructor encoded it for the checksum, until {@link #encode()} takes it. */
  private volatile byte[] pendingWeightBytes;

  /**
   * @param policyVersion monotonically increasing version (0 = warm start; the learner bumps it)
   * @param provenance    free-form JSON-ready facts (world fingerprint, warm-start config, metrics...)
   */
  public PolicyArtifact(ModelConfig modelConfig, WordTokenizer tokenizer, Map<String, float[]> weights, long policyVersion,
      Map<String, Object> provenance) {
    this(modelConfig, tokenizer, weights, policyVersion, provenance, weightBytes(weights));
  }

  private PolicyArtifact(ModelConfig modelConfig, WordTokenizer tokenizer, Map<String, float[]> weights, long policyVersion,
      Map<String, Object> provenance, byte[] weightBytes) {
    this(modelConfig, tokenizer, weights, policyVersion, provenance, sha256(weightBytes));
    // kept for the file's first encoding: a new version is written at once (store, checkpoint), and encoding it again
    // would build the same 3 MB a second time
    this.pendingWeightBytes = weightBytes;
  }

  /** With the weights' checksum already known (a decoded file's, verified). */
  private PolicyArtifact(ModelConfig modelConfig, WordTokenizer tokenizer, Map<String, float[]> weights, long policyVersion,
      Map<String, Object> provenance, String checksum) {
    this.modelConfig = modelConfig;
    this.tokenizer = tokenizer;
    this.weights = weights;
    this.policyVersion = policyVersion;
    this.provenance = provenance == null ? Map.of() : provenance;
    this.checksum = checksum;
    if (tokenizer.size() != modelConfig.vocabSize()) {
      throw new IllegalArgumentException("tokenizer size " + tokenizer.size() + " != model vocab " + modelConfig.vocabSize());
    }
  }

  /** Snapshot of a live model. */
  public static PolicyArtifact of(PolicyModel model, WordTokenizer tokenizer, long policyVersion, Map<String, Object> provenance) {
    return new PolicyArtifact(model.config(), tokenizer, model.weights(), policyVersion, provenance);
  }

  public ModelConfig modelConfig() {
    return modelConfig;
  }

  public WordTokenizer tokenizer() {
    return tokenizer;
  }

  public Map<String, float[]> weights() {
    return weights;
  }

  public long policyVersion() {
    return policyVersion;
  }

  public Map<String, Object> provenance() {
    return provenance;
  }

  /**
   * SHA-256 (hex) of {@code weights.bin} alone, as recorded in the artifact's {@code manifest.json}. Not the checksum of
   * a stored version, which covers the whole artifact file ({@link PolicyStore}).
   */
  public String checksum() {
    return checksum;
  }

  /** Builds a model from the weights on the given device ({@code auto}, {@code cpu}, {@code gpu}...). */
  public PolicyModel newModel(String device) {
    return new PolicyModel(modelConfig.withDevice(device), weights);
  }

  /** Writes the artifact atomically (temp file + move). */
  public void save(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Path tmp = Files.createTempFile(file.getParent() == null ? Path.of(".") : file.getParent(), ".policy", ".tmp");
      Files.write(tmp, toBytes());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write policy artifact " + file, e);
    }
  }

  /**
   * The artifact file's bytes (what {@link #save} writes); the same artifact always gives the same bytes. They are
   * encoded on the first call and shared by every later one: callers must not modify the array.
   */
  public byte[] toBytes() {
    byte[] b = encoded;
    if (b == null) {
      b = encode();
      encoded = b;
    }
    return b;
  }

  /** SHA-256 (hex) of the whole artifact file, {@link #toBytes()}: a stored version's checksum. Computed once. */
  public String fileChecksum() {
    String c = fileChecksum;
    if (c == null) {
      c = sha256(toBytes());
      fileChecksum = c;
    }
    return c;
  }

  private byte[] encode() {
    try {
      byte[] manifest = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest());
      byte[] wb = pendingWeightBytes;
      pendingWeightBytes = null;
      if (wb == null) {
        wb = weightBytes(weights);
      }
      // sized for the stored entries (5 bytes of deflate framing per 64 KiB block) and the zip's headers: no regrowth
      ByteArrayOutputStream bos = new ByteArrayOutputStream(wb.length + manifest.length + (wb.length >> 13) + 4096);
      try (ZipOutputStream zip = new ZipOutputStream(bos)) {
        // Float weights deflate by ~7 %, at ~0.1 s of CPU per write and ~0.05 s per read of a 3 MB policy (10x that
        // on a loaded 2-core machine), on the path of every learner step (store) and rollout version load: stored
        // blocks instead (still a plain deflate zip to every reader; older deflated artifacts read the same).
        zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
        put(zip, "manifest.json", manifest);
        put(zip, "weights.bin", wb);
      }
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode policy artifact", e);
    }
  }

  private Map<String, Object> manifest() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("format_version", FORMAT_VERSION);
    m.put("policy_version", policyVersion);
    m.put("weights_sha256", checksum);
    m.put("parameters", modelConfig.parameterCount());
    m.put("model", JSON.convertValue(modelConfig, Map.class));
    Map<String, Object> tk = new LinkedHashMap<>();
    tk.put("type", "word");
    tk.put("observation_tag", tokenizer.observationTag());
    tk.put("tokens", tokenizer.tokens());
    m.put("tokenizer", tk);
    m.put("provenance", provenance);
    return m;
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setTime(0L);
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  /** Reads and verifies an artifact; throws {@link IllegalArgumentException} with the reason when it is not valid. */
  public static PolicyArtifact load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no policy artifact at " + file);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read policy artifact " + file + ": " + e.getMessage(), e);
    }
    return fromBytes(bytes, file.toString());
  }

  /**
   * Decodes and verifies an artifact file's bytes ({@code source} names it in errors); throws
   * {@link IllegalArgumentException} with the reason when they are not a valid artifact.
   */
  @SuppressWarnings("unchecked")
  public static PolicyArtifact fromBytes(byte[] bytes, String source) {
    byte[] manifest = null;
    byte[] wbytes = null;
    try (InputStream is = new ByteArrayInputStream(bytes); ZipInputStream zip = new ZipInputStream(is)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (e.getName().equals("manifest.json")) {
          manifest = zip.readAllBytes();
        } else if (e.getName().equals("weights.bin")) {
          wbytes = zip.readAllBytes();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read policy artifact " + source + ": " + e.getMessage(), e);
    }
    if (manifest == null || wbytes == null) {
      throw new IllegalArgumentException(source + " is not a policy artifact (manifest.json or weights.bin missing)");
    }
    try {
      JsonNode m = JSON.readTree(manifest);
      if (!FORMAT.equals(m.path("format").asText()) || m.path("format_version").asInt() != FORMAT_VERSION) {
        throw new IllegalArgumentException(source + ": unsupported format " + m.path("format").asText() + " v"
            + m.path("format_version").asInt() + " (expected " + FORMAT + " v" + FORMAT_VERSION + ")");
      }
      String sum = sha256(wbytes);
      if (!sum.equals(m.path("weights_sha256").asText())) {
        throw new IllegalArgumentException(source + ": weights checksum mismatch (manifest " + m.path("weights_sha256").asText()
            + ", file " + sum + "): the artifact is corrupt");
      }
      ModelConfig cfg = JSON.treeToValue(m.get("model"), ModelConfig.class);
      List<String> tokens = new ArrayList<>();
      m.path("tokenizer").path("tokens").forEach(t -> tokens.add(t.asText()));
      WordTokenizer tk = new WordTokenizer(tokens, m.path("tokenizer").path("observation_tag").asText());
      Map<String, float[]> w = readWeights(cfg, wbytes, source);
      Map<String, Object> prov = JSON.convertValue(m.path("provenance"), LinkedHashMap.class);
      return new PolicyArtifact(cfg, tk, w, m.path("policy_version").asLong(), prov, sum);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": bad manifest: " + e.getMessage(), e);
    }
  }

  private static Map<String, float[]> readWeights(ModelConfig cfg, byte[] bytes, String file) throws IOException {
    Map<String, float[]> w = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      for (var e : PolicyModel.parameterShapes(cfg).entrySet()) {
        String name = in.readUTF();
        int n = in.readInt();
        if (!name.equals(e.getKey()) || n != e.getValue().size()) {
          throw new IllegalArgumentException(file + ": weights do not match the model config at " + e.getKey());
        }
        byte[] raw = new byte[n * 4];
        in.readFully(raw);
        float[] a = new float[n];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(a);
        w.put(name, a);
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException(file + ": trailing bytes after the last weight");
      }
    }
    return w;
  }

  /**
   * {@code weights.bin}: per parameter its name ({@link DataOutputStream#writeUTF}), its length (big-endian int, as
   * {@link DataOutputStream#writeInt}) and its values as little-endian float32; written into one array of the exact
   * size (a 3 MB policy used to take a growing stream, a buffer per tensor and a final copy).
   */
  static byte[] weightBytes(Map<String, float[]> weights) {
    try {
      // the names' modified UTF-8 headers, as writeUTF writes them
      ByteArrayOutputStream names = new ByteArrayOutputStream();
      int[] nameEnds = new int[weights.size()];
      long size = 0;
      int i = 0;
      try (DataOutputStream out = new DataOutputStream(names)) {
        for (var e : weights.entrySet()) {
          out.writeUTF(e.getKey());
          nameEnds[i++] = out.size();
          size += 4 + 4L * e.getValue().length;
        }
      }
      byte[] header = names.toByteArray();
      size += header.length;
      if (size > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("weights of " + size + " bytes do not fit one artifact entry");
      }
      byte[] b = new byte[(int) size];
      ByteBuffer bb = ByteBuffer.wrap(b);
      i = 0;
      int nameStart = 0;
      for (float[] v : weights.values()) {
        bb.put(header, nameStart, nameEnds[i] - nameStart);
        nameStart = nameEnds[i++];
        bb.order(ByteOrder.BIG_ENDIAN).putInt(v.length);
        bb.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v);
        bb.position(bb.position() + 4 * v.length);
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 of {@code b}, lower-case hex (the form of every checksum of a policy). */
  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
