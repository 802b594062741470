package ai.otc.learner.metrics;

import ai.otc.learner.domain.GroupDecision;
import ai.otc.learner.domain.LearnerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every Prometheus meter of the learner (scraped at {@code /q/metrics}), registered at start: records consumed, group
 * decisions by kind, zero-advantage groups skipped, steps, the step's time and each phase's, the announced version,
 * the consumer lag, the groups in the batch being assembled, and whether the run is done.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class MicrometerLearnerMetrics implements LearnerMetrics {

  /** Phases of a step, the {@code phase} tag of {@code otc_learner_phase_seconds}. */
  private static final String[] PHASES = {"wait", "update", "checkpoint", "store", "publish"};

  private final Counter consumed;
  private final Map<GroupDecision, Counter> decisions = new EnumMap<>(GroupDecision.class);
  private final Counter skipped;
  private final Counter steps;
  private final Timer stepTime;
  private final Map<String, Timer> phases = new LinkedHashMap<>();
  private final AtomicLong version = new AtomicLong(-1);
  private final AtomicLong batchGroups = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private volatile double lag = Double.NaN;

  @Inject
  public MicrometerLearnerMetrics(MeterRegistry registry) {
    consumed = Counter.builder("otc.learner.records.consumed").description("Records read from otc.rewarded.v1").register(registry);
    for (GroupDecision d : GroupDecision.values()) {
      decisions.put(d, Counter.builder("otc.learner.groups").tag("decision", d.wireName())
          .description("Decisions on otc.rewarded.v1 records").register(registry));
    }
    skipped = Counter.builder("otc.learner.groups.skipped")
        .description("Zero-advantage groups of trained batches that the update left out").register(registry);
    steps = Counter.builder("otc.learner.steps").description("Training steps trained and published").register(registry);
    stepTime = Timer.builder("otc.learner.step").description("Wall time of a training step, waiting for groups included")
        .serviceLevelObjectives(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300))
        .register(registry);
    for (String p : PHASES) {
      phases.put(p, Timer.builder("otc.learner.phase").tag("phase", p).description("Wall time of one phase of a training step")
          .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1),
              Duration.ofSeconds(5), Duration.ofSeconds(30))
          .register(registry));
    }
    Gauge.builder("otc.learner.policy.version", version, AtomicLong::get).description("The newest version announced").register(registry);
    Gauge.builder("otc.learner.rewarded.lag", this, m -> m.lag).description("Records behind the end of otc.rewarded.v1").register(registry);
    Gauge.builder("otc.learner.batch.groups", batchGroups, AtomicLong::get)
        .description("Groups in the batch being assembled").register(registry);
    Gauge.builder("otc.learner.done", done, AtomicLong::get).description("1 once otc.learner.max-steps is reached").register(registry);
  }

  @Override
  public void consumed(int records) {
    consumed.increment(records);
  }

  @Override
  public void decided(GroupDecision decision) {
    decisions.get(decision).increment();
  }

  @Override
  public void step(double w, double u, double c, double s, double p, int groupsSkipped) {
    steps.increment();
    skipped.increment(groupsSkipped);
    double[] secs = {w, u, c, s, p};
    double total = 0;
    for (int i = 0; i < PHASES.length; i++) {
      phases.get(PHASES[i]).record(Duration.ofNanos((long) (secs[i] * 1e9)));
      total += secs[i];
    }
    stepTime.record(Duration.ofNanos((long) (total * 1e9)));
  }

  @Override
  public void version(long v) {
    version.set(v);
  }

  @Override
  public void lag(double records) {
    lag = records;
  }

  @Override
  public void batchGroups(int groups) {
    batchGroups.set(groups);
  }

  @Override
  public void done() {
    done.set(1);
  }
}
