package ai.otc.core.protocol;

/**
 * One model turn after Search-R1's cut and parse.
 *
 * @param text the turn text, cut just after the first closing search (else answer) tag
 * @param action the first complete action in the cut text
 * @param content the action's content, stripped (the query or the answer); empty for INVALID
 */
public record ParsedTurn(String text, SearchAction action, String content) {}
