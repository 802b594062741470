package ai.otc.gateway.cache;

import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.SearchResponse;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The result cache shared by all tenants of this replica, for the {@code Search}, {@code BatchSearch}
 * and {@code ExecuteCode} RPCs: search results keyed by normalised query and top-k, code results keyed
 * by the SHA-256 of the program and its time limit.
 *
 * <p>A hit saves the work, not the accounting: the caller's token, budget and metering event are
 * charged exactly as for a miss (with {@code cache_hit = true}), so caching cannot game the tool-call
 * count m of the OTC reward. Only deterministic outcomes of code are cached (OK and ERROR; a timeout or
 * a kill depends on the host's load).
 *
 * <p>{@link #setEnabled(boolean)} turns it off at runtime (an incident switch, also used by the
 * benchmark to measure both modes in one run).
 */
public final class ResultCache {
  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");
  private final Cache<String, SearchResponse> search;
  private final Cache<String, ExecuteCodeResponse> code;
  private volatile boolean enabled;

  public ResultCache(boolean enabled, long maxEntries, Duration ttl) {
    this.enabled = enabled;
    this.search = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
    this.code = Caffeine.newBuilder().maximumSize(Math.max(1, maxEntries / 10)).expireAfterWrite(ttl).build();
  }

  public boolean enabled() {
    return enabled;
  }

  /** Turns caching on or off; turning it off also drops what is cached. */
  public void setEnabled(boolean on) {
    enabled = on;
    if (!on) {
      search.invalidateAll();
      code.invalidateAll();
    }
  }

  /**
   * The cache key of a query: lower-cased (Unicode-aware, root locale), whitespace collapsed and
   * trimmed. Everything the analyser would treat the same beyond that (punctuation, stemming) is left
   * alone, so two keys never collide on different rankings.
   */
  public static String normalise(String query) {
    return WHITESPACE.matcher(query.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
  }

  public SearchResponse getSearch(String query, int topK) {
    return enabled ? search.getIfPresent(topK + "\u0000" + normalise(query)) : null;
  }

  public void putSearch(String query, int topK, SearchResponse r) {
    if (enabled) {
      search.put(topK + "\u0000" + normalise(query), r);
    }
  }

  public ExecuteCodeResponse getCode(String program, long timeoutMs) {
    return enabled ? code.getIfPresent(codeKey(program, timeoutMs)) : null;
  }

  public void putCode(String program, long timeoutMs, ExecuteCodeResponse r) {
    if (enabled) {
      code.put(codeKey(program, timeoutMs), r);
    }
  }

  static String codeKey(String program, long timeoutMs) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return timeoutMs + ":" + HexFormat.of().formatHex(md.digest(program.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
