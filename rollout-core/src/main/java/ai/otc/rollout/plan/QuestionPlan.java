package ai.otc.rollout.plan;

import ai.otc.world.Question;
import ai.otc.world.Split;
import ai.otc.world.World;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Which questions rollout batch {@code b} asks, and which of them this instance generates (the loop protocol).
 *
 * <p>The train questions (sorted by id) are read as one endless stream of epochs; epoch {@code e} is a permutation of
 * all {@code T} of them drawn from {@code (seed, e)}. Batch {@code b} is the stream's positions
 * {@code [b·B, (b+1)·B)}; instance {@code i} of {@code N} takes the batch positions {@code p} with
 * {@code p mod N == i}, in position order. So the instances' shares are disjoint and their union is the batch, every
 * train question is asked exactly once per epoch, and a batch depends only on {@code (seed, b)}: an instance that
 * restarts regenerates exactly the questions (and ids) it would have.
 *
 * <p>When {@code T} is not a multiple of {@code B} a batch can straddle two epochs; a question must not appear twice
 * in one batch (its group id {@code R/b<b>/<question id>} would repeat), so epoch {@code e+1}'s permutation is
 * repaired before use: each of its first positions that fall into the straddling batch and hold a question of epoch
 * {@code e}'s tail is swapped with the first later position that holds neither such a question nor lies in epoch
 * {@code e+1}'s own tail. The repair never touches a tail, so each epoch depends only on the raw permutations of itself
 * and its predecessor. It needs {@code T ≥ 2B} (or {@code T} a multiple of {@code B}), checked at construction.
 */
public final class QuestionPlan {
  private final List<Question> questions;
  private final long seed;
  private final int perStep;
  private final int index;
  private final int count;
  /** The last two epochs' orders (a straddling batch reads two epochs). */
  private final long[] cachedEpoch = {-1, -1};
  private final int[][] cachedOrder = new int[2][];

  /**
   * @param trainQuestions   the world's train split (any order: sorted by id here)
   * @param seed             the run's question seed
   * @param questionsPerStep B, questions per batch
   * @param instanceIndex    i, this instance (0-based)
   * @param instanceCount    N, rollout instances sharing each batch
   * @throws IllegalArgumentException naming the bad value
   */
  public QuestionPlan(List<Question> trainQuestions, long seed, int questionsPerStep, int instanceIndex,
      int instanceCount) {
    if (questionsPerStep < 1) {
      throw new IllegalArgumentException("questions-per-step must be >= 1, got " + questionsPerStep);
    }
    if (instanceCount < 1) {
      throw new IllegalArgumentException("instance-count must be >= 1, got " + instanceCount);
    }
    if (instanceIndex < 0 || instanceIndex >= instanceCount) {
      throw new IllegalArgumentException(
          "instance-index must be in 0.." + (instanceCount - 1) + " (instance-count " + instanceCount + "), got "
              + instanceIndex);
    }
    List<Question> sorted = new ArrayList<>(trainQuestions);
    sorted.sort(Comparator.comparing(Question::id));
    Set<String> ids = new HashSet<>();
    for (Question q : sorted) {
      if (!ids.add(q.id())) {
        throw new IllegalArgumentException("duplicate question id '" + q.id() + "' in the train split");
      }
    }
    int t = sorted.size();
    if (t == 0) {
      throw new IllegalArgumentException("the train split is empty");
    }
    if (t < questionsPerStep || (t % questionsPerStep != 0 && t < 2 * questionsPerStep)) {
      throw new IllegalArgumentException("questions-per-step " + questionsPerStep + " is too large for a train split of "
          + t + " questions (needs at most " + (t % questionsPerStep == 0 ? t : t / 2)
          + ", or a divisor of " + t + ")");
    }
    this.questions = List.copyOf(sorted);
    this.seed = seed;
    this.perStep = questionsPerStep;
    this.index = instanceIndex;
    this.count = instanceCount;
  }

