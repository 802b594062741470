package ai.otc.rollout.support;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.store.PolicyStore;
import ai.otc.policy.store.PolicyStores;
import ai.otc.policy.store.StoredPolicy;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.world.WorldGenerator;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run's policy store with tiny random-weight policies over the task world's vocabulary, as the learner would
 * write it: {@code put} version N, then the {@code PolicyManifest} announcing it (run id, version, step, checksum,
 * location). The models are tiny (d 16, 1 layer) so loading costs milliseconds.
 */
public final class TinyPolicies implements AutoCloseable {
  /** The world's tokenizer with the paper's observation tag. */
  public static final WordTokenizer TOKENIZER = WordTokenizer.forVocabulary(WorldGenerator.vocabularyWords(),
      WordTokenizer.DEFAULT_OBSERVATION_TAG);

  private final String runId;
  private final PolicyStore store;
  private final PolicyModel model;

  /** A store for run {@code runId} at {@code dir} (the run's directory), with one model reused for every version. */
  public TinyPolicies(String runId, Path dir) {
    this(runId, dir, new PolicyModel(config(7)));
  }

  /** Same, with a given model (e.g. a warm-started one). */
  public TinyPolicies(String runId, Path dir, PolicyModel model) {
    this.runId = runId;
    this.store = PolicyStores.open(dir.toUri());
    this.model = model;
  }

  /** The tiny model shape. */
  public static ModelConfig config(long seed) {
    return new ModelConfig(TOKENIZER.size(), 16, 1, 2, 32, 128, false, "cpu", seed);
  }

  /** The store. */
  public PolicyStore store() {
    return store;
  }

  /** Puts version {@code v} (the same weights each time) and returns its manifest. */
  public PolicyManifest publish(long v) {
    StoredPolicy sp = store.put(v, PolicyArtifact.of(model, TOKENIZER, v, Map.of("test", "tiny")));
    return manifest(v, sp.location().toString(), sp.checksum());
  }

  /** A manifest of this run with the given fields. */
  public PolicyManifest manifest(long v, String location, String checksum) {
    return PolicyManifest.newBuilder().setRunId(runId).setVersion(v).setStep(v).setChecksum(checksum).setLocation(location)
        .setReward("em").build();
  }

  @Override
  public void close() {
    model.close();
  }
}
