package ai.otc.policy.warmstart;

import ai.djl.ndarray.NDScope;
import ai.otc.policy.model.PolicyModel;

/**
 * Reference next-token probabilities for the curriculum tests: a plain forward of one context and the softmax of its
 * last position's logits in Java arithmetic, independent of {@link ai.otc.policy.model.SequenceScorer}.
 */
final class NextTokenReference {
  private NextTokenReference() {}

  /** log p({@code token} | {@code context}). */
  static double logP(PolicyModel m, int[] context, int token) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float[] all = m.forward(PolicyModel.ids(m.manager(), new int[][] {context}, context.length)).logits().toFloatArray();
      int v = m.config().vocabSize();
      int at = (context.length - 1) * v;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < v; k++) {
        max = Math.max(max, all[at + k]);
      }
      double z = 0;
      for (int k = 0; k < v; k++) {
        z += Math.exp(all[at + k] - max);
      }
      return all[at + token] - max - Math.log(z);
    }
  }
}
