package ai.otc.learner.training;

import ai.otc.learner.batch.Sample;
import ai.otc.learner.batch.StalenessGate;
import ai.otc.learner.domain.GroupDecision;
import ai.otc.learner.domain.RewardSelector;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds each step's batch from the records of otc.rewarded.v1 (pure: no Kafka, no DJL). Records are queued as they are
 * polled and decided one at a time, in poll order, when the learner asks for a batch at its current version:
 * <ol>
 *   <li>a value that does not decode as a {@code ScoredGroup} → dead letter {@code undecodable};</li>
 *   <li>another run's group → skipped ({@code other-run});</li>
 *   <li>a group of this run scored with another reward than the run's ({@link RewardSelector}) → skipped
 *       ({@code other-reward});</li>
 *   <li>an id already decided (in the ledger's window or this batch) → skipped ({@code duplicate});</li>
 *   <li>a group that cannot be trained (no members, bad lengths, token ids outside the vocabulary, longer than the
 *       model's context) → dead letter {@code invalid-group};</li>
 *   <li>the staleness gate: within the bound → {@code fresh}; older → {@code stale-dropped} or {@code stale-corrected}
 *       ({@code otc.learner.stale-policy}).</li>
 * </ol>
 * Every decision is reported to the {@link Sink} and counted for the step's metrics. The offsets of a step are, per
 * partition, the next offset after the last record decided for it; records queued but not decided yet are read again
 * after a restart, so the checkpoint's offsets and ledger always agree.
 */
public final class BatchAssembler {

  /** A polled record. {@code source} is the client's record, handed back to the sink for a dead letter. */
  public record Polled(int partition, long offset, String key, byte[] value, Object source) {}

  /** One accepted group: its samples, in member order, and whether it is importance-corrected. */
  public record Accepted(ScoredGroup group, List<Sample> samples, boolean corrected, long staleness) {}

  /** A finished batch: the groups, the ids dropped as stale, the counts of every decision, the offsets after it. */
  public record Batch(List<Accepted> groups, List<String> droppedIds, Map<GroupDecision, Long> decisions,
      Map<Integer, Long> offsets) {
    /** Every sample of the batch, group by group. */
    public List<Sample> samples() {
      List<Sample> all = new ArrayList<>();
      for (Accepted a : groups) {
        all.addAll(a.samples());
      }
      return all;
    }
  }

  /** Where decisions go: metrics and the dead-letter channel. */
  public interface Sink {
    /** A decision was taken on one record. */
    void decided(GroupDecision decision);

    /** {@code record} goes to the dead-letter topic with {@code reason} and {@code detail}. */
    void deadLetter(Polled record, String reason, String detail);
  }

  /** The model limits a group must respect to be trainable. */
  public record Limits(int vocabSize, int context) {}

  private final String runId;
  private final RewardSelector rewards;
  private final int groupsPerStep;
  private final StalenessGate gate;
  private final Limits limits;
  private final GroupLedger ledger;
  private final Deque<Polled> queue = new ArrayDeque<>();
  private final Map<Integer, Long> offsets = new HashMap<>();
  private final List<Accepted> batch = new ArrayList<>();
  private final List<String> dropped = new ArrayList<>();
  private final Map<GroupDecision, Long> counts = new EnumMap<>(GroupDecision.class);

  /** An assembler that trains on the reward of the run's first group ({@link RewardSelector#firstSeen()}). */
  public BatchAssembler(String runId, int groupsPerStep, StalenessGate gate, Limits limits, GroupLedger ledger,
      Map<Integer, Long> offsets) {
    this(runId, RewardSelector.firstSeen(), groupsPerStep, gate, limits, ledger, offsets);
  }

  /**
   * @param rewards which reward's groups are trained
   * @param offsets the next offset per partition at which reading starts (from the checkpoint)
   */
  public BatchAssembler(String runId, RewardSelector rewards, int groupsPerStep, StalenessGate gate, Limits limits,
      GroupLedger ledger, Map<Integer, Long> offsets) {
    this.runId = runId;
    this.rewards = rewards;
    this.groupsPerStep = groupsPerStep;
    this.gate = gate;
    this.limits = limits;
    this.ledger = ledger;
    this.offsets.putAll(offsets);
  }

  /** Queues a polled record (in poll order). */
  public void add(Polled p) {
    queue.addLast(p);
  }

  /** Records queued and not decided yet. */
  public int queued() {
    return queue.size();
  }

  /** Groups in the batch being assembled. */
  public int size() {
    return batch.size();
  }

  /**
   * Decides queued records at learner version {@code version} until the batch holds {@code groups-per-step} groups or
   * the queue is empty.
   *
   * @return whether the batch is full
   */
  public boolean fill(long version, Sink sink) {
    while (batch.size() < groupsPerStep && !queue.isEmpty()) {
      Polled p = queue.removeFirst();
      GroupDecision d = decide(p, version, sink);
      counts.merge(d, 1L, Long::sum);
      offsets.put(p.partition(), p.offset() + 1);
      sink.decided(d);
    }
    return batch.size() >= groupsPerStep;
  }

  /** Hands out the full batch and starts the next one. */
  public Batch take() {
    if (batch.size() < groupsPerStep) {
      throw new IllegalStateException("the batch holds " + batch.size() + " of " + groupsPerStep + " groups");
    }
    Batch b = new Batch(List.copyOf(batch), List.copyOf(dropped), Map.copyOf(counts), Map.copyOf(offsets));
    batch.clear();
    dropped.clear();
    counts.clear();
    return b;
  }

  private GroupDecision decide(Polled p, long version, Sink sink) {
    ScoredGroup g;
    try {
      if (p.value() == null) {
        throw new InvalidProtocolBufferException("null value");
      }
      g = ScoredGroup.parseFrom(p.value());
    } catch (InvalidProtocolBufferException e) {
      sink.deadLetter(p, "undecodable", String.valueOf(e.getMessage()));
      return GroupDecision.DEAD_LETTER;
    }
    if (!runId.equals(g.getRunId())) {
      return GroupDecision.OTHER_RUN;
    }
    if (!rewards.accepts(g.getReward())) {
      return GroupDecision.OTHER_REWARD;
    }
    if (ledger.seen(g.getId())) {
      return GroupDecision.DUPLICATE;
    }
    List<Sample> samples = new ArrayList<>();
    Optional<String> problem = check(g, samples);
    if (problem.isPresent()) {
      sink.deadLetter(p, "invalid-group", problem.get());
      return GroupDecision.DEAD_LETTER;
    }
    long groupVersion = StalenessGate.groupVersion(g);
    StalenessGate.Decision s = gate.decide(groupVersion, version);
    ledger.hold(g.getId());
    if (s == StalenessGate.Decision.DROP) {
      dropped.add(g.getId());
      return GroupDecision.STALE_DROPPED;
    }
    boolean corrected = s == StalenessGate.Decision.CORRECT;
    if (corrected) {
      samples.replaceAll(x -> withCorrection(g, x));
    }
    batch.add(new Accepted(g, List.copyOf(samples), corrected, Math.max(0, version - groupVersion)));
    return corrected ? GroupDecision.STALE_CORRECTED : GroupDecision.FRESH;
  }

  private static Sample withCorrection(ScoredGroup g, Sample s) {
    return new Sample(s.trajectoryId(), s.groupId(), s.scoredGroupId(), s.tokens(), s.promptLength(), s.lossMask(),
        s.oldLogProbs(), s.advantage(), s.reward(), s.correct(), s.toolCalls(), s.questionKind(), s.minCalls(),
        s.policyVersion(), true);
  }

  /** Builds the samples of {@code g} into {@code out}; the first problem that makes the group untrainable, if any. */
  private Optional<String> check(ScoredGroup g, List<Sample> out) {
    if (g.getId().isEmpty()) {
      return Optional.of("empty id");
    }
    if (g.getMembersCount() == 0) {
      return Optional.of(g.getId() + ": no members");
    }
    for (ScoredTrajectory m : g.getMembersList()) {
      Sample s;
      try {
        s = Sample.of(g, m, false);
      } catch (IllegalArgumentException e) {
        return Optional.of(g.getId() + ": " + e.getMessage());
      }
      if (s.tokens().length > limits.context()) {
        return Optional.of(g.getId() + ": trajectory " + s.trajectoryId() + " has " + s.tokens().length
            + " tokens, the model's context is " + limits.context());
      }
      for (int i = 0; i < s.tokens().length; i++) {
        int t = s.tokens()[i];
        if (t < 0 || t >= limits.vocabSize()) {
          return Optional.of(g.getId() + ": trajectory " + s.trajectoryId() + " token " + i + " is " + t
              + ", outside the vocabulary [0, " + limits.vocabSize() + ")");
        }
      }
      out.add(s);
    }
    return Optional.empty();
  }
}
