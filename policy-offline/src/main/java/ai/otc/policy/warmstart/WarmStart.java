package ai.otc.policy.warmstart;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.LmTrainer;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.world.Entity;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldGenerator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Random;

/**
 * The supervised warm start: teaches the tag protocol, the parametric facts (famous entities) and the over-using
 * behaviour the RL stage is meant to correct, by next-token training on {@link Demonstrations}.
 *
 * <p>Mixture per batch row: with probability {@code drillShare} a copy drill about invented people
 * ({@link Demonstrations#drill}: reading an observation, copying names into and answers out of {@code <think>}, with
 * nothing to memorise); with probability {@code factShare} a fact sequence of a famous entity; with probability
 * {@code decisionShare} the action choices of a train search question alone ({@link Demonstrations#decision}); otherwise a train
 * question (1p weighted by {@code p1Oversample}) demonstrated in the minimal-call style with probability
 * {@code minimalShare}, else in the over-use style. Held-out (dev/test) questions are never shown; their facts are
 * known only through the fact sequences. Rows are drawn several batches at a time and grouped by length, so little
 * compute goes to padding.
 */
public final class WarmStart {
  /** Batches drawn together and regrouped by length. */
  private static final int BUCKET = 8;
  /**
   * Fact rows hold 1..6 facts (uniform). With learned absolute positions a fact memorised only right after
   * {@code <think>} is recalled poorly where a zero-call answer needs it (after the question, 12-30 tokens in): rows of
   * several statements teach every fact at many positions and after other content.
   */
  private static final int MAX_FACTS_PER_ROW = 6;
  /** Chance that the next two statements of a fact row are a two-hop chain (friend, then the friend's attribute). */
  private static final double CHAIN_SHARE = 0.3;

  private final World world;
  private final Demonstrations demos;
  private final WarmStartConfig config;
  private final List<Question> train = new ArrayList<>();
  private final double[] cumWeight;
  private final List<Entity> famous;
  /** Train search questions, all and by subject (the untrained prefixes of fact rows). */
  private final List<Question> trainSearch;
  private final java.util.Map<String, List<Question>> trainBySubject;
  /**
   * The questions decision rows are drawn from: the train search questions, and with {@code --friend-questions} the
   * two-hop questions no split asks about a famous entity's friend ({@link UnaskedFriendQuestions}; on by default).
   */
  private final List<Question> decisionPool;
  private final TaskFormat format;
  /**
   * Share of fact rows placed after a train question's prompt (untrained context): without it, facts memorised after
   * {@code <think>} alone were recalled far worse after a question (years: 70/80 bare vs 31/80 after a question).
   */
  private static final double PREFIXED_FACT_SHARE = 0.5;
  /** Weight of questions about a familiar unknown in decision rows ({@link #decisionQuestion}). */
  static final double FAMILIAR_WEIGHT = 3.0;
  /** Base decision-row weights over {@link #decisionPool} ({@link #FAMILIAR_WEIGHT} or 1). */
  private final double[] decisionBase;
  /** Cumulative decision-row weights over {@link #decisionPool}: the base ones times the decision curriculum's. */
  private double[] decisionCum;
  /** The decision curriculum's weights in use (empty: all 1). */
  private DecisionCurriculum.Weights decisionWeights = DecisionCurriculum.Weights.NONE;
  /** Famous entities whose friend is famous too (the subjects of 2h0 questions). */
  private final List<Entity> chainable;
  /** Every pair of operands of an easy question ({@code --arithmetic-facts}). */
  private final List<int[]> additionTable;
  /**
   * Share of fact rows that state sums ({@code --arithmetic-facts}; else 0): the table's size over all facts (its sums
   * and five per famous entity), so that each sum is drawn as often as each famous fact.
   */
  private final double sumShare;
  /** Train easy questions: the untrained prefixes of sum rows, and with the sums decision rows of their own. */
  private final List<Question> trainEasy;
  /**
   * Share of decision rows about train easy questions ({@code --arithmetic-facts}; else 0): their count over all
   * decision questions, so each easy question gets as many as a search question. Without them the choice between
   * recalling a sum and running a program was trained by whole demonstrations alone, and the warm start with the
   * sums as knowledge never recalled one first (0 of 57 train easy questions at t=1, world-3), so OTC's RL could not
   * learn that an easy question needs no call.
   */
  private final double easyDecisionShare;

