package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch decoding in lockstep: per layer two (B, H, capacity, headDim) arrays
 * written in place at the current position. Owns its own manager; close it when the batch is done.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int capacity;
  private final int batch;

  KvCache(NDManager parent, ModelConfig c, int batch, int capacity) {
    this.manager = parent.newSubManager();
    this.capacity = capacity;
    this.batch = batch;
    keys = new NDArray[c.layers()];
    values = new NDArray[c.layers()];
    Shape s = new Shape(batch, c.heads(), capacity, c.headDim());
    for (int l = 0; l < c.layers(); l++) {
      keys[l] = manager.zeros(s);
      values[l] = manager.zeros(s);
      NDScope.unregister(keys[l], values[l]);
    }
  }

  /** Positions the cache can hold. */
  public int capacity() {
    return capacity;
  }

  /** Rows of the batch. */
  public int batch() {
    return batch;
  }

  NDArray keys(int layer) {
    return keys[layer];
  }

  NDArray values(int layer) {
    return values[layer];
  }

  @Override
  public void close() {
    manager.close();
  }
}
