package ai.otc.policy.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.otc.policy.model.Grad;
import ai.otc.policy.model.KvCache;
import ai.otc.policy.model.OwnedArrays;
import ai.otc.policy.model.PolicyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * Batched, KV-cached, multi-turn generation. Every row advances one position per step in lockstep; prompt tokens
 * and tool output are fed from a per-row queue, so rows with prompts of different lengths, and rows waiting on a tool,
 * need neither padding nor a re-prefill (the design the prototype found fastest). A row ends when its environment
 * says so, on {@code <eos>}, or at the context limit.
 */
public final class Generator {
  private final PolicyModel model;
  private final int[] stopTokens;
  private final int eosToken;
  private final int padToken;

  /**
   * @param stopTokens token ids after which the environment is consulted (e.g. {@code </search>}, {@code </answer>})
   * @param eosToken   token that always ends a row
   */
  public Generator(PolicyModel model, Set<Integer> stopTokens, int eosToken) {
    this.model = model;
    this.stopTokens = stopTokens.stream().mapToInt(Integer::intValue).sorted().toArray();
    this.eosToken = eosToken;
    this.padToken = 0;
  }

  /**
   * Generates one rollout per prompt.
   *
   * @param prompts    token ids per row (at least one token each)
   * @param env        the multi-turn environment (null: every stop token ends the row)
   * @param sampling   temperature / top-p / seed
   * @param banned     token ids never sampled (e.g. {@code <search>} to force the recall path), may be empty
   * @param maxLength  total length cap per row (≤ the model's context)
   */
  public List<Rollout> generate(List<int[]> prompts, TurnEnvironment env, SamplingConfig sampling, Set<Integer> banned,
      int maxLength) {
    return generate(prompts, env, sampling, banned, maxLength, null);
  }