  public WarmStart(World world, TaskFormat format, WarmStartConfig config) {
    this.world = world;
    this.config = config.validate();
    this.demos = new Demonstrations(world, format, config.trainReadValues(), config.arithmeticFacts());
    this.drillKindShares = config.mixedDrills() ? MIXED_DRILL_KIND_SHARES : DRILL_KIND_SHARES;
    this.drillKindCum = cumulative(drillKindShares, null);
    this.famous = world.famous();
    this.chainable = famous.stream().filter(e -> world.entity(e.friend()).famous()).toList();
    this.additionTable = List.copyOf(WorldGenerator.additionTable());
    this.sumShare = config.arithmeticFacts() ? sumShare(famous.size()) : 0;
    this.trainEasy = world.split(Split.TRAIN).stream().filter(q -> q.kind() == QuestionKind.EASY).toList();
    this.format = format;
    this.trainSearch = world.split(Split.TRAIN).stream().filter(q -> q.kind().task() == QuestionKind.Task.SEARCH).toList();
    this.trainBySubject = trainSearch.stream().collect(java.util.stream.Collectors.groupingBy(Question::subject));
    List<Question> pool = new ArrayList<>(trainSearch);
    if (config.friendQuestions()) {
      pool.addAll(UnaskedFriendQuestions.of(world));
    }
    this.decisionPool = List.copyOf(pool);
    this.easyDecisionShare = config.arithmeticFacts() && !trainEasy.isEmpty()
        ? trainEasy.size() / (double) (trainEasy.size() + decisionPool.size()) : 0;
    java.util.Set<String> familiar = new java.util.HashSet<>();
    famous.forEach(e -> familiar.add(e.friend()));
    decisionBase = new double[decisionPool.size()];
    for (int i = 0; i < decisionPool.size(); i++) {
      Entity subject = world.entity(decisionPool.get(i).subject());
      decisionBase[i] = !subject.famous() && familiar.contains(subject.name()) ? FAMILIAR_WEIGHT : 1.0;
    }
    decisionWeights(DecisionCurriculum.Weights.NONE);
    train.addAll(world.split(Split.TRAIN));
    if (train.isEmpty()) {
      throw new IllegalArgumentException("world has no train questions");
    }
    cumWeight = new double[train.size()];
    double c = 0;
    for (int i = 0; i < train.size(); i++) {
      c += train.get(i).kind() == QuestionKind.P1 ? config.p1Oversample() : 1.0;
      cumWeight[i] = c;
    }
  }

  public Demonstrations demonstrations() {
    return demos;
  }

  /**
   * Base shares of the drill kinds, in {@link Demonstrations.Drill}'s order: read 1-hop 0.30, read 2-hop 0.15, think
   * 1-hop 0.20, think 2-hop 0.20, the mixed paths 0 (without {@code --mixed-drills}), code 0.15.
   */
  static final double[] DRILL_KIND_SHARES = {0.30, 0.15, 0.20, 0.20, 0.0, 0.0, 0.15};
  /** Base shares with {@code --mixed-drills}: 0.10 more for each mixed path (normalised: 1.2 in all). */
  static final double[] MIXED_DRILL_KIND_SHARES = {0.30, 0.15, 0.20, 0.20, 0.10, 0.10, 0.15};
  /** The base drill-kind shares of this run. */
  private final double[] drillKindShares;
  /** The cumulative drill-kind shares in use: the base ones, or those the copy curriculum last set. */
  private double[] drillKindCum;

