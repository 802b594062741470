package ai.otc.reward.streams;

import ai.otc.core.reward.GroupScorer;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.core.OutcomeMapper;
import ai.otc.reward.core.ScoredGroups;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import ai.otc.reward.messaging.Topics;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 2 of the reward topology, reading assembled groups re-partitioned by question id (so every
 * group of a question meets the same {@code optimal-calls} store shard): the OTC core's
 * {@link GroupScorer} refreshes the question's global n from the group before scoring (OTC.md §2),
 * scores every member, computes GRPO advantages; the {@code ScoredGroup} goes to otc.rewarded.v1
 * keyed by group id with its deterministic id {@code <group>@<reward>:<version>}.
 */
final class GroupScoringProcessor implements Processor<String, byte[], String, byte[]> {

  private static final byte[] TYPE = ai.otc.reward.core.RewardTopics.TYPE_SCORED_GROUP.getBytes(StandardCharsets.UTF_8);
  private static final byte[] VERSION = "v1".getBytes(StandardCharsets.UTF_8);

  private final GroupScorer scorer;
  private final OutcomeMapper mapper;
  private final RewardMetrics metrics;
  private ProcessorContext<String, byte[]> context;
  private KeyValueOptimalCallState state;

  GroupScoringProcessor(RewardSettings settings, RewardMetrics metrics) {
    this.scorer = new GroupScorer(settings.reward());
    this.mapper = new OutcomeMapper(settings.correctness());
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    KeyValueStore<String, Integer> store = context.getStateStore(RewardTopology.OPTIMAL_CALLS_STORE);
    this.state = new KeyValueOptimalCallState(store);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    ScoredGroup assembled;
    try {
      assembled = ScoredGroup.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      // Our own stage 1 wrote it: not decoding is a bug or corruption, never a user's poison record.
      throw new IllegalStateException("internal groups-by-question record does not decode", e);
    }
    ScoredGroup scored = ScoredGroups.score(assembled, scorer, state, mapper);
    RecordHeaders headers = new RecordHeaders();
    headers.add(Topics.HEADER_TYPE, TYPE);
    headers.add(Topics.HEADER_VERSION, VERSION);
    context.forward(new Record<>(scored.getGroupId(), scored.toByteArray(), record.timestamp(), headers));
    metrics.groupScored(scored);
  }
}
