package ai.otc.cli.policy;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.warmstart.WarmStartConfig;
import ai.otc.world.World;
import picocli.CommandLine.Option;

/**
 * Model and warm-start flags shared by {@code warmstart}, {@code eval}, {@code up} and {@code train}; the number of
 * warm-start steps comes from {@link WarmStartSteps} ({@code --steps}) or, where {@code --steps} counts training
 * steps, {@link WarmStartSteps.Prefixed} ({@code --warm-steps}).
 */
public final class ModelOptions {
  private static final ModelConfig M = ModelConfig.defaults(0);
  private static final WarmStartConfig W = WarmStartConfig.defaults();

  @Option(names = "--d-model", description = "model width (default ${DEFAULT-VALUE})")
  int dModel = M.dModel();

  @Option(names = "--layers", description = "decoder blocks (default ${DEFAULT-VALUE})")
  int layers = M.layers();

  @Option(names = "--heads", description = "attention heads (default ${DEFAULT-VALUE})")
  int heads = M.heads();

  @Option(names = "--ff", description = "MLP width (default ${DEFAULT-VALUE})")
  int ff = M.ffDim();

  @Option(names = "--context", description = "context length (default ${DEFAULT-VALUE})")
  int context = M.context();

  @Option(names = "--value-head", description = "add a value head (PPO critic)")
  boolean valueHead;

  @Option(names = "--model-seed", description = "initialisation seed (default ${DEFAULT-VALUE})")
  long modelSeed = M.seed();

  @Option(names = "--device", description = "auto (GPU when present), cpu, gpu or gpu:N (default ${DEFAULT-VALUE})")
  String device = "auto";

  @Option(names = "--threads", description = "PyTorch intra-op threads (default: all cores)")
  Integer threads;

  @Option(names = "--batch", description = "warm-start sequences per step (default ${DEFAULT-VALUE})")
  int batch = W.batchSize();

  @Option(names = "--lr", description = "peak learning rate (default ${DEFAULT-VALUE})")
  float lr = W.learningRate();

  @Option(names = "--warmup", description = "warm-up steps (default ${DEFAULT-VALUE})")
  int warmup = W.warmupSteps();

  @Option(names = "--minimal-share", description = "share of minimal-call demonstrations (default ${DEFAULT-VALUE})")
  double minimalShare = W.minimalShare();

  @Option(names = "--fact-share", description = "share of fact sequences per batch (default ${DEFAULT-VALUE})")
  double factShare = W.factShare();

  @Option(names = "--drill-share", description = "share of copy drills (invented people: read, copy into and out of <think>) per batch (default ${DEFAULT-VALUE})")
  double drillShare = W.drillShare();

  @Option(names = "--drill-real-share", description = "share of copy drills about the world's non-famous entities (their names, random attributes: counterfactual observations) instead of invented names (default ${DEFAULT-VALUE})")
  double drillRealShare = W.drillRealShare();

  @Option(names = "--drill-shuffle-share", description = "share of reading drills whose passage lists its relations in a random order, so the copy cannot rely on a value's position (default ${DEFAULT-VALUE})")
  double drillShuffleShare = W.drillShuffleShare();

  @Option(names = "--copy-curriculum", negatable = true, defaultValue = "true", fallbackValue = "true", description = "every 100 steps, re-weight the drills (relations asked by reading drills, drill kinds) towards the copies that have not formed yet, measured on fixed drills (default ${DEFAULT-VALUE})")
  boolean copyCurriculum = W.copyCurriculum();

  @Option(names = "--copy-floor", description = "the weight a formed copy keeps in the copy curriculum, against up to 1 + this for one that has not: higher damps it (0.1 swung between relations on world-3) (default ${DEFAULT-VALUE})")
  double copyFloor = W.copyFloor();

  @Option(names = "--copy-until", description = "the copy gate: after the scheduled steps, go on with rows half copy drills and half the scheduled mixture (100 steps at a time, at most half the steps more) until every relation's copy from an observation is measured at least this probability; 0 turns it off (default ${DEFAULT-VALUE})")
  double copyUntil = W.copyUntil();

  @Option(names = "--mixed-drills", negatable = true, defaultValue = "true", fallbackValue = "true", description = "copy drills of the mixed two-hop paths too: a search after a recalled bridge, a recall after a search (default ${DEFAULT-VALUE})")
  boolean mixedDrills = W.mixedDrills();

  @Option(names = "--decision-share", description = "share of decision rows (a train question's demonstration with only its action choices trained) per batch (default ${DEFAULT-VALUE})")
  double decisionShare = W.decisionShare();

  @Option(names = "--decision-weight", description = "loss weight of each action-choice token of a decision row (default ${DEFAULT-VALUE})")
  double decisionWeight = W.decisionWeight();

  @Option(names = "--recall-decisions", negatable = true, defaultValue = "true", fallbackValue = "true", description = "decision rows also train, inside a recall, the choice between recalling the next hop and stopping to search (default ${DEFAULT-VALUE})")
  boolean recallDecisions = W.recallDecisions();