  /** The plan over a world's train split. */
  public static QuestionPlan of(World world, long seed, int questionsPerStep, int instanceIndex, int instanceCount) {
    return new QuestionPlan(world.split(Split.TRAIN), seed, questionsPerStep, instanceIndex, instanceCount);
  }

  /** All {@code B} questions of batch {@code batch}, in position order. */
  public synchronized List<Question> batch(long batch) {
    checkBatch(batch);
    List<Question> out = new ArrayList<>(perStep);
    for (int p = 0; p < perStep; p++) {
      out.add(at(batch * perStep + p));
    }
    return out;
  }

  /** This instance's share of batch {@code batch}: positions {@code p ≡ instanceIndex (mod instanceCount)}. */
  public synchronized List<Question> share(long batch) {
    checkBatch(batch);
    List<Question> out = new ArrayList<>();
    for (int p = index; p < perStep; p += count) {
      out.add(at(batch * perStep + p));
    }
    return out;
  }

  /** The batch positions (0..B-1) this instance takes, ascending. */
  public int[] sharePositions() {
    int[] out = new int[(perStep - index + count - 1) / count];
    for (int j = 0, p = index; p < perStep; p += count, j++) {
      out[j] = p;
    }
    return out;
  }

  /** The epoch batch {@code batch}'s first question belongs to. */
  public long epochOf(long batch) {
    checkBatch(batch);
    return batch * perStep / questions.size();
  }

  /** Number of train questions (one epoch). */
  public int trainSize() {
    return questions.size();
  }

  public long seed() {
    return seed;
  }

  public int questionsPerStep() {
    return perStep;
  }

  public int instanceIndex() {
    return index;
  }

  public int instanceCount() {
    return count;
  }

  private void checkBatch(long batch) {
    if (batch < 0) {
      throw new IllegalArgumentException("batch must be >= 0, got " + batch);
    }
    if (batch > Long.MAX_VALUE / perStep / 2) {
      throw new IllegalArgumentException("batch " + batch + " is out of range");
    }
  }

  private Question at(long position) {
    int t = questions.size();
    long epoch = position / t;
    return questions.get(order(epoch)[(int) (position % t)]);
  }

  /** Epoch {@code e}'s order (indices into the sorted questions), repaired against epoch {@code e-1}'s tail. */
  private int[] order(long epoch) {
    int slot = (int) (epoch & 1);
    if (cachedEpoch[slot] == epoch) {
      return cachedOrder[slot];
    }
    int t = questions.size();
    int[] order = rawOrder(epoch);
    int head = (int) ((perStep - (epoch * t) % perStep) % perStep); // positions of epoch e in the batch it shares with e-1
    if (epoch > 0 && head > 0) {
      int tailPrev = perStep - head; // positions of epoch e-1 in that batch
      int[] prev = rawOrder(epoch - 1);
      boolean[] inPrevTail = new boolean[t];
      for (int j = t - tailPrev; j < t; j++) {
        inPrevTail[prev[j]] = true;
      }
      int ownTail = (int) (((epoch + 1) * t) % perStep); // epoch e's own straddling tail, left untouched
      int next = head;
      for (int j = 0; j < head; j++) {
        if (!inPrevTail[order[j]]) {
          continue;
        }
        while (next < t - ownTail && inPrevTail[order[next]]) {
          next++;
        }
        if (next >= t - ownTail) {
          throw new IllegalStateException("no question left to repair epoch " + epoch + " (train size " + t + ", B "
              + perStep + ")");
        }
        int tmp = order[j];
        order[j] = order[next];
        order[next] = tmp;
        next++;
      }
    }
    cachedEpoch[slot] = epoch;
    cachedOrder[slot] = order;
    return order;
  }

  /** Fisher-Yates permutation of 0..T-1 from a stream seeded by (seed, epoch). */
  private int[] rawOrder(long epoch) {
    int t = questions.size();
    int[] order = new int[t];
    Arrays.setAll(order, i -> i);
    SplittableRandom rng = new SplittableRandom(mix(mix(seed) ^ mix(epoch + 0x9E3779B97F4A7C15L)));
    for (int i = t - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    return order;
  }

  /** SplitMix64 finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
