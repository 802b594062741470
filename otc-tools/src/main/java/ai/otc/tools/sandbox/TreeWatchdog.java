package ai.otc.tools.sandbox;

/**
 * Measures the run's process tree every interval and kills the run once the tree is over a cap.
 *
 * <p>How far the tree can overshoot the memory cap is what it allocates between two samples. At the configured
 * interval (100 ms by default) a fast machine's forked children allocate several hundred MiB (measured: 16 children
 * of 64 MiB overshot a 384 MiB cap to 630-670 MiB), so once the tree holds a quarter of its cap the watchdog samples
 * every {@link #CLOSE_INTERVAL_MS} ms instead: the overshoot is then what the tree allocates in 10 ms (measured:
 * 7-48 MiB over the same cap). An idle or small run costs one walk of {@code /proc} per interval, as before.
 */
final class TreeWatchdog implements Runnable {
  /** Sampling interval once the tree's memory is close to its cap (the smallest interval the config allows). */
  static final long CLOSE_INTERVAL_MS = 10;

  private final Process process;
  private final SandboxConfig config;
  private volatile String verdict;

  TreeWatchdog(Process process, SandboxConfig config) {
    this.process = process;
    this.config = config;
  }

  @Override
  public void run() {
    TreeWatch tree = new TreeWatch(process.pid());
    long cpuCap = (long) config.treeCpuSeconds() * TreeWatch.CLOCK_TICKS_PER_SECOND;
    long memoryCap = config.treeMemoryBytes();
    try {
      while (process.isAlive()) {
        TreeWatch.Sample s = tree.sample();
        if (s.rssBytes() > config.treeMemoryBytes()) {
          verdict = "memory of the run's " + s.processes() + " processes together reached " + s.rssBytes()
              + " bytes, over the cap of " + config.treeMemoryBytes() + " bytes; all killed";
        } else if (s.cpuTicks() > cpuCap) {
          verdict = "CPU time of the run's processes together reached " + s.cpuSeconds() + " s, over the cap of "
              + config.treeCpuSeconds() + " s; all killed";
        }
        if (verdict != null) {
          Sandbox.kill(process);
          return;
        }
        Thread.sleep(nextSleepMillis(s.rssBytes(), memoryCap, config.treeWatchInterval().toMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the run ended: nothing left to watch
    }
  }

  /**
   * How long to wait before the next sample: the configured interval, or {@link #CLOSE_INTERVAL_MS} once the tree holds
   * a quarter of its memory cap (to overshoot from below a quarter, a tree must allocate three quarters of the cap in
   * one interval).
   */
  static long nextSleepMillis(long rss, long memoryCap, long intervalMillis) {
    return rss >= memoryCap / 4 ? Math.min(CLOSE_INTERVAL_MS, intervalMillis) : intervalMillis;
  }

  /** Why the watchdog killed the run, or null when it did not. */
  String verdict() {
    return verdict;
  }
}
