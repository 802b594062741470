package ai.otc.policy.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * The checkpoint form of an {@link AdamW}: settings, step and skip counts, and both moments of every parameter, bit for
 * bit (floats as their IEEE bits). A checkpoint stores the model weights beside it; loading this into an optimizer over
 * a model with those weights continues training exactly as if it had not stopped.
 *
 * <p>Format (big-endian, {@link DataOutputStream}): UTF {@code "otc-adamw"}, int version 1, the five settings as
 * floats, int steps, int skipped, int parameter count, then per parameter: UTF name, int rank, long dims, and the
 * float32 values of m then v.
 */
public final class AdamWState {
  private static final String MAGIC = "otc-adamw";
  private static final int VERSION = 1;

  private AdamWState() {}

  /** Writes the optimizer's state; does not close {@code out}. */
  public static void save(AdamW opt, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeUTF(MAGIC);
    d.writeInt(VERSION);
    AdamW.Settings s = opt.settings();
    d.writeFloat(s.beta1());
    d.writeFloat(s.beta2());
    d.writeFloat(s.eps());
    d.writeFloat(s.weightDecay());
    d.writeFloat(s.maxGradNorm());
    d.writeInt(opt.steps());
    d.writeInt(opt.skipped());
    d.writeInt(opt.moments().size());
    for (Map.Entry<String, NDArray[]> e : opt.moments().entrySet()) {
      d.writeUTF(e.getKey());
      long[] dims = e.getValue()[0].getShape().getShape();
      d.writeInt(dims.length);
      for (long x : dims) {
        d.writeLong(x);
      }
      for (NDArray a : e.getValue()) {
        float[] f = a.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(f.length * Float.BYTES).order(ByteOrder.BIG_ENDIAN);
        b.asFloatBuffer().put(f);
        d.write(b.array());
      }
    }
    d.flush();
  }

  /**
   * A new optimizer over {@code params} (name to parameter, in the saved order) with the saved settings, counters and
   * moments. Throws {@link IOException} on a stream that is not such a state and {@link IllegalArgumentException}
   * naming the parameter when the names or shapes differ from the saved ones.
   */
  public static AdamW load(Map<String, NDArray> params, InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    String magic = d.readUTF();
    if (!MAGIC.equals(magic)) {
      throw new IOException("not an AdamW state (header '" + magic + "')");
    }
    int version = d.readInt();
    if (version != VERSION) {
      throw new IOException("AdamW state version " + version + " is not supported (expected " + VERSION + ")");
    }
    AdamW.Settings s = new AdamW.Settings(d.readFloat(), d.readFloat(), d.readFloat(), d.readFloat(), d.readFloat());
    int steps = d.readInt();
    int skipped = d.readInt();
    int n = d.readInt();
    if (steps < 0 || skipped < 0 || n != params.size()) {
      throw new IllegalArgumentException("AdamW state holds " + n + " parameters, the model has " + params.size());
    }
    AdamW opt = new AdamW(params, s);
    Iterator<Map.Entry<String, NDArray[]>> it = opt.moments().entrySet().iterator();
    for (int i = 0; i < n; i++) {
      Map.Entry<String, NDArray[]> e = it.next();
      String name = d.readUTF();
      if (!name.equals(e.getKey())) {
        throw new IllegalArgumentException("AdamW state parameter " + i + " is '" + name + "', the model's is '" + e.getKey() + "'");
      }
      int rank = d.readInt();
      if (rank < 0 || rank > 16) {
        throw new IOException("AdamW state: bad rank " + rank + " for " + name);
      }
      long[] dims = new long[rank];
      for (int k = 0; k < rank; k++) {
        dims[k] = d.readLong();
      }
      Shape want = e.getValue()[0].getShape();
      if (!Arrays.equals(dims, want.getShape())) {
        throw new IllegalArgumentException("AdamW state shape of " + name + " is " + new Shape(dims) + ", the model's " + want);
      }
      NDArray[] mv = e.getValue();
      for (int k = 0; k < 2; k++) {
        float[] f = new float[Math.toIntExact(want.size())];
        byte[] raw = new byte[f.length * Float.BYTES];
        d.readFully(raw);
        ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(f);
        NDArray loaded = OwnedArrays.of(mv[k].getManager(), f, want);
        NDScope.unregister(loaded);
        mv[k].close();
        mv[k] = loaded; // the array in the optimizer's map: the fresh zeros are replaced
      }
    }
    opt.restoreCounters(steps, skipped);
    return opt;
  }
}
