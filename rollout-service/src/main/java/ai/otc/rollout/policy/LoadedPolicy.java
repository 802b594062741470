package ai.otc.rollout.policy;

import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import java.util.Objects;

/**
 * One policy version as the generation thread uses it: the model (native memory, closed with this object) and the
 * artifact it was built from (tokenizer, model config, provenance). Held in a {@code PolicySlot}, which closes a
 * swapped-out version once its last lease is released.
 *
 * @param version  the policy version (the manifest's, checked against the artifact's own)
 * @param artifact the verified artifact
 * @param model    the model built from the artifact's weights
 */
public record LoadedPolicy(long version, PolicyArtifact artifact, PolicyModel model) implements AutoCloseable {

  public LoadedPolicy {
    Objects.requireNonNull(artifact, "artifact");
    Objects.requireNonNull(model, "model");
  }

  /** The artifact's tokenizer (a policy carries its own vocabulary). */
  public WordTokenizer tokenizer() {
    return artifact.tokenizer();
  }

  @Override
  public void close() {
    model.close();
  }
}
