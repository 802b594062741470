package ai.otc.reward.support;

import ai.otc.testkit.process.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Polls a service's liveness and readiness every 250 ms on its own thread as an orchestrator's probes would: each
 * answer must arrive within {@link #PROBE_TIMEOUT} (Kubernetes' default {@code timeoutSeconds}), and its HTTP status
 * is recorded (0 when the request failed or was not answered in time), so a test can say what those probes would have
 * seen during a fault.
 */
public final class HealthWatch implements AutoCloseable {

  /** How long a probe waits for its answer: Kubernetes' default probe timeout. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  /** One poll: when (ms since the watch started), liveness and readiness status codes. */
  public record Sample(long atMs, int live, int ready) {}

  private final ServiceProcess svc;
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private final long t0 = System.nanoTime();
  private volatile boolean stop;

  public HealthWatch(ServiceProcess svc) {
    this.svc = svc;
    this.thread = new Thread(this::run, "health-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!stop) {
      int live = status("/q/health/live");
      int ready = status("/q/health/ready");
      synchronized (samples) {
        samples.add(new Sample((System.nanoTime() - t0) / 1_000_000, live, ready));
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private int status(String path) {
    try {
      return svc.get(path, PROBE_TIMEOUT).statusCode();
    } catch (Exception e) {
      // Recorded as 0: the probe got no answer in time, which an orchestrator counts as a failure.
      return 0;
    }
  }

  /** The most liveness polls in a row that did not answer 200 in time (an orchestrator restarts at its threshold). */
  public int longestLivenessFailureRun() {
    int run = 0;
    int longest = 0;
    for (Sample s : samples()) {
      run = s.live() == 200 ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    return longest;
  }

  /** The samples so far. */
  public List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.interrupt();
    thread.join(10_000);
  }
}