  /** The drill kind at {@code u} in [0,1) of the cumulative shares. */
  private Demonstrations.Drill drillKind(double u) {
    Demonstrations.Drill[] kinds = Demonstrations.Drill.values();
    for (int i = 0; i < kinds.length - 1; i++) {
      if (u < drillKindCum[i]) {
        return kinds[i];
      }
    }
    return kinds[kinds.length - 1];
  }

  /** The cumulative shares, each base share times its weight (missing: 1), normalised to end at 1. */
  static double[] cumulative(double[] base, Map<Demonstrations.Drill, Double> weights) {
    Demonstrations.Drill[] kinds = Demonstrations.Drill.values();
    double[] cum = new double[base.length];
    double acc = 0;
    for (int i = 0; i < base.length; i++) {
      acc += base[i] * (weights == null ? 1.0 : weights.getOrDefault(kinds[i], 1.0));
      cum[i] = acc;
    }
    for (int i = 0; i < cum.length; i++) {
      cum[i] /= acc;
    }
    return cum;
  }

  /** Draws one example of the mixture. */
  Example draw(Random rng) {
    double u = rng.nextDouble();
    if (u < config.drillShare()) {
      return drill(rng);
    }
    if ((!famous.isEmpty() || sumShare > 0) && u < config.drillShare() + config.factShare()) {
      // (no extra draw without the arithmetic facts: configurations from before the flag keep their random streams)
      if (sumShare > 0 && rng.nextDouble() < sumShare) {
        return sumRow(rng);
      }
      int n = 1 + rng.nextInt(MAX_FACTS_PER_ROW);
      List<Entity> es = new ArrayList<>();
      List<String> rels = new ArrayList<>();
      while (es.size() < n) {
        if (!chainable.isEmpty() && es.size() + 2 <= n && rng.nextDouble() < CHAIN_SHARE) {
          // A two-hop chain of facts: the friend of X is F . the R of F is V (both famous), as a zero-call two-hop
          // answer recalls it; facts only, no question text.
          Entity x = chainable.get(rng.nextInt(chainable.size()));
          es.add(x);
          rels.add("friend");
          es.add(world.entity(x.friend()));
          rels.add(WorldGenerator.ATTRIBUTES.get(rng.nextInt(WorldGenerator.ATTRIBUTES.size())));
        } else {
          es.add(famous.get(rng.nextInt(famous.size())));
          rels.add(WorldGenerator.RELATIONS.get(rng.nextInt(WorldGenerator.RELATIONS.size())));
        }
      }
      String prefix = null;
      if (rng.nextDouble() < PREFIXED_FACT_SHARE) {
        List<Question> about = trainBySubject.getOrDefault(es.get(0).name(), trainSearch);
        prefix = WorldTasks.prompt(format, about.get(rng.nextInt(about.size())));
      }
      return demos.facts(prefix, es, rels);
    }
    if (!trainSearch.isEmpty() && u < config.drillShare() + config.factShare() + config.decisionShare()) {
      // (no extra draw without the arithmetic facts: configurations from before the flag keep their random streams)
      Question q = easyDecisionShare > 0 && rng.nextDouble() < easyDecisionShare
          ? trainEasy.get(rng.nextInt(trainEasy.size())) : decisionQuestion(rng);
      return demos.decision(q, rng.nextDouble() < config.minimalShare(), (float) config.decisionWeight(),
          config.recallDecisions());
    }
    return demos.demo(train.get(weighted(cumWeight, rng)), rng.nextDouble() < config.minimalShare());
  }

  /**
   * How many times as often each sum of the addition table is drawn as each famous fact ({@code --arithmetic-facts}).
   * At 1 the warm start recalled 0.81-0.88 of the test easy sums right (the famous facts: 1.00), below the
   * {@code cos(pi/6) = 0.87} at which OTC's reward prefers a recall to one call.
   */
  static final double SUM_WEIGHT = 2.0;

