package ai.otc.report.stats;

/**
 * Tool calls of a run as its trajectories count them next to those the gateway metered. {@code counted} is Σm over
 * the run's rollouts and evaluations (OTC.md §3.2, which counts a search emitted in the final turn that is never
 * executed); {@code notExecuted} are those never sent; the gateway can only have seen {@code counted − notExecuted}.
 *
 * @param counted Σ tool_call_count of the run's trajectories (rollouts and evaluations)
 * @param notExecuted calls counted in m with status NOT_EXECUTED (never sent to the gateway)
 * @param metered distinct (trajectory, call index) pairs in the run's usage events
 * @param refusedAttempts usage events of attempts a limit refused (retried attempts are one call)
 */
public record CallCheck(long counted, long notExecuted, long metered, long refusedAttempts) {

  /** The calls the trajectories say went to the gateway. */
  public long sent() {
    return counted - notExecuted;
  }

  /** Whether the gateway metered exactly the calls the trajectories say were sent. */
  public boolean agree() {
    return metered == sent();
  }

  /** The sum of two checks (a reward's seeds). */
  public CallCheck plus(CallCheck o) {
    return new CallCheck(counted + o.counted, notExecuted + o.notExecuted, metered + o.metered, refusedAttempts + o.refusedAttempts);
  }
}