  /**
   * Generates one rollout per prompt, row {@code i} sampling from its own stream seeded by {@code rowSeeds[i]}
   * (instead of one derived from ({@code sampling.seed()}, i)): a row's sample then depends only on its own seed and
   * the model, not on which other rows share the batch or in which order.
   *
   * @param rowSeeds one seed per prompt, or null to derive them from {@code sampling.seed()}
   */
  public List<Rollout> generate(List<int[]> prompts, TurnEnvironment env, SamplingConfig sampling, Set<Integer> banned,
      int maxLength, long[] rowSeeds) {
    sampling.validate();
    if (rowSeeds != null && rowSeeds.length != prompts.size()) {
      throw new IllegalArgumentException(rowSeeds.length + " row seeds for " + prompts.size() + " prompts");
    }
    int b = prompts.size();
    int cap = Math.min(maxLength, model.config().context());
    int v = model.config().vocabSize();
    int[][] seq = new int[b][cap];
    boolean[][] gen = new boolean[b][cap];
    float[][] lps = new float[b][cap];
    int[] len = new int[b];
    int[] turnStart = new int[b];
    boolean[] done = new boolean[b];
    boolean[] truncated = new boolean[b];
    List<ArrayDeque> queues = new ArrayList<>();
    SplittableRandom[] rng = new SplittableRandom[b];
    for (int i = 0; i < b; i++) {
      int[] p = prompts.get(i);
      if (p.length == 0 || p.length > cap) {
        throw new IllegalArgumentException("prompt " + i + " has length " + p.length + " (must be 1.." + cap + ")");
      }
      seq[i][0] = p[0];
      len[i] = 1;
      turnStart[i] = p.length;
      queues.add(new ArrayDeque(Arrays.copyOfRange(p, 1, p.length)));
      // Row streams from a mixed (seed, row) pair: java.util.Random with consecutive seeds gives nearly identical
      // first draws, which silently correlated the rows' samples.
      rng[i] = new SplittableRandom(rowSeeds == null ? mix(mix(sampling.seed()) + i) : mix(rowSeeds[i]));
    }
    boolean[] ban = new boolean[v];
    for (int t : banned) {
      ban[t] = true;
    }
    long[] feed = new long[b];
    int[] stopped = new int[b];
    int nStopped = 0;
    // Generation never needs a graph, on whatever thread it runs (grad mode is per thread; see Grad).
    try (Grad noGrad = Grad.disabled(); KvCache cache = model.newCache(b, cap)) {
      for (int pos = 0; pos < cap - 1; pos++) {
        boolean any = false;
        for (int i = 0; i < b; i++) {
          any |= !done[i];
          feed[i] = done[i] ? padToken : seq[i][pos];
        }
        if (!any) {
          break;
        }
        // Rows whose next token is forced (prompt / tool output) still need this step for their cache, but not the
        // logits; only skip the host copy when every live row is forced.
        boolean needLogits = false;
        for (int i = 0; i < b; i++) {
          if (!done[i] && queues.get(i).isEmpty()) {
            needLogits = true;
            break;
          }
        }
        float[] logits = null;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray ids = OwnedArrays.of(model.manager(), feed, new Shape(b));
          NDArray out = model.step(ids, pos, cache);
          if (needLogits) {
            logits = out.toFloatArray();
          }
        }
        for (int i = 0; i < b; i++) {
          if (done[i]) {
            continue;
          }
          int next;
          ArrayDeque q = queues.get(i);
          if (!q.isEmpty()) {
            next = q.poll();
            seq[i][pos + 1] = next;
            len[i] = pos + 2;
            if (q.isEmpty()) {
              turnStart[i] = pos + 2;
            }
            continue;
          }
          next = choose(logits, i * v, v, sampling, ban, rng[i], lps[i], pos + 1);
          seq[i][pos + 1] = next;
          gen[i][pos + 1] = true;
          len[i] = pos + 2;
          if (next == eosToken) {
            done[i] = true;
          } else if (Arrays.binarySearch(stopTokens, next) >= 0) {
            stopped[nStopped++] = i;
            continue; // decided below, together with the step's other stops
          }
          if (!done[i] && pos + 2 >= cap) {
            truncated[i] = true;
            done[i] = true;
          }
        }
        if (nStopped > 0) {
          resolveStops(env, nStopped, stopped, seq, len, turnStart, done, truncated, queues, pos + 2 >= cap);
          nStopped = 0;
        }
      }
    }
    List<Rollout> out = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      if (!done[i]) {
        truncated[i] = true;
      }
      out.add(new Rollout(Arrays.copyOf(seq[i], len[i]), prompts.get(i).length, Arrays.copyOf(gen[i], len[i]),
          Arrays.copyOf(lps[i], len[i]), truncated[i]));
    }
    return out;
  }

  /**
   * Hands all rows that emitted a stop token at this step to the environment in one call (so their tool calls go out
   * together) and applies its answers: end the row, continue the turn, or queue the inserted tokens.
   */
  private static void resolveStops(TurnEnvironment env, int n, int[] stopped, int[][] seq, int[] len, int[] turnStart,
      boolean[] done, boolean[] truncated, List<ArrayDeque> queues, boolean atCap) {
    int[][] more;
    if (env == null) {
      more = new int[n][];
    } else {
      int[] rows = Arrays.copyOf(stopped, n);
      int[][] toks = new int[n][];
      int[] lens = new int[n];
      int[] starts = new int[n];
      for (int j = 0; j < n; j++) {
        toks[j] = seq[rows[j]];
        lens[j] = len[rows[j]];
        starts[j] = turnStart[rows[j]];
      }
      more = env.onStops(rows, toks, lens, starts);
      if (more.length != n) {
        throw new IllegalStateException("environment answered " + more.length + " stops for " + n);
      }
    }
    for (int j = 0; j < n; j++) {
      int i = stopped[j];
      if (more[j] == null) {
        done[i] = true;
      } else if (more[j].length == 0) {
        turnStart[i] = len[i];
      } else {
        for (int t : more[j]) {
          queues.get(i).add(t);
        }
      }
      if (!done[i] && atCap) {
        truncated[i] = true;
        done[i] = true;
      }
    }
  }

  /** Picks the next token of one row and records its log-probability. */
  private static int choose(float[] logits, int off, int v, SamplingConfig s, boolean[] ban, SplittableRandom rng, float[] lp, int at) {
    boolean greedy = s.temperature() == 0f;
    float temp = greedy ? 1f : s.temperature();
    double max = Double.NEGATIVE_INFINITY;
    int arg = -1;
    for (int j = 0; j < v; j++) {
      if (ban[j]) {
        continue;
      }
      double z = logits[off + j] / temp;
      if (z > max) {
        max = z;
        arg = j;
      }
    }
    double[] p = new double[v];
    double sum = 0;
    for (int j = 0; j < v; j++) {
      if (!ban[j]) {
        p[j] = Math.exp(logits[off + j] / temp - max);
        sum += p[j];
      }
    }
    if (arg < 0 || !(sum > 0) || Double.isInfinite(sum)) {
      // NaN / infinite logits (diverged weights) would otherwise surface as an index of -1 somewhere below
      throw new IllegalStateException("the policy's logits are not finite at position " + at
          + " (diverged weights?): cannot sample");
    }
    int pick = arg;
    if (!greedy) {
      if (s.topP() < 1f) {
        Integer[] idx = new Integer[v];
        for (int j = 0; j < v; j++) {
          idx[j] = j;
        }
        Arrays.sort(idx, (a, c) -> Double.compare(p[c], p[a]));
        double cum = 0;
        double nucleus = 0;
        int k = 0;
        while (k < v && cum < s.topP() * sum) {
          cum += p[idx[k]];
          k++;
        }
        nucleus = cum;
        double r = rng.nextDouble() * nucleus;
        pick = idx[k - 1];
        for (int j = 0; j < k; j++) {
          r -= p[idx[j]];
          if (r <= 0) {
            pick = idx[j];
            break;
          }
        }
      } else {
        double r = rng.nextDouble() * sum;
        for (int j = 0; j < v; j++) {
          r -= p[j];
          if (r <= 0 && p[j] > 0) {
            pick = j;
            break;
          }
        }
      }
    }
    lp[at] = (float) (Math.log(p[pick]) - Math.log(sum));
    return pick;
  }

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A small int queue without boxing churn in the hot loop. */
  static final class ArrayDeque {
    private int[] a;
    private int head;
    private int tail;

    ArrayDeque(int[] init) {
      a = Arrays.copyOf(init, Math.max(8, init.length));
      tail = init.length;
    }

    boolean isEmpty() {
      return head == tail;
    }

    int poll() {
      return a[head++];
    }

    void add(int x) {
      if (tail == a.length) {
        a = Arrays.copyOfRange(a, head, head + Math.max(8, 2 * (tail - head)));
        tail -= head;
        head = 0;
      }
      a[tail++] = x;
    }
  }
}
