package ai.otc.tools.sandbox;

/** Measures the run's process tree every interval and kills the run once the tree is over a cap. */
final class TreeWatchdog implements Runnable {
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
        Thread.sleep(config.treeWatchInterval());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the run ended: nothing left to watch
    }
  }

  /** Why the watchdog killed the run, or null when it did not. */
  String verdict() {
    return verdict;
  }
}
