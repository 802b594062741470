package ai.otc.learner.domain;

/**
 * What the training loop reports for Prometheus ({@code metrics/MicrometerLearnerMetrics}); a no-op for tests. Steps
 * re-published after a restart are not counted again.
 */
public interface LearnerMetrics {

  /** Records read from otc.rewarded.v1. */
  void consumed(int records);

  /** A decision on one record. */
  void decided(GroupDecision decision);

  /**
   * A step was trained and published.
   *
   * @param groupsSkipped zero-advantage groups the update left out
   */
  void step(double waitSeconds, double updateSeconds, double checkpointSeconds, double storeSeconds, double publishSeconds,
      int groupsSkipped);

  /** The version now announced. */
  void version(long version);

  /** Records behind the end of otc.rewarded.v1. */
  void lag(double records);

  /** Groups in the batch being assembled. */
  void batchGroups(int groups);

  /** {@code otc.learner.max-steps} was reached. */
  void done();

  /** Reports nothing. */
  LearnerMetrics NOOP = new LearnerMetrics() {
    @Override
    public void consumed(int records) {}

    @Override
    public void decided(GroupDecision decision) {}

    @Override
    public void step(double w, double u, double c, double s, double p, int g) {}

    @Override
    public void version(long version) {}

    @Override
    public void lag(double records) {}

    @Override
    public void batchGroups(int groups) {}

    @Override
    public void done() {}
  };
}
