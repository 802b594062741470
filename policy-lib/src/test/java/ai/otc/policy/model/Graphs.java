package ai.otc.policy.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Whether an array carries an autograd graph. DJL has no direct query: {@code NDArray.hasGradient()} is
 * {@code requires_grad && (is_leaf || retains_grad)}, false for every op output, and its grad-fn-name call dereferences
 * a null grad_fn. So: run a backward of its sum (outside any GradientCollector); libtorch refuses one without a graph.
 * Side effect when there is a graph: the gradients flow into the parameters' {@code .grad} (tests only).
 */
final class Graphs {
  private Graphs() {}

  static boolean recorded(NDArray y) {
    // The sum itself must be recorded whatever this thread's mode is.
    try (Grad g = Grad.enabled(); NDArray s = y.sum(); NDArray ones = s.onesLike()) {
      JniUtils.backward((PtNDArray) s, (PtNDArray) ones, true, false); // keep: callers may test several outputs of one graph
      return true;
    } catch (EngineException e) {
      if (String.valueOf(e.getMessage()).contains("does not require grad")) {
        return false;
      }
      throw e;
    }
  }
}
