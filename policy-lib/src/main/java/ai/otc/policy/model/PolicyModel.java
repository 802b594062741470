package ai.otc.policy.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The policy: a decoder-only transformer written directly on DJL NDArrays (PyTorch engine), without DJL's Block
 * machinery so that every op is one JNI call and nothing hides a normalisation over the time axis.
 *
 * <p>Architecture (GPT-2 style): token embedding + learned positions; per block pre-LayerNorm over the feature
 * axis only, causal multi-head self-attention, residual, pre-LayerNorm, GELU MLP, residual; final LayerNorm; output
 * head tied to the token embedding; optional scalar value head (PPO critic).
 *
 * <p>Parameters live in the model's own {@link NDManager}; every forward call creates its intermediates inside the
 * caller's {@link NDScope} (or is closed by one here), so native memory is freed deterministically. Closing the model
 * frees the parameters.
 */
public final class PolicyModel implements AutoCloseable {
  private final ModelConfig config;
  private final NDManager manager;
  private final Device device;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  // Concurrent: a rollout thread and a learner thread may run forwards of one model at the same time.
  private final Map<Integer, NDArray> causalMasks = new java.util.concurrent.ConcurrentHashMap<>();
  /** 1/sqrt(head dim) as an array the model owns: the product's backward node keeps it (see {@link OwnedArrays}). */
  private final NDArray attentionScale;

  /** A freshly initialised model (normal(0, 0.02) weights from {@code config.seed()}, residual projections scaled). */
  public PolicyModel(ModelConfig config) {
    this(config, null);
  }

  /**
   * A model with the given weights ({@code name -> values}), or freshly initialised when {@code weights} is null.
   * Throws when a weight is missing or has the wrong size.
   */
  public PolicyModel(ModelConfig config, Map<String, float[]> weights) {
    this.config = config.validate();
    this.device = DjlRuntime.device(config.device());
    this.manager = DjlRuntime.engine().newBaseManager(device);
    Random rng = new Random(config.seed());
    for (Map.Entry<String, Shape> e : parameterShapes(config).entrySet()) {
      String name = e.getKey();
      Shape shape = e.getValue();
      int size = (int) shape.size();
      float[] data;
      if (weights != null) {
        data = weights.get(name);
        if (data == null || data.length != size) {
          throw new IllegalArgumentException("weight " + name + " missing or of wrong size (expected " + size + ")");
        }
      } else {
        data = initial(name, size, rng);
      }
      NDArray p = OwnedArrays.of(manager, data, shape);
      NDScope.unregister(p);
      p.setRequiresGradient(true);
      params.put(name, p);
    }
    attentionScale = OwnedArrays.scalar(manager, (float) (1.0 / Math.sqrt(config.headDim())));
    NDScope.unregister(attentionScale);
  }

  /** Names and shapes of all parameters, in a fixed order (the order of saved weights). */
  public static Map<String, Shape> parameterShapes(ModelConfig c) {
    Map<String, Shape> s = new LinkedHashMap<>();
    int d = c.dModel();
    s.put("tok_emb", new Shape(c.vocabSize(), d));
    s.put("pos_emb", new Shape(c.context(), d));
    for (int l = 0; l < c.layers(); l++) {
      String p = "l" + l + ".";
      s.put(p + "ln1.g", new Shape(d));
      s.put(p + "ln1.b", new Shape(d));
      s.put(p + "attn.qkv.w", new Shape(3L * d, d));
      s.put(p + "attn.qkv.b", new Shape(3L * d));
      s.put(p + "attn.out.w", new Shape(d, d));
      s.put(p + "attn.out.b", new Shape(d));
      s.put(p + "ln2.g", new Shape(d));
      s.put(p + "ln2.b", new Shape(d));
      s.put(p + "mlp.fc.w", new Shape(c.ffDim(), d));
      s.put(p + "mlp.fc.b", new Shape(c.ffDim()));
      s.put(p + "mlp.proj.w", new Shape(d, c.ffDim()));
      s.put(p + "mlp.proj.b", new Shape(d));
    }
    s.put("ln_f.g", new Shape(d));
    s.put("ln_f.b", new Shape(d));
    if (c.valueHead()) {
      s.put("value.w", new Shape(1, d));
      s.put("value.b", new Shape(1));
    }
    return s;
  }

