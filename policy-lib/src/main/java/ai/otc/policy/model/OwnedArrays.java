package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * NDArrays made from Java arrays whose memory libtorch owns. Every NDArray this project builds from Java data goes
 * through here.
 *
 * <p>Why: on the CPU, DJL's PyTorch engine (0.36) turns {@code manager.create(float[] …)} into {@code torch::from_blob}
 * over a direct {@code ByteBuffer} that only the Java {@code PtNDArray} keeps alive (its {@code dataRef}); libtorch
 * does not own that memory. Whenever libtorch still reads the storage after that one Java object let go of the buffer,
 * the buffer's cleaner may free it at the next GC and libtorch reads whatever malloc put there since: a warm start
 * repeated in one JVM under load gave a different checksum about once in 150 runs, and in every run with a thread
 * calling {@code System.gc()} in a loop (NaN logits in other tests). A copy into libtorch's own memory ({@code clone})
 * takes the garbage collector out of the numerics; it costs one memcpy of the input, small next to any forward. On a GPU
 * the engine copies to the device already, so the array is returned as created.
 */
public final class OwnedArrays {
  private OwnedArrays() {}

  /** float32 array of {@code shape} from {@code data}, in {@code m}. */
  public static NDArray of(NDManager m, float[] data, Shape shape) {
    return owned(m.create(data, shape));
  }

  /** int32 array of {@code shape} from {@code data}, in {@code m}. */
  public static NDArray of(NDManager m, int[] data, Shape shape) {
    return owned(m.create(data, shape));
  }

  /** int64 array of {@code shape} from {@code data}, in {@code m}. */
  public static NDArray of(NDManager m, long[] data, Shape shape) {
    return owned(m.create(data, shape));
  }

  /**
   * float32 scalar in {@code like}'s manager, for arithmetic with a constant: {@code x.mul(scalar(x, 0.5f))}, never
   * {@code x.mul(0.5f)}. DJL's {@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)} … build the constant
   * as above and close it as soon as the op returns, while the op's backward node keeps it (a product saves the other
   * factor, a quotient its divisor): the gradient was then computed from freed memory whenever a GC ran between the
   * forward and the backward pass. Comparisons ({@code gt(Number)}) and {@code clip(Number, Number)} (a scalar, not a
   * tensor, in libtorch) record nothing and are safe.
   */
  public static NDArray scalar(NDArray like, float value) {
    return scalar(like.getManager(), value);
  }

  /** float32 scalar, in {@code m}. */
  public static NDArray scalar(NDManager m, float value) {
    return owned(m.create(value));
  }

  private static NDArray owned(NDArray borrowed) {
    if (borrowed.getDevice().isGpu()) {
      return borrowed;
    }
    NDArray own = borrowed.duplicate();
    borrowed.close();
    return own;
  }
}
