package ai.otc.policy.warmstart;

import java.util.Locale;

/**
 * Settings of the supervised warm start. Every field is a flag of {@code ./otc warmstart}; together with the world
 * fingerprint and the model config they key the artifact cache.
 *
 * @param steps          optimizer steps
 * @param batchSize      sequences per step
 * @param learningRate   peak AdamW learning rate (linear warm-up, cosine decay to 10 %)
 * @param warmupSteps    warm-up steps
 * @param minimalShare   share of question demonstrations in the minimal-call style (the rest over-use tools)
 * @param factShare      share of batch rows that are fact sequences of famous entities (parametric knowledge)
 * @param drillShare     share of batch rows that are copy drills about invented people ({@link Demonstrations#drill})
 * @param drillRealShare share of those drills whose people carry the names of the world's non-famous entities, with
 *                       fresh random attributes (counterfactual observations): the name can then predict nothing, so
 *                       the answer after a search must come from the observation even for a name the model has seen
 * @param drillShuffleShare share of reading drills whose invented passage lists its relations in a random order: the
 *                       value of a relation is then at no fixed position, so the model must find the relation's word
 *                       in the observation and copy what follows it, one skill for every relation and passage layout,
 *                       instead of a separate positional shortcut per relation that forms (or not) on its own
 * @param copyCurriculum whether the drills are re-weighted every 100 steps, measured on fixed drills, towards the copies
 *                       that have not formed yet: the relations asked by reading drills, and the drill kinds
 *                       ({@link CopyCurriculum})
 * @param copyFloor      the copy curriculum's damping: a relation (or drill kind) whose copy has formed keeps the weight
 *                       {@code copyFloor}, one that has not up to {@code copyFloor + 1} (before scaling to mean 1). At 0.1
 *                       nearly every drill went to the copy behind, and on world-3 the other one was unlearned within the
 *                       next 100 steps (city and friend swapping every measurement until the run ended with the friend
 *                       copy at 0.60); at 0.5 the formed copies keep a third of the drills and every copy formed
 * @param copyUntil      the copy gate ({@code --copy-until}, 0 = off): when the scheduled steps end, the copy from an
 *                       observation is measured per relation ({@link CopyCurriculum}); while any relation's copy is below
 *                       this probability, the run goes on with rows that are half copy drills and half the scheduled mixture
 *                       (rehearsing the facts and decisions; {@link WarmStart#GATE_DRILL_SHARE}), at the schedule's final learning rate,
 *                       {@link CopyCurriculum#INTERVAL} steps at a time, for at most {@link #COPY_EXTENSION_MAX} of the
 *                       scheduled steps. A copy forms at its own step, which differs with the world and the seed: on
 *                       world-2 it was still forming when the 2,400 steps ended (job and city 0.78), the EM baseline's RL
 *                       then learned to answer from memory where its copy failed, and OTC's TP against it fell short
 *                       (1.68x). Training everything longer formed it but taught recall too (the search rate fell below
 *                       its target); drills alone formed it but the facts faded (forced recall of 1p 0.942)
 * @param mixedDrills    whether the copy drills include the two mixed two-hop paths ({@link Demonstrations.Drill}):
 *                       reading an observation after a recalled bridge, and copying a recalled value out of a
 *                       {@code <think>} after an observation; without them a year copied in those contexts fails
 *                       at temperature 1 (a digit off) far more often than on the drilled paths
 * @param decisionShare  share of batch rows that are the action choices of train search questions alone
 *                       ({@link Demonstrations#decision}): the choice between answering from memory and searching,
 *                       trained on more rows than whole demonstrations afford, so that it depends on what the model
 *                       knows
 * @param decisionWeight the weight of each action-choice token of a decision row in the batch loss (a weighted mean over
 *                       trained tokens; a whole demonstration trains 15-25 tokens)
 * @param recallDecisions whether decision rows also train, inside a {@code <think>}, the token after each recalled
 *                       value: {@code .} (recall the next hop too) or {@code </think>} (stop, then search or answer).
 *                       On a two-hop question whose subject is famous that token is the second decision (recall the
 *                       friend's attribute only when the friend is famous); without it the warm start continued the
 *                       recall on 74-80 % of the questions whose friend it cannot know, and OTC's RL answered them from
 *                       memory
 * @param decisionCurriculum whether the decision rows about unknown subjects are re-weighted every 100 steps towards
 *                       the subjects the model still answers from memory, measured on every train question about an
 *                       unknown subject ({@link DecisionCurriculum})
 * @param friendCurriculum whether the decision rows of two-hop questions are also re-weighted towards the unknown
 *                       friends the model still does not search (after recalling the friend, or after reading it in the
 *                       subject's observation), measured on every train two-hop question whose friend is not famous
 *                       ({@link DecisionCurriculum})
 * @param friendQuestions whether decision rows (and the friend curriculum's probes) also come from the two-hop
 *                       questions that no split asks about a famous entity's friend: the friend of its friend on every
 *                       world, and an unknown friend's unasked attributes ({@link UnaskedFriendQuestions})
 * @param famousCurriculum whether the decision rows about famous subjects are also re-weighted every 100 steps, towards
 *                       the famous subjects the model still searches: measured on every train search question about a
 *                       famous subject, a subject whose probability of recalling first is below {@code minimalShare}
 *                       (the share of its rows that demonstrate the recall) gets more of them ({@link DecisionCurriculum}).
 *                       Without it that probability ranged from 0 to 1 between famous subjects of the same world at a
 *                       mean of 0.40 (world-3, test split, t=1), and OTC's RL never sampled, so never learned, the recall
 *                       of the subjects at 0 ({@code tu ni}'s {@code 2h0} questions searched on every seed)
 * @param arithmeticFacts whether the addition table of the world's easy questions (every sum of two numbers of 1 to
 *                       {@link ai.otc.world.WorldGenerator#EASY_OPERAND_MAX}) is parametric knowledge, taught as the
 *                       famous facts are: statements ({@code 8 + 2 is 10}) in a share of the fact rows, each sum
 *                       {@link WarmStart#SUM_WEIGHT} times a famous fact's chance (the fact rows grown so the famous
 *                       facts keep theirs, {@link #forWorld}), never a question's text; the minimal-call easy
 *                       demonstrations then recall the sum in a {@code <think>} before answering
 *                       ({@link Demonstrations#sums}), and train easy questions get decision rows as the search
 *                       questions do (recall or run a program; {@link Demonstrations#decision}), and a third of the code
 *                       drills copy a recalled sum into the box ({@link CopyDrills#RECALLED_SUM_SHARE}). Without it
 *                       no warm start could add from memory (forced-recall EM on easy questions 0.125), so every easy
 *                       question kept its code call after OTC's RL, and those calls were nearly all the excess left
 *                       (world-3: 0.028 of 0.030 calls per question). Off by default: docs/DEMO.md, "The addition
 *                       table as knowledge"
 * @param trainReadValues whether demonstrations train the values they read from tool output (answers after a search,
 *                       a two-hop search's second name, a program's printed result); when false those are context, as
 *                       in the copy drills ({@link Demonstrations})
 * @param p1Oversample   weight of 1p questions relative to other questions (the prototype used 3)
 * @param topK           passages per search observation
 * @param observationTag the observation tag name ({@code observation}, {@code information}, ...)
 * @param seed           sampling seed of the demonstration mixture
 */