  private float[] initial(String name, int size, Random rng) {
    float[] a = new float[size];
    if (name.endsWith(".g")) {
      java.util.Arrays.fill(a, 1f);
    } else if (name.endsWith(".b")) {
      // zeros
    } else {
      // GPT-2: residual-stream projections get std / sqrt(2 * layers) so the stream's variance stays bounded.
      double std = 0.02;
      if (name.endsWith("attn.out.w") || name.endsWith("mlp.proj.w")) {
        std /= Math.sqrt(2.0 * config.layers());
      }
      for (int i = 0; i < size; i++) {
        a[i] = (float) (rng.nextGaussian() * std);
      }
    }
    return a;
  }

  public ModelConfig config() {
    return config;
  }

  /** The device the parameters live on. */
  public Device device() {
    return device;
  }

  /** The model's manager (parameters and long-lived state); use sub-managers or scopes for temporaries. */
  public NDManager manager() {
    return manager;
  }

  /** Parameters in their fixed order. */
  public Map<String, NDArray> parameters() {
    return java.util.Collections.unmodifiableMap(params);
  }

  /** Copies every parameter to Java arrays (for saving and for frozen reference copies). */
  public Map<String, float[]> weights() {
    Map<String, float[]> w = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      w.put(e.getKey(), e.getValue().toFloatArray());
    }
    return w;
  }

  private NDArray p(String name) {
    return params.get(name);
  }

  /** Additive causal mask (T, T): 0 where a position may attend, -1e9 above the diagonal. Cached per T. */
  private NDArray causalMask(int t) {
    return causalMasks.computeIfAbsent(t, k -> {
      float[] m = new float[k * k];
      for (int i = 0; i < k; i++) {
        for (int j = i + 1; j < k; j++) {
          m[i * k + j] = -1e9f;
        }
      }
      NDArray a = OwnedArrays.of(manager, m, new Shape(k, k));
      NDScope.unregister(a);
      return a;
    });
  }

  /** Output of a full forward pass. {@code values} is null without a value head. */
  public record Output(NDArray logits, NDArray values) {}

  /**
   * Full causal forward over int64 token ids (B, T), T ≤ context: logits (B, T, V) and, with a value head, values
   * (B, T). Logit t predicts token t + 1. Records a graph when this thread's grad mode is on (see {@link Grad}).
   */
  public Output forward(NDArray ids) {
    NDArray hN = hidden(ids);
    return new Output(logits(hN), config.valueHead() ? values(hN) : null);
  }

  /** Next-token logits (B, T, V) from final hidden states (output head tied to the token embedding). */
  public NDArray logits(NDArray hidden) {
    return Linear.linear(hidden, p("tok_emb")).singletonOrThrow();
  }

  /** Scalar values (B, T) from final hidden states; throws without a value head. */
  public NDArray values(NDArray hidden) {
    if (!config.valueHead()) {
      throw new IllegalStateException("model has no value head (ModelConfig.valueHead is false)");
    }
    return Linear.linear(hidden, p("value.w"), p("value.b")).singletonOrThrow().squeeze(-1);
  }

  /**
   * The trunk: final LayerNorm-ed hidden states (B, T, dModel) of int64 token ids (B, T), T ≤ context, without any
   * head (the critic reads values from it without paying for the (B, T, V) logits).
   */
  public NDArray hidden(NDArray ids) {
    long b = ids.getShape().get(0);
    int t = (int) ids.getShape().get(1);
    if (t > config.context()) {
      throw new IllegalArgumentException("sequence length " + t + " exceeds context " + config.context());
    }
    int d = config.dModel();
    int h = config.heads();
    int dh = config.headDim();
    NDArray x;
    // The position slice is a view attached to the model's manager: free it here so that a caller who scopes only
    // a sub-manager (not an NDScope) does not leak one array per call into the long-lived manager.
    try (NDArray pos = p("pos_emb").get(new NDIndex("0:{}", t))) {
      x = Embedding.embedding(ids, p("tok_emb"), SparseFormat.DENSE).singletonOrThrow().add(pos);
    }
    NDArray mask = causalMask(t);
    Shape ln = new Shape(d);
    for (int l = 0; l < config.layers(); l++) {
      String pre = "l" + l + ".";
      NDArray a = LayerNorm.layerNorm(x, ln, p(pre + "ln1.g"), p(pre + "ln1.b"), 1e-5f).singletonOrThrow();
      NDArray qkv = Linear.linear(a, p(pre + "attn.qkv.w"), p(pre + "attn.qkv.b")).singletonOrThrow()
          .reshape(b, t, 3, h, dh).transpose(2, 0, 3, 1, 4);
      NDArray q = qkv.get(0).mul(attentionScale);
      NDArray k = qkv.get(1);
      NDArray v = qkv.get(2);
      NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1).matMul(v)
          .transpose(0, 2, 1, 3).reshape(b, t, d);
      x = x.add(Linear.linear(att, p(pre + "attn.out.w"), p(pre + "attn.out.b")).singletonOrThrow());
      NDArray m = LayerNorm.layerNorm(x, ln, p(pre + "ln2.g"), p(pre + "ln2.b"), 1e-5f).singletonOrThrow();
      m = Activation.gelu(Linear.linear(m, p(pre + "mlp.fc.w"), p(pre + "mlp.fc.b")).singletonOrThrow());
      x = x.add(Linear.linear(m, p(pre + "mlp.proj.w"), p(pre + "mlp.proj.b")).singletonOrThrow());
    }
    return LayerNorm.layerNorm(x, ln, p("ln_f.g"), p("ln_f.b"), 1e-5f).singletonOrThrow();
  }

  /**
   * One decoding step for a batch that advances in lockstep: feeds token ids (B) at position {@code pos} (the same for
   * every row), appends their keys and values to {@code cache}, and returns next-token logits (B, V). Equals the full
   * forward's logits at {@code pos} for the same prefix (tested).
   */
  public NDArray step(NDArray ids, int pos, KvCache cache) {
    if (pos >= config.context() || pos >= cache.capacity()) {
      throw new IllegalArgumentException("position " + pos + " beyond context " + Math.min(config.context(), cache.capacity()));
    }
    long b = ids.getShape().get(0);
    int d = config.dModel();
    int h = config.heads();
    int dh = config.headDim();
    NDArray x = Embedding.embedding(ids.reshape(b, 1), p("tok_emb"), SparseFormat.DENSE).singletonOrThrow()
        .add(p("pos_emb").get(new NDIndex("{}:{}", pos, pos + 1)));
    Shape ln = new Shape(d);
    NDIndex at = new NDIndex(":, :, {}:{}", pos, pos + 1);
    NDIndex upTo = new NDIndex(":, :, 0:{}", pos + 1);
    for (int l = 0; l < config.layers(); l++) {
      String pre = "l" + l + ".";
      NDArray a = LayerNorm.layerNorm(x, ln, p(pre + "ln1.g"), p(pre + "ln1.b"), 1e-5f).singletonOrThrow();
      NDArray qkv = Linear.linear(a, p(pre + "attn.qkv.w"), p(pre + "attn.qkv.b")).singletonOrThrow()
          .reshape(b, 1, 3, h, dh).transpose(2, 0, 3, 1, 4);
      NDArray q = qkv.get(0).mul(attentionScale);
      cache.keys(l).set(at, qkv.get(1));
      cache.values(l).set(at, qkv.get(2));
      NDArray k = cache.keys(l).get(upTo);
      NDArray v = cache.values(l).get(upTo);
      // (B,H,1,dh) has the same memory order as (B,1,H*dh): no transpose needed for a single position.
      NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1).matMul(v).reshape(b, 1, d);
      x = x.add(Linear.linear(att, p(pre + "attn.out.w"), p(pre + "attn.out.b")).singletonOrThrow());
      NDArray m = LayerNorm.layerNorm(x, ln, p(pre + "ln2.g"), p(pre + "ln2.b"), 1e-5f).singletonOrThrow();
      m = Activation.gelu(Linear.linear(m, p(pre + "mlp.fc.w"), p(pre + "mlp.fc.b")).singletonOrThrow());
      x = x.add(Linear.linear(m, p(pre + "mlp.proj.w"), p(pre + "mlp.proj.b")).singletonOrThrow());
    }
    NDArray hN = LayerNorm.layerNorm(x, ln, p("ln_f.g"), p("ln_f.b"), 1e-5f).singletonOrThrow();
    return Linear.linear(hN, p("tok_emb")).singletonOrThrow().reshape(b, config.vocabSize());
  }

  /** A KV cache for {@code batch} sequences of up to {@code capacity} positions on this model's device. */
  public KvCache newCache(int batch, int capacity) {
    return new KvCache(manager, config, batch, Math.min(capacity, config.context()));
  }

  /**
   * Per-token log-probabilities log p(tokens[t] | tokens[&lt;t]) for t ≥ 1 (no gradient), from the full forward at
   * temperature {@code temperature}; entry 0 of each row is 0. Rows are right-padded with 0 to the longest. Runs with
   * grad mode off on the calling thread, whatever thread that is.
   */
  public float[][] tokenLogProbs(List<int[]> sequences, float temperature) {
    int bsz = sequences.size();
    int t = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
    float[][] out = new float[bsz][];
    if (t < 2) {
      for (int i = 0; i < bsz; i++) {
        out[i] = new float[sequences.get(i).length];
      }
      return out;
    }
    long[] ids = new long[bsz * t];
    long[] tgt = new long[bsz * (t - 1)];
    for (int i = 0; i < bsz; i++) {
      int[] s = sequences.get(i);
      for (int j = 0; j < s.length; j++) {
        ids[i * t + j] = s[j];
        if (j >= 1) {
          tgt[i * (t - 1) + j - 1] = s[j];
        }
      }
    }
    try (Grad g = Grad.disabled(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = OwnedArrays.of(manager, ids, new Shape(bsz, t));
      NDArray logits = forward(in).logits().get(new NDIndex(":, 0:{}", t - 1)).div(OwnedArrays.scalar(in, temperature));
      NDArray lp = logits.logSoftmax(-1).gather(OwnedArrays.of(manager, tgt, new Shape(bsz, t - 1, 1)), 2);
      float[] flat = lp.toFloatArray();
      for (int i = 0; i < bsz; i++) {
        int n = sequences.get(i).length;
        out[i] = new float[n];
        for (int j = 1; j < n; j++) {
          out[i][j] = flat[i * (t - 1) + j - 1];
        }
      }
    }
    return out;
  }

  /** Frees the parameters, masks and everything else the model's manager owns. */
  @Override
  public void close() {
    manager.close();
  }

  /** Convenience: int64 ids (B, T) from Java rows (right-padded with 0), in {@code mgr}. */
  public static NDArray ids(NDManager mgr, int[][] rows, int t) {
    long[] a = new long[rows.length * t];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < Math.min(t, rows[i].length); j++) {
        a[i * t + j] = rows[i][j];
      }
    }
    return OwnedArrays.of(mgr, a, new Shape(rows.length, t));
  }

  /** Unused-import guard for NDList (kept for API symmetry with DJL blocks). */
  static NDList list(NDArray... a) {
    return new NDList(a);
  }
}
