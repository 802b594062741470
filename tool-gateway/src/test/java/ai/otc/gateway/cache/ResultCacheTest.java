package ai.otc.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.SearchResponse;
import ai.otc.proto.v1.ToolStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The result cache: bounded by bytes whatever the size of its values, code results private to their
 * tenant, search results shared (or per tenant when configured so).
 */
class ResultCacheTest {
  private static final long MIB = 1 << 20;
  private static final int VALUE = 64 * 1024;
  private static final Duration TTL = Duration.ofMinutes(10);

  private static ExecuteCodeResponse codeResult(int i) {
    // 64 KiB of stdout, distinct per i
    String out = (i + ":").repeat(VALUE / (Integer.toString(i).length() + 1) + 1).substring(0, VALUE);
    return ExecuteCodeResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_OK).setStdout(out).build();
  }

  private static SearchResponse searchResult(int i) {
    return SearchResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_OK).setFormatted(("doc " + i + " ").repeat(VALUE / 6)).build();
  }

  @Test
  void manyLargeCodeResultsStayUnderTheByteBound() {
    ResultCache c = new ResultCache(true, MIB, MIB, true, TTL);
    int n = 200;
    for (int i = 0; i < n; i++) {
      c.putCode("alpha", "print(" + i + ")", 1000, codeResult(i));
      assertThat(c.codeBytes()).as("estimated bytes after put %d", i).isLessThanOrEqualTo(MIB);
    }
    // Independently of the estimate: the values still there hold at most 1 MiB of stdout, i.e. at most
    // 16 of them (the per-entry overhead leaves room for 15). By entry count this cache used to keep all
    // 200 (12.5 MiB of stdout); it must still keep a useful part of its bound.
    int kept = 0;
    for (int i = 0; i < n; i++) {
      ExecuteCodeResponse r = c.getCode("alpha", "print(" + i + ")", 1000);
      if (r != null) {
        assertThat(r.getStdout()).isEqualTo(codeResult(i).getStdout());
        kept++;
      }
    }
    assertThat(kept).isBetween(8, 15);
  }

  @Test
  void manyLargeSearchResultsStayUnderTheByteBound() {
    ResultCache c = new ResultCache(true, MIB, MIB, true, TTL);
    int n = 200;
    for (int i = 0; i < n; i++) {
      c.putSearch("alpha", "query " + i, 3, searchResult(i));
      assertThat(c.searchBytes()).isLessThanOrEqualTo(MIB);
    }
    long keptBytes = 0;
    for (int i = 0; i < n; i++) {
      SearchResponse r = c.getSearch("alpha", "query " + i, 3);
      if (r != null) {
        keptBytes += r.getFormatted().length();
      }
    }
    assertThat(keptBytes).isBetween(8L * VALUE, MIB);
  }

  @Test
  void aValueLargerThanTheBoundIsNotKept() {
    ResultCache c = new ResultCache(true, 32 * 1024, 32 * 1024, true, TTL);
    c.putCode("alpha", "print(1)", 1000, codeResult(1));
    assertThat(c.getCode("alpha", "print(1)", 1000)).isNull();
    assertThat(c.codeBytes()).isZero();
  }

  @Test
  void aFrequentlyUsedEntrySurvivesAFloodOfOneOffEntries() {
    ResultCache c = new ResultCache(true, MIB, MIB, true, TTL);
    c.putSearch("alpha", "hot query", 3, searchResult(-1));
    for (int i = 0; i < 300; i++) {
      // the hot entry is asked for between the other tenant's one-off queries
      assertThat(c.getSearch("alpha", "hot query", 3)).as("hot entry after %d one-off entries", i).isNotNull();
      c.putSearch("greedy", "one-off " + i, 3, searchResult(i));
    }
  }

  @Test
  void codeResultsArePerTenant() {
    ResultCache c = new ResultCache(true, MIB, MIB, true, TTL);
    ExecuteCodeResponse a = codeResult(7);
    c.putCode("alpha", "print(7)", 1000, a);
    assertThat(c.getCode("alpha", "print(7)", 1000)).isEqualTo(a);
    assertThat(c.getCode("beta", "print(7)", 1000)).as("another tenant's identical program").isNull();
    assertThat(c.getCode("alpha", "print(7)", 999)).as("another time limit").isNull();
  }

  @Test
  void searchResultsAreSharedUnlessConfiguredPerTenant() {
    SearchResponse r = searchResult(1);
    ResultCache shared = new ResultCache(true, MIB, MIB, true, TTL);
    shared.putSearch("alpha", "Capital  of France ", 3, r);
    assertThat(shared.getSearch("beta", "capital of france", 3)).isEqualTo(r);
    assertThat(shared.getSearch("beta", "capital of france", 5)).isNull();

    ResultCache perTenant = new ResultCache(true, MIB, MIB, false, TTL);
    perTenant.putSearch("alpha", "capital of france", 3, r);
    assertThat(perTenant.getSearch("alpha", "capital of france", 3)).isEqualTo(r);
    assertThat(perTenant.getSearch("beta", "capital of france", 3)).isNull();
  }

  @Test
  void disabledKeepsNothing() {
    ResultCache c = new ResultCache(false, MIB, MIB, true, TTL);
    c.putSearch("alpha", "q", 3, searchResult(1));
    assertThat(c.getSearch("alpha", "q", 3)).isNull();
    assertThat(c.searchBytes()).isZero();
  }
}
