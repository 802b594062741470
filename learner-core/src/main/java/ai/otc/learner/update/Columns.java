package ai.otc.learner.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.otc.learner.batch.Sample;
import ai.otc.policy.model.OwnedArrays;
import java.util.List;

/**
 * Builds a micro-batch's arrays in the scorer's column layout (package-private). For rows right-padded to T tokens,
 * {@code SequenceScorer} returns (B, T − 1) arrays whose column j scores token j + 1; response token t of a sample with
 * prompt length P is token P + t, so it lives in column P + t − 1. The critic's value of response token t is read at
 * the same column (SR1's {@code values[:, -T-1:-1]}: the hidden state before the token). Entries outside a row's
 * response are 0.
 */
final class Columns {
  private final List<Sample> samples;
  private final int[] rows;
  final int width;

  /** The micro-batch of {@code samples[rows[k]]}, k = 0..B−1. */
  Columns(List<Sample> samples, int[] rows) {
    this.samples = samples;
    this.rows = rows;
    int t = 0;
    for (int i : rows) {
      t = Math.max(t, samples.get(i).tokens().length);
    }
    this.width = t;
  }

  int size() {
    return rows.length;
  }

  /** Row lengths. */
  int[] lengths() {
    int[] l = new int[rows.length];
    for (int k = 0; k < rows.length; k++) {
      l[k] = samples.get(rows[k]).tokens().length;
    }
    return l;
  }

  /** Longest response in tokens. */
  int longestResponse() {
    int r = 0;
    for (int i : rows) {
      r = Math.max(r, samples.get(i).responseLength());
    }
    return r;
  }

  /** Int64 ids (B, T), right-padded with 0. */
  NDArray ids(NDManager m) {
    long[] a = new long[rows.length * width];
    for (int k = 0; k < rows.length; k++) {
      int[] tok = samples.get(rows[k]).tokens();
      for (int j = 0; j < tok.length; j++) {
        a[k * width + j] = tok[j];
      }
    }
    return OwnedArrays.of(m, a, new Shape(rows.length, width));
  }

  /** The loss mask (info_r) in columns. */
  NDArray lossMask(NDManager m) {
    float[] f = new float[rows.length * (width - 1)];
    for (int k = 0; k < rows.length; k++) {
      Sample s = samples.get(rows[k]);
      int base = k * (width - 1) + s.promptLength() - 1;
      for (int t = 0; t < s.responseLength(); t++) {
        f[base + t] = s.lossMask()[t];
      }
    }
    return OwnedArrays.of(m, f, new Shape(rows.length, width - 1));
  }

  /** 1 at every response column (attn_r). */
  NDArray responseMask(NDManager m) {
    float[] f = new float[rows.length * (width - 1)];
    for (int k = 0; k < rows.length; k++) {
      Sample s = samples.get(rows[k]);
      int base = k * (width - 1) + s.promptLength() - 1;
      java.util.Arrays.fill(f, base, base + s.responseLength(), 1f);
    }
    return OwnedArrays.of(m, f, new Shape(rows.length, width - 1));
  }

  /** Per-response-token values ({@code perSample[i][t]}, indexed by sample) in columns; null → null. */
  NDArray place(NDManager m, float[][] perSample) {
    if (perSample == null) {
      return null;
    }
    float[] f = new float[rows.length * (width - 1)];
    for (int k = 0; k < rows.length; k++) {
      Sample s = samples.get(rows[k]);
      float[] v = perSample[rows[k]];
      System.arraycopy(v, 0, f, k * (width - 1) + s.promptLength() - 1, s.responseLength());
    }
    return OwnedArrays.of(m, f, new Shape(rows.length, width - 1));
  }

  /** Reads (B, T − 1) column values back into per-response arrays of the micro-batch's samples. */
  void read(float[] flat, int columns, float[][] into) {
    for (int k = 0; k < rows.length; k++) {
      Sample s = samples.get(rows[k]);
      float[] v = new float[s.responseLength()];
      System.arraycopy(flat, k * columns + s.promptLength() - 1, v, 0, v.length);
      into[rows[k]] = v;
    }
  }

  /** Contiguous near-equal parts of {@code 0..n-1} (sizes differ by at most one; at most n parts). */
  static int[][] split(int[] indices, int parts) {
    int n = indices.length;
    int p = Math.max(1, Math.min(parts, n));
    int[][] out = new int[p][];
    int from = 0;
    for (int k = 0; k < p; k++) {
      int size = n / p + (k < n % p ? 1 : 0);
      out[k] = java.util.Arrays.copyOfRange(indices, from, from + size);
      from += size;
    }
    return out;
  }

  /** Consecutive chunks of at most {@code size} (0 = one chunk). */
  static int[][] chunks(int[] indices, int size) {
    if (size <= 0 || size >= indices.length) {
      return new int[][] {indices};
    }
    int n = (indices.length + size - 1) / size;
    int[][] out = new int[n][];
    for (int k = 0; k < n; k++) {
      out[k] = java.util.Arrays.copyOfRange(indices, k * size, Math.min(indices.length, (k + 1) * size));
    }
    return out;
  }
}
