package ai.otc.learner.support;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A tiny random-weight policy artifact for the service's tests: a 12-word vocabulary plus the tokenizer's protocol
 * tokens, d 16, 1 layer, 2 heads, context 32 (a few thousand parameters: loading and a training step take milliseconds).
 */
public final class TinyPolicy {

  /** The words of the vocabulary. */
  public static final List<String> WORDS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "lima", "quito", "city", "friend");

  private TinyPolicy() {}

  /** The tokenizer (its size is the model's vocabulary). */
  public static WordTokenizer tokenizer() {
    return WordTokenizer.forVocabulary(WORDS, WordTokenizer.DEFAULT_OBSERVATION_TAG);
  }

  /** The model's configuration. */
  public static ModelConfig config() {
    return new ModelConfig(tokenizer().size(), 16, 1, 2, 32, 32, false, "cpu", 3);
  }

  /** Writes version 0 of a random-weight policy to {@code file}; returns it. */
  public static Path write(Path file) {
    WordTokenizer tok = tokenizer();
    try (PolicyModel m = new PolicyModel(config())) {
      PolicyArtifact.of(m, tok, 0, Map.of("purpose", "learner-service tests")).save(file);
    }
    return file;
  }
}
