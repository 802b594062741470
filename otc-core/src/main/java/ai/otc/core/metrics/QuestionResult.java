package ai.otc.core.metrics;

/**
 * One question's evaluated outcome in one run, for the behaviour table.
 *
 * @param questionId the question's identity (the join key between two runs)
 * @param normalizedAnswer the normalised extracted answer (null when none)
 * @param correct EM
 * @param toolCalls tc
 */
public record QuestionResult(String questionId, String normalizedAnswer, boolean correct, int toolCalls) {}
