package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Sets PyTorch's grad mode on the calling thread for the length of a try-with-resources block and restores the previous
 * mode on close: {@code try (Grad g = Grad.enabled()) { ... }}.
 *
 * <p>Why it exists: grad mode is thread-local in libtorch. DJL switches it off only on the thread that loads the engine
 * ({@code PtEngine.newInstance}); every other thread starts with libtorch's default, <b>enabled</b>, so a forward on a
 * Quarkus, Kafka or executor thread records an autograd graph (memory and time) unless the mode is set there. DJL's
 * {@code PtGradientCollector} sets it to true in its constructor and back to false on close only when it was false
 * before. Code that must not record (rollouts, reference and old log-probs) uses {@link #disabled()}; code that must
 * (the learner's loss) uses {@link #enabled()}, whatever thread it runs on.
 *
 * <p>A handle must be closed on the thread that opened it (checked), innermost first, as with any scoped mode.
 */
public final class Grad implements AutoCloseable {
  private final boolean previous;
  private final Thread owner;
  private boolean closed;

  private Grad(boolean enable) {
    DjlRuntime.engine();
    this.owner = Thread.currentThread();
    this.previous = JniUtils.isGradMode();
    JniUtils.setGradMode(enable);
  }

  /** Records autograd graphs on this thread until closed. */
  public static Grad enabled() {
    return new Grad(true);
  }

  /** Records no autograd graph on this thread until closed (PyTorch's {@code torch.no_grad()}). */
  public static Grad disabled() {
    return new Grad(false);
  }

  /** Whether this thread's grad mode is on now. */
  public static boolean isEnabled() {
    DjlRuntime.engine();
    return JniUtils.isGradMode();
  }

  /**
   * Back-propagates a scalar loss into the {@code .grad} of every parameter its graph reaches (accumulating, as
   * PyTorch does), freeing the graph. The same as {@code GradientCollector.backward} without a collector: DJL's
   * {@code PtGradientCollector} allows only one open collector per JVM (a static flag), so two threads (actor and
   * critic updates) cannot both hold one; this call has no such limit. The loss must have been computed with grad
   * mode on (e.g. {@code SequenceScorer.score(..., withGrad = true)}); throws when it carries no graph.
   */
  public static void backward(NDArray loss) {
    if (loss.getShape().size() != 1) {
      throw new IllegalArgumentException("backward needs a scalar loss, got shape " + loss.getShape());
    }
    try (NDArray ones = loss.onesLike()) {
      JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
    }
  }

  /** Restores the grad mode this handle found. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("Grad opened on thread " + owner.getName() + " closed on "
          + Thread.currentThread().getName() + ": grad mode is per thread");
    }
    closed = true;
    JniUtils.setGradMode(previous);
  }
}
