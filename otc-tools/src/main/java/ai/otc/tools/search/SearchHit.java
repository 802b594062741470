package ai.otc.tools.search;

/**
 * One retrieved passage of {@link SearchEngine#search(String, int)}: the corpus record's {@code id},
 * {@code title} and {@code text} and its BM25 score. Served to callers of the gateway's
 * {@code Search}/{@code BatchSearch} RPCs and, in-process, to the evaluation in {@code otc-policy-offline}.
 */
public record SearchHit(String id, String title, String text, float score) {}