public record WarmStartConfig(int steps, int batchSize, float learningRate, int warmupSteps, double minimalShare,
    double factShare, double drillShare, double drillRealShare, double drillShuffleShare, boolean copyCurriculum,
    double copyFloor, double copyUntil, boolean mixedDrills, double decisionShare, double decisionWeight, boolean recallDecisions,
    boolean decisionCurriculum, boolean friendCurriculum, boolean friendQuestions, boolean famousCurriculum,
    boolean arithmeticFacts, boolean trainReadValues, double p1Oversample, int topK, String observationTag, long seed) {

  /** A builder holding this configuration's settings, to change some of them: {@code c.toBuilder().steps(6).build()}. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder(defaults());
  }

  /**
   * Builds a {@link WarmStartConfig} one named setting at a time (the record has 26 components, and positional
   * arguments of the same type are easily swapped). {@link #build()} does not validate; call {@link #validate()} where
   * the settings come from a user.
   */
  public static final class Builder {
    private int steps;
    private int batchSize;
    private float learningRate;
    private int warmupSteps;
    private double minimalShare;
    private double factShare;
    private double drillShare;
    private double drillRealShare;
    private double drillShuffleShare;
    private boolean copyCurriculum;
    private double copyFloor;
    private double copyUntil;
    private boolean mixedDrills;
    private double decisionShare;
    private double decisionWeight;
    private boolean recallDecisions;
    private boolean decisionCurriculum;
    private boolean friendCurriculum;
    private boolean friendQuestions;
    private boolean famousCurriculum;
    private boolean arithmeticFacts;
    private boolean trainReadValues;
    private double p1Oversample;
    private int topK;
    private String observationTag;
    private long seed;

    private Builder(WarmStartConfig c) {
      steps = c.steps;
      batchSize = c.batchSize;
      learningRate = c.learningRate;
      warmupSteps = c.warmupSteps;
      minimalShare = c.minimalShare;
      factShare = c.factShare;
      drillShare = c.drillShare;
      drillRealShare = c.drillRealShare;
      drillShuffleShare = c.drillShuffleShare;
      copyCurriculum = c.copyCurriculum;
      copyFloor = c.copyFloor;
      copyUntil = c.copyUntil;
      mixedDrills = c.mixedDrills;
      decisionShare = c.decisionShare;
      decisionWeight = c.decisionWeight;
      recallDecisions = c.recallDecisions;
      decisionCurriculum = c.decisionCurriculum;
      friendCurriculum = c.friendCurriculum;
      friendQuestions = c.friendQuestions;
      famousCurriculum = c.famousCurriculum;
      arithmeticFacts = c.arithmeticFacts;
      trainReadValues = c.trainReadValues;
      p1Oversample = c.p1Oversample;
      topK = c.topK;
      observationTag = c.observationTag;
      seed = c.seed;
    }

    /**
     * Turns off every setting added after the first warm start (real-name and shuffled drills, the copy curriculum
     * with its floor back at {@link #UNDAMPED_COPY_FLOOR}, the copy gate, the mixed drills, the recall decisions, the
     * decision, friend and famous curricula, the unasked friend questions, the arithmetic facts): the base that a test
     * adds one of them to.
     */
    public Builder basic() {
      drillRealShare = 0;
      drillShuffleShare = 0;
      copyCurriculum = false;
      copyFloor = UNDAMPED_COPY_FLOOR;
      copyUntil = 0;
      mixedDrills = false;
      recallDecisions = false;
      decisionCurriculum = false;
      friendCurriculum = false;
      friendQuestions = false;
      famousCurriculum = false;
      arithmeticFacts = false;
      return this;
    }

    public Builder steps(int v) { steps = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder learningRate(float v) { learningRate = v; return this; }
    public Builder warmupSteps(int v) { warmupSteps = v; return this; }
    public Builder minimalShare(double v) { minimalShare = v; return this; }
    public Builder factShare(double v) { factShare = v; return this; }
    public Builder drillShare(double v) { drillShare = v; return this; }
    public Builder drillRealShare(double v) { drillRealShare = v; return this; }
    public Builder drillShuffleShare(double v) { drillShuffleShare = v; return this; }
    public Builder copyCurriculum(boolean v) { copyCurriculum = v; return this; }
    public Builder copyFloor(double v) { copyFloor = v; return this; }
    public Builder copyUntil(double v) { copyUntil = v; return this; }
    public Builder mixedDrills(boolean v) { mixedDrills = v; return this; }
    public Builder decisionShare(double v) { decisionShare = v; return this; }
    public Builder decisionWeight(double v) { decisionWeight = v; return this; }
    public Builder recallDecisions(boolean v) { recallDecisions = v; return this; }
    public Builder decisionCurriculum(boolean v) { decisionCurriculum = v; return this; }
    public Builder friendCurriculum(boolean v) { friendCurriculum = v; return this; }
    public Builder friendQuestions(boolean v) { friendQuestions = v; return this; }
    public Builder famousCurriculum(boolean v) { famousCurriculum = v; return this; }
    public Builder arithmeticFacts(boolean v) { arithmeticFacts = v; return this; }
    public Builder trainReadValues(boolean v) { trainReadValues = v; return this; }
    public Builder p1Oversample(double v) { p1Oversample = v; return this; }
    public Builder topK(int v) { topK = v; return this; }
    public Builder observationTag(String v) { observationTag = v; return this; }
    public Builder seed(long v) { seed = v; return this; }

    /** The configuration (not validated). */
    public WarmStartConfig build() {
      return new WarmStartConfig(steps, batchSize, learningRate, warmupSteps, minimalShare, factShare, drillShare,
          drillRealShare, drillShuffleShare, copyCurriculum, copyFloor, copyUntil, mixedDrills, decisionShare, decisionWeight,
          recallDecisions, decisionCurriculum, friendCurriculum, friendQuestions, famousCurriculum, arithmeticFacts,
          trainReadValues, p1Oversample, topK, observationTag, seed);
    }
  }

  /**
   * The most steps the copy gate adds, as a share of the scheduled steps ({@code --copy-until}): a bound, so that a
   * copy that does not form costs a known time.
   */
  public static final double COPY_EXTENSION_MAX = 0.5;

  /**
   * The most steps the copy gate adds to this run: {@link #COPY_EXTENSION_MAX} of the steps, rounded down to whole
   * {@link CopyCurriculum#INTERVAL}s; 0 when off, and so for runs under 200 steps (tests' tiny warm starts), which the
   * gate then leaves exactly as they were.
   */
  public int copyExtensionMax() {
    if (!(copyUntil > 0)) {
      return 0;
    }
    int intervals = (int) Math.floor(steps * COPY_EXTENSION_MAX / CopyCurriculum.INTERVAL);
    return intervals * CopyCurriculum.INTERVAL;
  }

  /** The copy floor before {@code --copy-floor} existed; configurations with it keep their cache keys. */
  public static final double UNDAMPED_COPY_FLOOR = 0.1;

  /**
   * Version of the demonstration format and of the training step; part of the cache key (7: AdamW with bias
   * correction and global-norm clip 1, replacing the swapped-rate update with an element clip; 8: the copy curriculum
   * also weights the drill kinds; the mixed drills' flag is part of the key only when on; 9: half the code drills are
   * small three-operand sums, {@link CopyDrills#SMALL_SUM_SHARE}; 10: {@link UnaskedFriendQuestions} also asks the
   * friend of a famous entity's friend, so {@code --friend-questions} keys from before it would name other training;
   * 11: the small code drills' sums are drawn uniform over 0-18, {@link CopyDrills#SMALL_SUM_SHARE}, and the famous
   * curriculum; 12: the copy gate also waits for the copy of a program's output, {@link CopyCurriculum#weakestCopy}).
   */
  public static final int FORMAT_VERSION = 12;

  /**
   * The default warm start (issue 11): 2,000 steps; 40 % copy drills, 30 % fact rows, 20 % decision rows (every action
   * choice of a demonstration, weight 16), 10 % demonstrations of which 30 % in the minimal-call style. Chosen over the
   * earlier default (1,200 steps, 35/35/0/30 %, 20 % minimal) because its first decision depends on what the model
   * knows, which is what OTC's RL needs; the measurements, per seed and world, are in the module README. With the copy
   * curriculum ({@link CopyCurriculum}): copying from an observation forms per relation, and without it some relations'
   * copy did not form on most seeds and worlds tried. With the mixed drills: the copies of the two-hop paths that mix a
   * recall and a search hold at temperature 1. Twice the decision rows of the 1,600-step default before it: the RL demo
   * no longer learns to answer unknown subjects from memory (OTC-GRPO's 1n EM 0.88 → 0.99 on one seed), and the 1p / 1n
   * ratio of direct answers rose on the other worlds (2.96 → 15.2, 2.84 → 6.5); 400 more steps because, at 1,600,
   * those rows took the batch share that the copy of a passage forms on (world-2's job copy stayed at 0.54). With the
   * recall decisions: the second decision of a two-hop question (after the recalled friend) is trained like the first
   * (test 2h1 questions continuing the recall 0.80 → 0.08; the demo's OTC-GRPO 2h1 EM 0.81 → 0.94). With the decision
   * curriculum: the few unknown entities the model half-knew (p of a direct answer 0.22-0.33 against a mean of 0.02),
   * which OTC's RL turned into answers from memory, get most of the unknown subjects' decision rows until their decision
   * forms (test 1n / 2h1 / 2h2 mean 0.030 / 0.041 / 0.054 → 0.004 / 0.002 / 0.003, none above 0.2; the demo's OTC-GRPO EM
   * 0.964 → 0.987 on three seeds). With the friend curriculum: the same for the second decision, whether to search
   * the unknown friend a two-hop question leads to (the demo's OTC-GRPO EM 0.989 → 0.998 on three seeds, world-1's
   * 0.958 → 0.998; on world-3 the undamped copy curriculum then swung between relations and the copy did not form).
   * With the copy floor 0.5 instead of 0.1: the copy curriculum no longer unlearns a formed copy while it drills
   * another (world-3: single-hop EM 0.875 → 0.986, every relation formed; the module README's tables). With the copy
   * gate at 0.95: a world whose copy is still forming when the schedule ends gets up to half the steps more (world-2:
   * 2,400 + 1,200 steps, greedy single-hop EM 0.955 → 1.000 with every other target kept); where every copy has formed
   * the run is bit for bit what it was without the gate. With the unasked friend questions ({@code --friend-questions}):
   * the decision after a recalled friend is trained for every famous entity's friend, not only for those a train
   * question reaches (OTC-GRPO's {@code 2h1} EM on three seeds: world-3 0.92 → 0.96, world-2 0.84 → 0.93, world-1
   * 0.95 → 0.97; the default world unchanged within noise). With the famous curriculum: the famous subjects whose
   * recall the model rarely tries get more of the famous subjects' decision rows until it tries it as often as their
   * rows demonstrate it, so that OTC's RL samples, and can reinforce, the recall on every famous subject.
   */
  public static WarmStartConfig defaults() {
    return new WarmStartConfig(2000, 96, 3e-3f, 60, 0.3, 0.3, 0.4, 0.0, 0.0, true, 0.5, 0.95, true, 0.2, 16.0, true, true, true,
        true, true, false, true, 2.0, 1, "observation", 0);
  }

  /**
   * The entity count of the default world, on which the default's decision share was chosen; {@link #forEntities}
   * scales the decision rows to worlds above it.
   */
  public static final int DECISION_REFERENCE_ENTITIES = 160;

  /**
   * This configuration for a world of {@code entities} entities ({@code --decision-scaling}, on by default): above
   * {@link #DECISION_REFERENCE_ENTITIES}, the decision rows grow in proportion ({@code k = entities / 160}) while every
   * other kind of row keeps its total, so the run grows by the extra decision rows: {@code steps' = round(steps x (1 -
   * d + d k))}, the other shares times {@code steps / steps'}, the decision share {@code d k steps / steps'}. At or
   * below the reference, or without decision rows, it is this configuration unchanged (the default world's artifact
   * and cache key stay what they were).
   *
   * <p>Why: whether the model answers from memory or searches depends on telling the famous names from the others,
   * and a world of more entities has more names to tell apart (two syllables each, shared between names). On world-1
   * (240 entities) 20 % decision rows at 2,000 steps left the decision curriculum's mean at 0.04-0.09, uniform over the
   * unknown subjects, and OTC's RL answered 6 % of {@code 1n} from memory; 30 % decision rows at 2,000 steps formed it
   * but took the copy drills' rows and broke the copy (single-hop EM 0.900). Scaled (2,200 steps, 27 % decision rows,
   * the other rows as many as before): mean 0.005-0.007 at the end, {@code 1n} direct answers 0.005, single-hop EM
   * 0.983 (the module README's tables).
   */
  public WarmStartConfig forEntities(int entities) {
    return forWorld(entities, true, 0, false);
  }

  /**
   * The famous-entity count of the default world, on which the default's fact share was chosen; {@link #forWorld}
   * scales the fact rows to worlds above it.
   */
  public static final int FACT_REFERENCE_FAMOUS = 80;

  /**
   * This configuration for a world of {@code entities} entities of which {@code famous} are famous: the decision rows
   * scaled as {@link #forEntities} does (with {@code scaleDecisions}, {@code --decision-scaling}), and with
   * {@code scaleFacts} ({@code --fact-scaling}, on by default) the fact rows the same way above
   * {@link #FACT_REFERENCE_FAMOUS} famous entities ({@code kf = famous / 80}): every famous fact is then seen as often
   * as on the default world. The run grows by the extra rows of both, {@code steps' = round(steps x (1 - d + d kd + f
   * (kf - 1)))}, every other kind of row keeps its total. At or below both references it is this configuration
   * unchanged (the default world's artifact and cache key stay what they were).
   *
   * <p>Why the facts: a famous fact is learned from the fact rows that happen to draw it, and those are spread over
   * five facts per famous entity. On world-3 (126 famous entities, 1.6 times the default world's 80) each fact got
   * 63 % of the default world's rows; the warm start recalled 1p facts right 0.968 of the time greedily and 0.887 at
   * temperature 1 (the default world: 1.000 and 1.000), and OTC's RL, which prefers a recall to a search once it is
   * right more often than {@code cos(pi/6) = 0.87} of the time, answered those facts from memory and lost 0.035 EM
   * against the baseline (docs/DEMO.md). Per famous fact as many rows as on the default world is what the default was
   * measured with. With {@code arithmeticFacts} the fact rows also grow by {@code 1 / (1 - WarmStart.sumShare(famous))}
   * (whatever {@code scaleFacts} says), as the sums take that share of them: without it the famous facts lost rows to
   * the sums, and forced recall of {@code 1p} fell from 1.000 to 0.988 on the default world.
   */
  public WarmStartConfig forWorld(int entities, boolean scaleDecisions, int famous, boolean scaleFacts) {
    double kd = scaleDecisions && entities > DECISION_REFERENCE_ENTITIES && decisionShare > 0
        ? (double) entities / DECISION_REFERENCE_ENTITIES : 1;
    double kf = scaleFacts && famous > FACT_REFERENCE_FAMOUS && factShare > 0 ? (double) famous / FACT_REFERENCE_FAMOUS : 1;
    if (arithmeticFacts && famous > 0 && factShare > 0) {
      kf /= 1 - WarmStart.sumShare(famous); // the sums' rows come on top: each famous fact keeps its rows
    }
    if (kd == 1 && kf == 1) {
      return this;
    }
    // (kf - 1) is exactly 0 without fact scaling: the decision-only scaling keeps its bits and cache keys
    int s = (int) Math.round(steps * (1 - decisionShare + decisionShare * kd + factShare * (kf - 1)));
    double f = (double) steps / s;
    return toBuilder().steps(s).factShare(factShare * kf * f).drillShare(drillShare * f).decisionShare(decisionShare * kd * f)
        .build().validate();
  }

  /** Copy with another step count. */
  public WarmStartConfig withSteps(int s) {
    return toBuilder().steps(s).build();
  }

  /** Throws naming the bad flag. */
  public WarmStartConfig validate() {
    if (steps < 1 || batchSize < 1 || warmupSteps < 0) {
      throw new IllegalArgumentException("--steps and --batch must be >= 1 and --warmup >= 0");
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("--lr must be > 0");
    }
    if (!(minimalShare >= 0 && minimalShare <= 1) || !(factShare >= 0) || !(drillShare >= 0) || !(decisionShare >= 0)
        || !(factShare + drillShare + decisionShare < 1)) {
      throw new IllegalArgumentException(
          "--minimal-share must be in [0,1], --fact-share, --drill-share and --decision-share >= 0 with a sum < 1");
    }
    if (!(drillRealShare >= 0 && drillRealShare <= 1) || !(drillShuffleShare >= 0 && drillShuffleShare <= 1)) {
      throw new IllegalArgumentException("--drill-real-share and --drill-shuffle-share must be in [0,1]");
    }
    if (!(copyFloor > 0) || Double.isInfinite(copyFloor)) {
      throw new IllegalArgumentException("--copy-floor must be > 0 and finite");
    }
    if (!(copyUntil >= 0 && copyUntil < 1)) {
      throw new IllegalArgumentException("--copy-until must be in [0,1) (0 turns the copy gate off)");
    }
    if (!(decisionWeight > 0)) {
      throw new IllegalArgumentException("--decision-weight must be > 0");
    }
    if (!(p1Oversample > 0) || topK < 1) {
      throw new IllegalArgumentException("--p1-oversample must be > 0 and --top-k >= 1");
    }
    return this;
  }

  /** Canonical form for the cache key. */
  public String canonical() {
    return String.format(Locale.ROOT, "warm-v%d steps=%d batch=%d lr=%.6g warmup=%d minimal=%.4f fact=%.4f drill=%.4f decision=%.4f dweight=%.3f%s p1=%.3f topk=%d obs=%s seed=%d",
        FORMAT_VERSION, steps, batchSize, learningRate, warmupSteps, minimalShare, factShare, drillShare, decisionShare,
        decisionWeight, trainReadValues, p1Oversample, topK, observationTag, seed)
        // absent when 0, so the keys (and cached artifacts) of configurations from before the flag stay valid
        + (drillRealShare > 0 ? String.format(Locale.ROOT, " realdrill=%.4f", drillRealShare) : "")
        + (drillShuffleShare > 0 ? String.format(Locale.ROOT, " shuffledrill=%.4f", drillShuffleShare) : "")
        + (copyCurriculum ? " copycurriculum" : "")
        + (copyCurriculum && copyFloor != UNDAMPED_COPY_FLOOR ? String.format(Locale.ROOT, " copyfloor=%.4f", copyFloor) : "")
        + (copyUntil > 0 ? String.format(Locale.ROOT, " copyuntil=%.4f", copyUntil) : "")
        + (mixedDrills ? " mixeddrills" : "")
        + (recallDecisions ? " recalldecisions" : "")
        + (decisionCurriculum ? " decisioncurriculum" : "")
        + (friendCurriculum ? " friendcurriculum" : "")
        + (friendQuestions ? " friendquestions" : "")
        + (famousCurriculum ? " famouscurriculum" : "")
        // 2: easy questions' decision rows, each sum SUM_WEIGHT times a famous fact's rows, the fact rows grown for them;
        // 3: the recalled-sum code drills (CopyDrills#RECALLED_SUM_SHARE)
        + (arithmeticFacts ? " arithmeticfacts3" : "");
  }
}
