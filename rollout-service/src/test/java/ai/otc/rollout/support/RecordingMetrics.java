package ai.otc.rollout.support;

import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.rollout.domain.IgnoredManifest;
import ai.otc.rollout.domain.Phase;
import ai.otc.rollout.domain.RolloutMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link RolloutMetrics} that remembers what it was told, for assertions. */
public final class RecordingMetrics implements RolloutMetrics {
  public final List<Long> loaded = new CopyOnWriteArrayList<>();
  public final List<Long> loadFailed = new CopyOnWriteArrayList<>();
  public final Map<IgnoredManifest, AtomicLong> ignored = new ConcurrentHashMap<>();
  public final List<Long> published = new CopyOnWriteArrayList<>();
  public final Map<String, AtomicLong> toolCalls = new ConcurrentHashMap<>();
  public final Map<Phase, AtomicLong> phaseNanos = new ConcurrentHashMap<>();
  public final AtomicLong batchFailures = new AtomicLong();

  @Override
  public void policyLoaded(long version, long nanos) {
    loaded.add(version);
  }

  @Override
  public void policyLoadFailed(long version) {
    loadFailed.add(version);
  }

  @Override
  public void manifestIgnored(IgnoredManifest reason) {
    ignored.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
  }

  /** How many manifests were ignored for {@code reason}. */
  public long ignored(IgnoredManifest reason) {
    AtomicLong n = ignored.get(reason);
    return n == null ? 0 : n.get();
  }

  @Override
  public void published(long batch, int trajectories, long generatedTokens, double seconds, double generationSeconds) {
    published.add(batch);
  }

  @Override
  public void toolCall(ToolKind tool, ToolStatus status) {
    toolCalls.computeIfAbsent(tool + "/" + status, k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void phase(Phase phase, long nanos) {
    phaseNanos.computeIfAbsent(phase, p -> new AtomicLong()).addAndGet(nanos);
  }

  @Override
  public void batchFailed() {
    batchFailures.incrementAndGet();
  }
}
