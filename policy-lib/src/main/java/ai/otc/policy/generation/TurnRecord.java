package ai.otc.policy.generation;

/**
 * One turn of a row as the environment saw it.
 *
 * @param index    0-based turn index within the row
 * @param start    index of the turn's first model token in the row's token sequence
 * @param end      index just after the turn's last model token (the stop token)
 * @param text     decoded model text of the turn (tokens {@code [start, end)})
 * @param action   parsed action
 * @param toolCall the tool call of the turn, or null
 * @param inserted number of tokens the environment inserted after the turn (the observation), 0 when none
 */
public record TurnRecord(int index, int start, int end, String text, TurnAction action, ToolCallRecord toolCall,
    int inserted) {}
