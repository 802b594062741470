package ai.otc.reward.streams;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.core.GroupRules;
import ai.otc.reward.core.Rejection;
import ai.otc.reward.core.ScoredGroups;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import ai.otc.reward.messaging.Topics;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Stage 1 of the reward topology, reading otc.rollouts.v1 (key = group id): validates each record
 * ({@link GroupRules}; refused ones become dead letters with reason headers), assembles GRPO groups
 * in changelog-backed stores (nothing lives only in memory, so a restart resumes where it left
 * off), ignores duplicates by trajectory id, and emits each group once, keyed by question id, when
 * all expected members are there. A wall-clock punctuator applies the timeout policy to groups
 * still incomplete after the configured timeout and forgets finished groups' markers after the
 * retention.
 */
final class GroupAssemblyProcessor implements Processor<String, byte[], String, AssemblyOutput> {

  /** Separates group id and trajectory id in the members store's keys (ids must not contain it). */
  static final char SEP = '\u0000';

  private final RewardSettings settings;
  private final RewardMetrics metrics;
  private ProcessorContext<String, AssemblyOutput> context;
  private KeyValueStore<String, byte[]> meta;
  private KeyValueStore<String, byte[]> members;
  private KeyValueStore<String, byte[]> deadlines;

  GroupAssemblyProcessor(RewardSettings settings, RewardMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, AssemblyOutput> context) {
    this.context = context;
    this.meta = context.getStateStore(RewardTopology.META_STORE);
    this.members = context.getStateStore(RewardTopology.MEMBERS_STORE);
    this.deadlines = context.getStateStore(RewardTopology.DEADLINES_STORE);
    context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    GroupRules.Decoded decoded = GroupRules.decode(record.key(), record.value());
    if (decoded instanceof GroupRules.Refused refused) {
      deadLetter(record, refused.rejection());
      return;
    }
    Trajectory t = ((GroupRules.Accepted) decoded).trajectory();
    if (t.getGroupId().indexOf(SEP) >= 0 || t.getTrajectoryId().indexOf(SEP) >= 0) {
      deadLetter(record, new Rejection(ai.otc.reward.core.RejectReason.INVALID_FIELD,
          "group or trajectory id contains a NUL character (trajectory " + t.getTrajectoryId().replace(SEP, '?') + ")"));
      return;
    }
    String groupId = t.getGroupId();
    byte[] rawMeta = meta.get(groupId);
    GroupMeta m;
    if (rawMeta == null) {
      long now = context.currentSystemTimeMs();
      m = GroupMeta.pending(t.getQuestionId(), t.getGroupSize(), now + settings.groupTimeout().toMillis(),
          t.getTrajectoryId(), record.timestamp());
      deadlines.put(Deadlines.key(m.timeoutAtMs(), groupId), new byte[] {Deadlines.TIMEOUT});
    } else {
      GroupMeta existing = GroupMeta.decode(rawMeta);
      if (existing.done()) {
        metrics.lateMemberIgnored();
        return;
      }
      Optional<Rejection> conflict = GroupRules.checkConsistent(existing.questionId(), existing.expectedSize(), t);
      if (conflict.isPresent()) {
        deadLetter(record, conflict.get());
        return;
      }
      if (existing.memberIds().contains(t.getTrajectoryId())) {
        metrics.duplicateIgnored();
        return;
      }
      m = existing.withMember(t.getTrajectoryId(), record.timestamp());
    }
    // The raw bytes are stored as received: they decoded, and re-encoding would only cost time.
    members.put(memberKey(groupId, t.getTrajectoryId()), record.value());
    if (m.isComplete()) {
      finish(groupId, m, false);
      metrics.groupCompleted(m.memberIds().size());
    } else {
      meta.put(groupId, m.encode());
    }
  }

