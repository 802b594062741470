package ai.otc.rollout.support;

import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tools.CallInfo;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.SearchCall;
import ai.otc.policy.tools.SearchOutcome;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.world.World;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * In-process tools over a world ({@link InProcessTools}) that record every batch they are handed; optionally every
 * search fails for good (as a gateway that stays down would).
 */
public final class RecordingTools implements ToolBackend {
  private final InProcessTools inner;
  private final boolean failSearches;
  public final List<List<SearchCall>> searchBatches = Collections.synchronizedList(new ArrayList<>());
  public final List<List<CodeCall>> codeBatches = Collections.synchronizedList(new ArrayList<>());

  public RecordingTools(World world, boolean failSearches) {
    this.inner = new InProcessTools(world.corpus());
    this.failSearches = failSearches;
  }

  @Override
  public List<Hit> search(String query, int topK) {
    return inner.search(query, topK);
  }

  @Override
  public Execution execute(String program) {
    return inner.execute(program);
  }

  @Override
  public List<SearchOutcome> searchBatch(List<SearchCall> calls) {
    searchBatches.add(List.copyOf(calls));
    if (failSearches) {
      return calls.stream().map(c -> new SearchOutcome(List.of(),
          CallInfo.failed(CallStatus.UNAVAILABLE, 12.5, 5, "UNAVAILABLE after 5 attempt(s)"))).toList();
    }
    return ToolBackend.super.searchBatch(calls);
  }

  @Override
  public List<CodeOutcome> executeBatch(List<CodeCall> calls) {
    codeBatches.add(List.copyOf(calls));
    return ToolBackend.super.executeBatch(calls);
  }

  @Override
  public String name() {
    return "recording";
  }
}