  @Option(names = "--decision-curriculum", negatable = true, defaultValue = "true", fallbackValue = "true", description = "every 100 steps, re-weight the decision rows about unknown subjects towards those the model still answers from memory (default ${DEFAULT-VALUE})")
  boolean decisionCurriculum = W.decisionCurriculum();

  @Option(names = "--friend-curriculum", negatable = true, defaultValue = "true", fallbackValue = "true", description = "every 100 steps, also re-weight the decision rows of two-hop questions towards the unknown friends the model still does not search (default ${DEFAULT-VALUE})")
  boolean friendCurriculum = W.friendCurriculum();

  @Option(names = "--friend-questions", negatable = true, defaultValue = "true", fallbackValue = "true", description = "decision rows also from the two-hop questions no split asks about a famous entity's friend: the friend of its friend, and an unknown friend's unasked attributes (default ${DEFAULT-VALUE})")
  boolean friendQuestions = W.friendQuestions();

  @Option(names = "--famous-curriculum", negatable = true, defaultValue = "true", fallbackValue = "true", description = "every 100 steps, also re-weight the decision rows about famous subjects towards those the model recalls less often than --minimal-share (default ${DEFAULT-VALUE})")
  boolean famousCurriculum = W.famousCurriculum();

  @Option(names = "--arithmetic-facts", negatable = true, defaultValue = "false", fallbackValue = "true", description = "teach the addition table of the easy questions as parametric knowledge (statements in the fact rows), and recall the sum before answering in minimal-call easy demonstrations (default ${DEFAULT-VALUE})")
  boolean arithmeticFacts = W.arithmeticFacts();

  @Option(names = "--decision-scaling", negatable = true, defaultValue = "true", fallbackValue = "true", description = "on a world of more than 160 entities, more decision rows in proportion, the other rows as many as at 160, the run longer by the difference (default ${DEFAULT-VALUE})")
  boolean decisionScaling = true;

  @Option(names = "--fact-scaling", negatable = true, defaultValue = "true", fallbackValue = "true", description = "on a world of more than 80 famous entities, more fact rows in proportion, so that each famous fact is seen as often as on the default world; the run longer by the difference (default ${DEFAULT-VALUE})")
  boolean factScaling = true;

  @Option(names = "--train-read-values", arity = "1", paramLabel = "true|false",
      description = "train the values demonstrations read from tool output (false: context, as in the copy drills) (default ${DEFAULT-VALUE})")
  boolean trainReadValues = W.trainReadValues();

  @Option(names = "--p1-oversample", description = "weight of 1p questions (default ${DEFAULT-VALUE})")
  double p1Oversample = W.p1Oversample();

  @Option(names = "--top-k", description = "passages per search observation (default ${DEFAULT-VALUE})")
  int topK = W.topK();

  @Option(names = "--observation-tag", description = "observation tag name: observation (OTC), information (Search-R1), obs (default ${DEFAULT-VALUE})")
  String observationTag = W.observationTag();

  @Option(names = "--warm-seed", description = "demonstration sampling seed (default ${DEFAULT-VALUE})")
  long warmSeed = W.seed();

  /** The device flag ({@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}). */
  public String device() {
    return device;
  }

  /** {@code --threads}, or null for all cores. */
  public Integer threads() {
    return threads;
  }

  /** Passages per search observation, as the warm start used them. */
  public int topK() {
    return topK;
  }

  /** Applies {@code --threads} before the engine loads. */
  public void applyThreads() {
    if (threads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
    }
  }

  /** Model template (vocabulary size filled in from the tokenizer). */
  public ModelConfig model() {
    return new ModelConfig(0, dModel, layers, heads, ff, context, valueHead, device, modelSeed);
  }

  /**
   * Warm-start config from the flags, with {@code steps} optimizer steps, for {@code world}: with
   * {@code --decision-scaling} its decision rows scaled to the world's entity count, with {@code --fact-scaling} its fact
   * rows to its famous-entity count ({@link WarmStartConfig#forWorld}).
   */
  public WarmStartConfig warm(int steps, World world) {
    WarmStartConfig c = WarmStartConfig.builder().steps(steps).batchSize(batch).learningRate(lr).warmupSteps(warmup)
        .minimalShare(minimalShare).factShare(factShare).drillShare(drillShare).drillRealShare(drillRealShare)
        .drillShuffleShare(drillShuffleShare).copyCurriculum(copyCurriculum).copyFloor(copyFloor).copyUntil(copyUntil)
        .mixedDrills(mixedDrills).decisionShare(decisionShare).decisionWeight(decisionWeight).recallDecisions(recallDecisions)
        .decisionCurriculum(decisionCurriculum).friendCurriculum(friendCurriculum).friendQuestions(friendQuestions)
        .famousCurriculum(famousCurriculum).arithmeticFacts(arithmeticFacts).trainReadValues(trainReadValues)
        .p1Oversample(p1Oversample).topK(topK).observationTag(observationTag).seed(warmSeed).build().validate();
    return c.forWorld(world.entities().size(), decisionScaling, world.famous().size(), factScaling);
  }
}