  /**
   * Share of fact rows that state sums with {@code famous} famous entities: the table's weighted size over all facts
   * (its sums, {@link #SUM_WEIGHT} each, and five per famous entity). {@link WarmStartConfig#forWorld} grows the fact
   * rows by {@code 1 / (1 - share)}, so each famous fact keeps the rows it has without the sums.
   */
  static double sumShare(int famous) {
    double sums = SUM_WEIGHT * WorldGenerator.additionTable().size();
    return sums / (sums + WorldGenerator.RELATIONS.size() * famous);
  }

  /** A fact row of 1..6 sums of the addition table, half of them after a train easy question's prompt. */
  private Example sumRow(Random rng) {
    int n = 1 + rng.nextInt(MAX_FACTS_PER_ROW);
    List<int[]> pairs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      pairs.add(additionTable.get(rng.nextInt(additionTable.size())));
    }
    String prefix = !trainEasy.isEmpty() && rng.nextDouble() < PREFIXED_FACT_SHARE
        ? WorldTasks.prompt(format, trainEasy.get(rng.nextInt(trainEasy.size()))) : null;
    return demos.sums(prefix, pairs);
  }

  /**
   * Share of the copy gate's rows that are copy drills; the others are drawn from the scheduled mixture, so the facts
   * and decisions are rehearsed while the copy forms. With drills alone (world-2, 500 steps) every copy formed but
   * the facts faded: forced recall of {@code 1p} 1.000 → 0.942, held-out {@code 2h0} 0.974 → 0.897, and at t=1 the
   * direct answers were right 0.679 of the time instead of 1.000.
   */
  static final double GATE_DRILL_SHARE = 0.5;

  /**
   * The next row: of the mixture ({@link #draw}), or in the copy gate's steps a copy drill with probability
   * {@link #GATE_DRILL_SHARE}, else a row of the mixture.
   */
  Example row(Random rng, boolean gated) {
    return gated && rng.nextDouble() < GATE_DRILL_SHARE ? drill(rng) : draw(rng);
  }

  /** A copy drill of the kind the current shares draw (the drill rows of {@link #draw}; the copy gate's rows alone). */
  private Example drill(Random rng) {
    Demonstrations.Drill kind = drillKind(rng.nextDouble());
    // (no extra draw when the share is 0: configurations from before the flag keep their random streams)
    boolean real = config.drillRealShare() > 0 && rng.nextDouble() < config.drillRealShare();
    boolean shuffled = config.drillShuffleShare() > 0 && rng.nextDouble() < config.drillShuffleShare();
    return demos.drill(kind, rng, real, shuffled);
  }

  /**
   * A train search question for a decision row, questions about a familiar unknown drawn {@link #FAMILIAR_WEIGHT}
   * times as often: an entity that is not famous but is a famous entity's friend appears as a trained value in fact
   * rows, and a policy that answers from memory whenever a name looks familiar guesses on it (measured: after OTC
   * training, 12 of the 15 test 1n questions answered without a search were about such entities, 27 % of them against
   * 8 % of the others).
   */
  private Question decisionQuestion(Random rng) {
    return decisionPool.get(weighted(decisionCum, rng));
  }

  /**
   * Sets the decision rows' question weights: each one's base weight times its weight in {@code weights}
   * ({@link DecisionCurriculum.Weights#of}: its subject's or its friend's, 1 when neither is probed). Rows already drawn
   * into pending batches keep the old weights.
   */
  void decisionWeights(DecisionCurriculum.Weights weights) {
    this.decisionWeights = weights;
    double[] cum = new double[decisionPool.size()];
    double acc = 0;
    for (int i = 0; i < cum.length; i++) {
      acc += decisionBase[i] * weights.of(decisionPool.get(i));
      cum[i] = acc;
    }
    decisionCum = cum;
  }

  /** The decision curriculum's subject weights in use (empty before its first measurement or without it). */
  Map<String, Double> subjectWeights() {
    return decisionWeights.subjects();
  }

  /** The decision curriculum's friend weights in use (empty before its first measurement or without its friend probes). */
  Map<String, Double> friendWeights() {
    return decisionWeights.friends();
  }

  /** An index drawn with probability proportional to its weight, given the cumulative weights {@code cum}. */
  private static int weighted(double[] cum, Random rng) {
    double r = rng.nextDouble() * cum[cum.length - 1];
    int lo = 0;
    int hi = cum.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * Summary of a finished run: {@code steps} in all, of which {@code copyGateSteps} were the copy gate's (after the
   * scheduled steps, {@link WarmStartConfig#copyUntil()}).
   */
  public record Result(int steps, double seconds, double tokensPerSecond, float finalLoss, int copyGateSteps) {}

  /**
   * Trains {@code model} in place, printing a progress line (step, loss, tokens/s, ETA) to {@code log} about every
   * {@code logEverySeconds}. After the scheduled steps the copy gate ({@link WarmStartConfig#copyUntil()}) may add
   * steps of mostly copy drills ({@link #row}), {@link CopyCurriculum#INTERVAL} at a time, until every relation's copy
   * has formed or its bound is reached.
   */
  public Result train(PolicyModel model, PrintStream log, double logEverySeconds) {
    Random rng = new Random(config.seed());
    LmTrainer trainer = new LmTrainer(model, 0f);
    int ctx = model.config().context();
    long t0 = System.nanoTime();
    long lastLog = t0;
    long tokens = 0;
    double emaLoss = Double.NaN;
    List<List<Example>> pending = new ArrayList<>();
    float loss = Float.NaN;
    CopyCurriculum curriculum = config.copyCurriculum() ? newCopyCurriculum() : null;
    // without the curriculum the gate measures on its own probes (the same fixed set) and sets no weights
    CopyCurriculum gate = config.copyExtensionMax() > 0 ? (curriculum != null ? curriculum : newCopyCurriculum()) : null;
    DecisionCurriculum decisions = (config.decisionCurriculum() || config.friendCurriculum() || config.famousCurriculum())
        && config.decisionShare() > 0 ? new DecisionCurriculum(world, decisionPool, format, config.decisionCurriculum(),
            config.friendCurriculum(), config.famousCurriculum(), config.minimalShare()) : null;
    int scheduled = config.steps();
    int bound = scheduled + config.copyExtensionMax();
    boolean gated = false;
    int step = 1;
    for (;; step++) {
      if (step > scheduled && gate == null) {
        break;
      }
      if (step > scheduled && (step - scheduled) % CopyCurriculum.INTERVAL == 1) {
        // the bound is whole intervals past the schedule, so the gate also measures right after its last step
        CopyCurriculum.Weights w = gate.update(model);
        boolean formed = gate.weakestCopy() >= config.copyUntil();
        if (log != null) {
          String verdict = formed ? "formed" : step - 1 < bound
              ? "not formed: " + CopyCurriculum.INTERVAL + " more steps, half of their rows copy drills (at most "
                  + (bound - scheduled) + " in all)"
              : "NOT FORMED at the bound of " + (bound - scheduled) + " extra steps (--copy-until)";
          log.printf(Locale.ROOT, "warmstart step %d/%d  copy gate (every relation and the program output >= %.2f): %s  %s%n", step - 1, scheduled,
              config.copyUntil(), gate.describe(), verdict);
        }
        if (formed || step > bound) {
          break;
        }
        if (curriculum != null) {
          useCopyWeights(w);
        }
        if (!gated) {
          pending.clear(); // the scheduled mixture's batches drawn ahead are not trained
          gated = true;
        }
      } else if (step <= scheduled && curriculum != null && step % CopyCurriculum.INTERVAL == 1 && step > 1) {
        // examples already drawn into the pending buckets keep the old weights; the next pool uses the new ones
        useCopyWeights(curriculum.update(model));
        if (log != null) {
          log.printf(Locale.ROOT, "warmstart step %d/%d  copy from an observation, p per relation: %s%n", step, config.steps(),
              curriculum.describe());
        }
      }
      if (step <= scheduled && decisions != null && step % DecisionCurriculum.INTERVAL == 1 && step > 1) {
        decisionWeights(decisions.update(model));
        if (log != null) {
          log.printf(Locale.ROOT, "warmstart step %d/%d  %s%n", step, config.steps(), decisions.describe());
        }
      }
      if (pending.isEmpty()) {
        List<Example> pool = new ArrayList<>();
        for (int i = 0; i < BUCKET * config.batchSize(); i++) {
          pool.add(row(rng, gated));
        }
        pool.sort(Comparator.comparingInt(Example::length));
        for (int i = 0; i < BUCKET; i++) {
          pending.add(pool.subList(i * config.batchSize(), (i + 1) * config.batchSize()));
        }
        Collections.shuffle(pending, rng);
      }
      List<Example> batch = pending.remove(pending.size() - 1);
      int len = batch.stream().mapToInt(Example::length).max().orElse(2);
      if (len > ctx) {
        throw new IllegalStateException("demonstration of length " + len + " exceeds the model context " + ctx
            + "; raise --context or shorten passages");
      }
      int[][] toks = new int[batch.size()][];
      float[][] mask = new float[batch.size()][];
      for (int i = 0; i < batch.size(); i++) {
        toks[i] = batch.get(i).tokens();
        mask[i] = batch.get(i).lossMask();
      }
      loss = trainer.step(toks, mask, len, learningRate(step));
      tokens += (long) batch.size() * (len - 1);
      if (Float.isFinite(loss)) {
        emaLoss = Double.isNaN(emaLoss) ? loss : 0.95 * emaLoss + 0.05 * loss;
      } else if (trainer.skipped() > Math.max(10, config.steps() / 50)) {
        throw new IllegalStateException("warm start diverged: " + trainer.skipped() + " steps with a non-finite loss or gradient by step "
            + step + "; lower --lr");
      }
      long now = System.nanoTime();
      if (log != null && ((now - lastLog) / 1e9 >= logEverySeconds || step == scheduled || step == bound)) {
        double el = (now - t0) / 1e9;
        // in the gate's steps the ETA is to its bound: the most it can still take
        int of = gated ? bound : scheduled;
        double eta = el / step * (of - step);
        log.printf(Locale.ROOT, "warmstart step %d/%s  loss %.4f  lr %.2e  gnorm %.2f  %.0f tok/s  elapsed %.0fs  ETA %s%.0fs%s%n", step,
            gated ? "<=" + bound : String.valueOf(scheduled), emaLoss, learningRate(step), trainer.lastGradNorm(), tokens / el, el,
            gated ? "<=" : "", eta,
            trainer.skipped() > 0 ? "  (skipped " + trainer.skipped() + " non-finite steps: " + trainer.skippedForLoss()
                + " loss, " + (trainer.skipped() - trainer.skippedForLoss()) + " gradient)" : "");
        lastLog = now;
      }
    }
    int done = step - 1;
    double sec = (System.nanoTime() - t0) / 1e9;
    return new Result(done, sec, tokens / sec, loss, done - scheduled);
  }

  /** Draws the next reading drills and drill kinds with the copy curriculum's new weights. */
  private void useCopyWeights(CopyCurriculum.Weights w) {
    demos.readWeights(w.relations());
    drillKindCum = cumulative(drillKindShares, w.kinds());
  }

  private CopyCurriculum newCopyCurriculum() {
    // the copy gate also waits for the copy of a program's output, measured on the train easy questions' programs
    List<int[]> code = config.copyExtensionMax() > 0
        ? trainEasy.stream().map(q -> demos.demo(q, false).tokens()).toList() : List.of();
    return new CopyCurriculum(demos, format.tokenizer(), config.seed(), config.mixedDrills(), config.copyFloor(), code);
  }

  /** Linear warm-up to the peak, then cosine decay to 10 % of it. */
  float learningRate(int step) {
    float peak = config.learningRate();
    if (step <= config.warmupSteps()) {
      return peak * step / Math.max(1, config.warmupSteps());
    }
    double p = (double) (step - config.warmupSteps()) / Math.max(1, config.steps() - config.warmupSteps());
    return (float) (peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p)))));
  }
}
