package ai.otc.report.stats;

import java.util.Map;

/**
 * Everything the report says about one evaluated run (a training run's final policy, or the initial policy).
 *
 * @param runId the run id
 * @param reward the reward it was trained with ({@code initial} for the initial policy)
 * @param seed its seed (0 for the initial policy)
 * @param all the test-split numbers over every question
 * @param byKind the same per question kind, by kind label
 * @param bySource the same per data source
 * @param calls counted against metered tool calls (rollouts and evaluations)
 * @param toolSeconds time in tool calls of its rollouts: Σ latency_ms of their calls, in seconds
 * @param evalToolSeconds the same for its evaluations
 * @param meteredSeconds Σ wall_ms of the gateway's usage events of the run, in seconds
 * @param wallSeconds the run's wall-clock from demo.json (null when not recorded)
 * @param steps the learner steps found in otc.metrics.v1
 */
public record RunStats(String runId, String reward, long seed, EvalStats all, Map<String, EvalStats> byKind,
    Map<String, EvalStats> bySource, CallCheck calls, double toolSeconds, double evalToolSeconds, double meteredSeconds,
    Double wallSeconds, int steps) {}