  /** Emits the group (complete, or partial on timeout), removes its members and leaves a done marker. */
  private void finish(String groupId, GroupMeta m, boolean partial) {
    List<Trajectory> list = takeMembers(groupId, m);
    ScoredGroup assembled = ScoredGroups.assembled(groupId, m.questionId(), m.expectedSize(), list, partial, m.latestRecordTimestampMs());
    markDone(groupId, m);
    context.forward(new Record<String, AssemblyOutput>(
        m.questionId(), new AssemblyOutput.GroupReady(assembled), m.latestRecordTimestampMs(), new RecordHeaders()));
  }

  private List<Trajectory> takeMembers(String groupId, GroupMeta m) {
    List<Trajectory> list = new ArrayList<>(m.memberIds().size());
    for (String id : m.memberIds()) {
      String key = memberKey(groupId, id);
      byte[] bytes = members.delete(key);
      if (bytes == null) {
        throw new IllegalStateException("group " + groupId + " lists member " + id + " but the members store lacks it");
      }
      try {
        list.add(Trajectory.parseFrom(bytes));
      } catch (InvalidProtocolBufferException e) {
        // It decoded when it arrived: a failure here is store corruption, which must stop the task.
        throw new IllegalStateException("stored member " + id + " of group " + groupId + " no longer decodes", e);
      }
    }
    return list;
  }

  private void markDone(String groupId, GroupMeta m) {
    deadlines.delete(Deadlines.key(m.timeoutAtMs(), groupId));
    long expireAt = context.currentSystemTimeMs() + settings.completedRetention().toMillis();
    meta.put(groupId, GroupMeta.done(expireAt).encode());
    deadlines.put(Deadlines.key(expireAt, groupId), new byte[] {Deadlines.EXPIRE});
  }

  /** Applies due timeouts and forgets expired markers; reads only the due prefix of the time-ordered deadlines. */
  void punctuate(long now) {
    List<KeyValue<String, byte[]>> due = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = deadlines.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        if (Deadlines.due(kv.key) > now) {
          break;
        }
        due.add(kv);
      }
    }
    for (KeyValue<String, byte[]> kv : due) {
      deadlines.delete(kv.key);
      String groupId = Deadlines.groupId(kv.key);
      byte[] raw = meta.get(groupId);
      if (raw == null) {
        continue;
      }
      GroupMeta m = GroupMeta.decode(raw);
      if (kv.value[0] == Deadlines.EXPIRE) {
        if (m.done()) {
          meta.delete(groupId);
        }
      } else if (!m.done() && m.timeoutAtMs() == Deadlines.due(kv.key)) {
        metrics.groupTimedOut(settings.timeoutPolicy(), m.memberIds().size(), m.expectedSize());
        if (settings.timeoutPolicy() == TimeoutPolicy.SCORE_PARTIAL) {
          finish(groupId, m, true);
        } else {
          takeMembers(groupId, m);
          markDone(groupId, m);
        }
      }
    }
  }

  private void deadLetter(Record<String, byte[]> record, Rejection rejection) {
    Headers h = new RecordHeaders(record.headers().toArray());
    put(h, Topics.DLQ_REASON, rejection.reason().wireName());
    put(h, Topics.DLQ_DETAIL, rejection.detail());
    Optional<RecordMetadata> md = context.recordMetadata();
    put(h, Topics.DLQ_SOURCE_TOPIC, md.map(RecordMetadata::topic).orElse(settings.rolloutsTopic()));
    put(h, Topics.DLQ_SOURCE_PARTITION, md.map(r -> Integer.toString(r.partition())).orElse("-1"));
    put(h, Topics.DLQ_SOURCE_OFFSET, md.map(r -> Long.toString(r.offset())).orElse("-1"));
    metrics.deadLettered(rejection.reason());
    context.forward(new Record<String, AssemblyOutput>(
        record.key(), new AssemblyOutput.DeadLetter(record.value()), record.timestamp(), h));
  }

  private static void put(Headers h, String name, String value) {
    h.remove(name);
    h.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  static String memberKey(String groupId, String trajectoryId) {
    return groupId + SEP + trajectoryId;
  }
}
