package ai.otc.report.data;

import ai.otc.core.em.ExactMatch;
import ai.otc.proto.v1.Trajectory;

/**
 * One greedy evaluation of one test question by one run ({@code otc.evaluations.v1}), reduced to what the report
 * needs.
 *
 * @param runId the run that was evaluated ({@code D.<reward>.s<seed>} or {@code D.initial})
 * @param questionId the question (the join key of the behaviour table)
 * @param dataSource the question's data source (a column group of the paper's table)
 * @param kind the question's kind in the task world ({@code 1p}, {@code 2h1}, ...)
 * @param minCalls the world's minimal number of tool calls for the question, -1 when unknown
 * @param toolCalls m, the trajectory's tool-call count (OTC.md §3.2)
 * @param correct the trajectory's EM verdict
 * @param normalizedAnswer the extracted answer after Search-R1 normalisation, null when none was extracted
 * @param notExecuted calls counted in m that never reached the gateway (a final-turn search)
 * @param toolLatencyMs the sum of the calls' latencies as the caller measured them
 */
public record EvalFact(String runId, String questionId, String dataSource, String kind, int minCalls, int toolCalls,
    boolean correct, String normalizedAnswer, int notExecuted, double toolLatencyMs) {

  /** The fact of one evaluation trajectory. */
  public static EvalFact of(Trajectory t) {
    CallTally calls = CallTally.of(t);
    String answer = t.getHasAnswer() ? ExactMatch.normalize(t.getExtractedAnswer()) : null;
    return new EvalFact(t.getRunId(), t.getQuestionId(), t.getDataSource(), t.getQuestionKind(), t.getMinCalls(),
        t.getToolCallCount(), t.getCorrect(), answer, calls.notExecuted(), calls.latencyMs());
  }

  /** Whether the world knows the question's minimal number of calls. */
  public boolean knowsMin() {
    return minCalls >= 0;
  }
}
