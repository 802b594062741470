package ai.otc.policy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDScope;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.tokenizer.TestVocabulary;
import ai.otc.policy.tokenizer.WordTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyArtifactTest {
  @TempDir Path tmp;
  private final WordTokenizer tk = TestVocabulary.tokenizer("information");

  private static float[] logits(PolicyModel m, int[] seq) {
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      return m.forward(PolicyModel.ids(m.manager(), new int[][] {seq}, seq.length)).logits().toFloatArray();
    }
  }

  @Test
  void saveLoadRoundTripGivesTheSameModel() throws Exception {
    ModelConfig c = ModelConfig.tiny(tk.size());
    try (PolicyModel m = new PolicyModel(c)) {
      PolicyArtifact a = PolicyArtifact.of(m, tk, 3, Map.of("stage", "test"));
      Path f = tmp.resolve("p.zip");
      a.save(f);
      PolicyArtifact b = PolicyArtifact.load(f);
      assertThat(b.checksum()).isEqualTo(a.checksum());
      assertThat(b.policyVersion()).isEqualTo(3);
      assertThat(b.modelConfig()).isEqualTo(c);
      assertThat(b.tokenizer().tokens()).isEqualTo(tk.tokens());
      assertThat(b.tokenizer().observationTag()).isEqualTo("information");
      assertThat(b.provenance()).containsEntry("stage", "test");
      int[] seq = tk.encode("<qa> what is the city of ka mi ?");
      try (PolicyModel m2 = b.newModel("cpu")) {
        assertThat(logits(m2, seq)).isEqualTo(logits(m, seq));
      }
      Path g = tmp.resolve("q.zip");
      a.save(g);
      assertThat(Files.readAllBytes(g)).as("same weights, same bytes").isEqualTo(Files.readAllBytes(f));
    }
  }

  @Test
  void corruptedWeightsAreRejected() throws Exception {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(tk.size()))) {
      PolicyArtifact a = PolicyArtifact.of(m, tk, 0, Map.of());
      Map<String, float[]> w = a.weights();
      Path good = tmp.resolve("good.zip");
      a.save(good);
      // Same manifest checksum, different weights: rebuild the zip by hand with one weight changed.
      w.get("tok_emb")[0] += 1f;
      Path bad = tmp.resolve("bad.zip");
      new PolicyArtifact(a.modelConfig(), tk, w, 0, Map.of()).save(bad);
      try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(good));
           var zout = new java.util.zip.ZipOutputStream(Files.newOutputStream(tmp.resolve("mixed.zip")));
           var zbad = new java.util.zip.ZipFile(bad.toFile())) {
        for (java.util.zip.ZipEntry e; (e = zin.getNextEntry()) != null; ) {
          zout.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
          zout.write(e.getName().equals("weights.bin") ? zbad.getInputStream(zbad.getEntry("weights.bin")).readAllBytes() : zin.readAllBytes());
          zout.closeEntry();
        }
      }
      assertThatThrownBy(() -> PolicyArtifact.load(tmp.resolve("mixed.zip"))).hasMessageContaining("checksum mismatch");
      assertThatThrownBy(() -> PolicyArtifact.load(tmp.resolve("missing.zip"))).hasMessageContaining("no policy artifact");
      Files.writeString(tmp.resolve("junk.zip"), "not a zip");
      assertThatThrownBy(() -> PolicyArtifact.load(tmp.resolve("junk.zip"))).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void weightsBinIsNameLengthAndLittleEndianFloatsPerParameter() throws Exception {
    Map<String, float[]> w = new java.util.LinkedHashMap<>();
    w.put("tok_emb", new float[] {1.5f, -0f, Float.NaN, Float.MIN_VALUE});
    w.put("empty", new float[0]);
    w.put("caf\u00e9\u0000", new float[] {3.25f}); // writeUTF's modified UTF-8: two bytes for NUL and for e-acute
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(expected)) {
      for (var e : w.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (float f : e.getValue()) {
          out.writeInt(Integer.reverseBytes(Float.floatToRawIntBits(f)));
        }
      }
    }
    assertThat(PolicyArtifact.weightBytes(w)).isEqualTo(expected.toByteArray());
  }

  @Test
  void theFileIsEncodedOnceAndItsChecksumIsThatOfTheSavedFile() throws Exception {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(tk.size()))) {
      PolicyArtifact a = PolicyArtifact.of(m, tk, 1, Map.of());
      byte[] first = a.toBytes();
      assertThat(a.toBytes()).as("the same array, not a second encoding").isSameAs(first);
      Path f = tmp.resolve("p.zip");
      a.save(f);
      assertThat(Files.readAllBytes(f)).isEqualTo(first);
      assertThat(a.fileChecksum()).isEqualTo(java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      PolicyArtifact b = PolicyArtifact.load(f);
      assertThat(b.toBytes()).as("a decoded artifact encodes to the bytes it was read from").isEqualTo(first);
      assertThat(b.fileChecksum()).isEqualTo(a.fileChecksum());
    }
  }
}
