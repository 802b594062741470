package ai.otc.reward.support;

import ai.otc.testkit.process.ServiceProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * Polls a service's liveness and readiness every 250 ms on its own thread, recording each answer's HTTP status
 * (0 when the request itself failed or timed out), so a test can say what the probes of an orchestrator would have
 * seen during a fault.
 */
public final class HealthWatch implements AutoCloseable {

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
      return svc.get(path).statusCode();
    } catch (Exception e) {
      // Recorded as 0: the probe got no answer in time, which an orchestrator counts as a failure.
      return 0;
    }
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
