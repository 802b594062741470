package ai.otc.policy.model;

import ai.djl.ndarray.NDManager;

/**
 * Counts the engine's live NDArrays: every array DJL's PyTorch engine creates is attached to a manager, and every
 * manager (the models', their sub-managers, the KV caches') descends from the engine's system manager, so walking it
 * ({@code BaseNDManager.getManagedArrays()}, recursive over sub-managers) counts every array not yet closed.
 *
 * <p>The count is what a leak grows: an array that is never closed keeps its native tensor (and, for a graph output,
 * the graph behind it). A long-running service exports it as a gauge; a flat count over many steps is the test that
 * the process does not leak (NativeMemoryTest). Cost: O(live arrays) per call; do not call it per token.
 */
public final class NativeArrays {
  private NativeArrays() {}

  /** The number of NDArrays currently attached to any manager of the PyTorch engine. */
  public static int live() {
    try (NDManager probe = DjlRuntime.engine().newBaseManager()) {
      NDManager root = probe;
      while (root.getParentManager() != null) {
        root = root.getParentManager();
      }
      return root.getManagedArrays().size();
    }
  }
}
