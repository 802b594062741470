package ai.otc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Search-R1's turn cut, action parse and tool-call counting (OTC.md §3.2). */
class SearchProtocolTest {

  private final SearchProtocol p = SearchProtocol.searchR1();

  @Test
  void cutsAfterTheFirstSearchEvenWhenAnAnswerClosesEarlier() {
    assertThat(SearchProtocol.cut("<answer>x</answer><search>q</search> tail</search>"))
        .isEqualTo("<answer>x</answer><search>q</search>");
    assertThat(SearchProtocol.cut("<think>t</think><answer> x </answer> junk")).isEqualTo("<think>t</think><answer> x </answer>");
    assertThat(SearchProtocol.cut("no action")).isEqualTo("no action");
  }

  @Test
  void firstActionWins() {
    ParsedTurn t = p.parseTurn("<answer>x</answer><search> who </search>");
    assertThat(t.action()).isEqualTo(SearchAction.ANSWER);
    assertThat(t.content()).isEqualTo("x");
    ParsedTurn s = p.parseTurn("<think>hm</think><search>\n capital of france \n</search> more");
    assertThat(s.action()).isEqualTo(SearchAction.SEARCH);
    assertThat(s.content()).isEqualTo("capital of france");
    assertThat(s.text()).endsWith("</search>");
  }

  @Test
  void mismatchedOrMissingTagsAreInvalid() {
    assertThat(p.parseTurn("<search>q</answer>").action()).isEqualTo(SearchAction.INVALID);
    assertThat(p.parseTurn("<think>only thinking</think>").action()).isEqualTo(SearchAction.INVALID);
    assertThat(p.parseTurn("<search>q").action()).isEqualTo(SearchAction.INVALID);
  }

  @Test
  void observationAndInvalidMessagesAreSearchR1s() {
    assertThat(p.observation("  Doc 1(Title: a) b\n")).isEqualTo("\n\n<information>Doc 1(Title: a) b</information>\n\n");
    assertThat(SearchProtocol.otc().observation("x")).isEqualTo("\n\n<observation>x</observation>\n\n");
    assertThat(SearchProtocol.invalidActionObservation())
        .startsWith("\nMy previous action is invalid. If I want to search,")
        .endsWith("Let me try again.\n");
  }

  @Test
  void countsSearchTurnsIncludingAFinalUnexecutedSearch() {
    String response = "<think>a</think><search>q1</search>" + p.observation("Doc 1(Title: t) x")
        + "<search>q2</search>" + p.observation("Doc 1(Title: t) y")
        + "<think>hmm</think>" + SearchProtocol.invalidActionObservation()
        + "<search>q3</search>";
    assertThat(p.countToolCalls(response)).isEqualTo(3);
    assertThat(p.splitTurns(response)).hasSize(4);
  }

  @Test
  void answerAndInvalidTurnsDoNotCount() {
    assertThat(p.countToolCalls("<think>I know</think><answer>Paris</answer>")).isZero();
    String r = "<search>q</search>" + p.observation("d") + "<answer>x</answer>";
    assertThat(p.countToolCalls(r)).isEqualTo(1);
    assertThat(p.countToolCalls("garbage" + SearchProtocol.invalidActionObservation() + "<answer>x</answer>")).isZero();
  }

  @Test
  void observationTagIsConfigurable() {
    SearchProtocol otc = SearchProtocol.otc();
    String r = "<search>q</search>" + otc.observation("<search>inside</search>") + "<answer>x</answer>";
    assertThat(otc.countToolCalls(r)).isEqualTo(1);
    // with the wrong tag, the observation's text is read as part of a model turn
    assertThat(p.countToolCalls(r)).isEqualTo(1);
    assertThat(SearchProtocol.countToolCalls(List.of(
        new ParsedTurn("", SearchAction.SEARCH, "q"), new ParsedTurn("", SearchAction.ANSWER, "a")))).isEqualTo(1);
    assertThatThrownBy(() -> new SearchProtocol("bad tag>", 4)).hasMessageContaining("observation tag");
    assertThatThrownBy(() -> new SearchProtocol("obs", 0)).hasMessageContaining("maxTurns");
  }
}
