package ai.otc.world;

import java.util.Locale;

/**
 * The shape of a generated world. Every field is a command-line flag of {@code ./otc world}; the same seed and
 * config always give byte-identical files.
 *
 * @param seed          random seed of the generator
 * @param entities      number of entities (each gets one passage and questions about it)
 * @param famousShare   share of entities whose facts are parametric (taught in the warm start)
 * @param distractors   extra passages about names no question asks about (retrieval noise)
 * @param fillerWords   filler words appended to each passage (longer passages, same facts)
 * @param singleHopShare share of the possible single-hop questions kept (5 per entity)
 * @param twoHopShare   share of the possible two-hop questions kept (4 per entity)
 * @param easyArith     number of easy arithmetic questions (one-digit additions, at most 81)
 * @param hardArith     number of hard arithmetic questions (two-digit multiplications)
 * @param devShare      share of every kind held out as dev
 * @param testShare     share of every kind held out as test
 */
public record WorldConfig(
    long seed,
    int entities,
    double famousShare,
    int distractors,
    int fillerWords,
    double singleHopShare,
    double twoHopShare,
    int easyArith,
    int hardArith,
    double devShare,
    double testShare) {

  /** Number of format changes to generated content; part of the fingerprint so caches notice them. */
  public static final int FORMAT_VERSION = 1;

  /** The default world: the one the warm-start targets are measured on. */
  public static WorldConfig defaults() {
    return new WorldConfig(0, 160, 0.5, 40, 0, 1.0, 1.0, 81, 240, 0.1, 0.2);
  }

  /** A tiny world for unit tests (fast to generate and to train on). */
  public static WorldConfig tiny(long seed) {
    return new WorldConfig(seed, 12, 0.5, 3, 0, 1.0, 1.0, 10, 10, 0.1, 0.2);
  }

  /** Copy with another seed. */
  public WorldConfig withSeed(long s) {
    return new WorldConfig(s, entities, famousShare, distractors, fillerWords, singleHopShare, twoHopShare,
        easyArith, hardArith, devShare, testShare);
  }

  /** Throws {@link IllegalArgumentException} naming the bad flag. */
  public WorldConfig validate() {
    if (entities < 3) {
      throw new IllegalArgumentException("--entities must be >= 3 (friends are a derangement), got " + entities);
    }
    if (entities > WorldGenerator.maxEntities()) {
      throw new IllegalArgumentException("--entities must be <= " + WorldGenerator.maxEntities() + " (distinct two-syllable names), got " + entities);
    }
    share("--famous-share", famousShare);
    share("--single-hop-share", singleHopShare);
    share("--two-hop-share", twoHopShare);
    share("--dev-share", devShare);
    share("--test-share", testShare);
    if (devShare + testShare >= 1.0) {
      throw new IllegalArgumentException("--dev-share + --test-share must be < 1, got " + (devShare + testShare));
    }
    if (distractors < 0 || entities + distractors > WorldGenerator.maxEntities()) {
      throw new IllegalArgumentException("--distractors must be in [0, " + (WorldGenerator.maxEntities() - entities) + "], got " + distractors);
    }
    if (fillerWords < 0 || fillerWords > 64) {
      throw new IllegalArgumentException("--filler-words must be in [0, 64], got " + fillerWords);
    }
    if (easyArith < 0 || easyArith > 81) {
      throw new IllegalArgumentException("--easy-arith must be in [0, 81], got " + easyArith);
    }
    if (hardArith < 0 || hardArith > 8000) {
      throw new IllegalArgumentException("--hard-arith must be in [0, 8000], got " + hardArith);
    }
    return this;
  }

  private static void share(String flag, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(flag + " must be in [0, 1], got " + v);
    }
  }

  /** Canonical one-line form, the input of the world fingerprint. */
  public String canonical() {
    return String.format(Locale.ROOT,
        "world-v%d seed=%d entities=%d famous=%.6f distractors=%d filler=%d single=%.6f twohop=%.6f easy=%d hard=%d dev=%.6f test=%.6f",
        FORMAT_VERSION, seed, entities, famousShare, distractors, fillerWords, singleHopShare, twoHopShare, easyArith,
        hardArith, devShare, testShare);
  }
}
