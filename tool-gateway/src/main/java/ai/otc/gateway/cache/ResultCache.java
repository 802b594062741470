package ai.otc.gateway.cache;

import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.SearchResponse;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.MessageLite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The result cache of this replica for the {@code Search}, {@code BatchSearch} and {@code ExecuteCode}
 * RPCs: search results keyed by normalised query and top-k, code results keyed by the caller's tenant,
 * the SHA-256 of the program and its time limit.
 *
 * <p><b>Who sees what.</b> Code results are per tenant: a program's output is what its tenant ran, and
 * another tenant sending the same program must not learn that it was run (a {@code cache_hit}) nor get
 * its output; it runs its own. Search results are shared by all tenants by default: they are passages
 * of the public corpus, the same for everyone; what a shared hit tells a tenant is only that some tenant
 * searched the same normalised query within the TTL. {@code searchShared = false} keys them per tenant
 * too, for deployments where even that must not be visible.
 *
 * <p><b>Bounded by bytes.</b> Each of the two caches holds at most its bound of estimated bytes ({@link
 * EntryWeight}), not a number of entries. Over the bound Caffeine evicts by W-TinyLFU rather than plain
 * LRU: new entries enter a small LRU window; one leaving the window displaces the least recently used
 * entry of the main (segmented LRU) area only if it has been asked for more often, else it is the one
 * evicted. For a steady working set that is LRU; a tenant flooding the cache with one-off queries
 * cannot push out everyone's frequent ones. Maintenance runs on the calling thread, so the bound holds
 * when a {@code put} returns (under concurrent writes, once the writer holding the eviction lock is
 * done).
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
  private final boolean searchShared;
  private volatile boolean enabled;

  /**
   * @param searchMaxBytes estimated bytes of all cached search results together (0: none kept)
   * @param codeMaxBytes estimated bytes of all cached code results together, all tenants (0: none kept)
   * @param searchShared whether search results are shared by all tenants (else keyed per tenant)
   */
  public ResultCache(boolean enabled, long searchMaxBytes, long codeMaxBytes, boolean searchShared, Duration ttl) {
    if (searchMaxBytes < 0 || codeMaxBytes < 0) {
      throw new IllegalArgumentException("byte bounds must be >= 0, were " + searchMaxBytes + " and " + codeMaxBytes);
    }
    this.enabled = enabled;
    this.searchShared = searchShared;
    this.search = bounded(searchMaxBytes, ttl);
    this.code = bounded(codeMaxBytes, ttl);
  }

  private static <V extends MessageLite> Cache<String, V> bounded(long maxBytes, Duration ttl) {
    return Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .<String, V>weigher(EntryWeight::of)
        .expireAfterWrite(ttl)
        .executor(Runnable::run)
        .build();
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

  public SearchResponse getSearch(String tenant, String query, int topK) {
    return enabled ? search.getIfPresent(searchKey(tenant, query, topK)) : null;
  }

  public void putSearch(String tenant, String query, int topK, SearchResponse r) {
    if (enabled) {
      search.put(searchKey(tenant, query, topK), r);
    }
  }

  public ExecuteCodeResponse getCode(String tenant, String program, long timeoutMs) {
    return getCode(codeKey(tenant, program, timeoutMs));
  }

  /** The code result under a key made by {@link #codeKey}, or null. */
  public ExecuteCodeResponse getCode(String key) {
    return enabled ? code.getIfPresent(key) : null;
  }

  public void putCode(String tenant, String program, long timeoutMs, ExecuteCodeResponse r) {
    putCode(codeKey(tenant, program, timeoutMs), r);
  }

  /** Caches a code result under a key made by {@link #codeKey}. */
  public void putCode(String key, ExecuteCodeResponse r) {
    if (enabled) {
      code.put(key, r);
    }
  }

  /** Estimated bytes held by the search results (after pending evictions). */
  public long searchBytes() {
    return weighed(search);
  }

  /** Estimated bytes held by the code results, all tenants (after pending evictions). */
  public long codeBytes() {
    return weighed(code);
  }

  private static long weighed(Cache<String, ?> c) {
    c.cleanUp();
    return c.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  private String searchKey(String tenant, String query, int topK) {
    String k = topK + "\u0000" + normalise(query);
    return searchShared ? k : scoped(tenant, k);
  }

  /** The key of a code result: the tenant (length-prefixed), the time limit and the program's SHA-256. */
  public static String codeKey(String tenant, String program, long timeoutMs) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return scoped(tenant, timeoutMs + ":" + HexFormat.of().formatHex(md.digest(program.getBytes(StandardCharsets.UTF_8))));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** {@code rest} in {@code tenant}'s own key space: length-prefixed, so no tenant name can reach into another's. */
  private static String scoped(String tenant, String rest) {
    return tenant.length() + ":" + tenant + "\u0000" + rest;
  }
}
