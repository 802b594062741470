package ai.otc.policy.eval;

import ai.otc.world.Question;

/**
 * The scored result of one rollout on one question.
 *
 * @param response   decoded response (prompt excluded)
 * @param prediction extracted answer ({@code <answer>} content or last {@code \boxed{}}), null when none
 * @param toolCalls  tool calls m as counted by the protocol environment
 * @param valid      the rollout ended with an answer, with no invalid turn and within the context
 */
public record QuestionOutcome(Question question, String response, String prediction, boolean correct, int toolCalls,
    boolean valid) {}
