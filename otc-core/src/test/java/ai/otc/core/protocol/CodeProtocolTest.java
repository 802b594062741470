package ai.otc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ToRL's code protocol (OTC.md §3.4). */
class CodeProtocolTest {

  @Test
  void lastCompleteBlockWins() {
    String s = "text\n```python\nprint(1)\n```\nmore\n```python\nx = 2\nprint(x)\n```\n";
    assertThat(CodeProtocol.lastPythonBlock(s)).hasValue("x = 2\nprint(x)\n");
  }

  @Test
  void anUnclosedLastBlockMeansNoProgram() {
    assertThat(CodeProtocol.lastPythonBlock("```python\nprint(1)\n```\n```python\nprint(2)\n")).isEmpty();
    assertThat(CodeProtocol.lastPythonBlock("no code here")).isEmpty();
  }

  @Test
  void observationRules() {
    assertThat(CodeProtocol.observation("4\n", "", 0, false)).isEqualTo("4\n");
    assertThat(CodeProtocol.observation("partial\n", "Traceback\nValueError: x\n", 1, false)).isEqualTo("partial\n");
    assertThat(CodeProtocol.observation("", "Traceback (most recent call last):\n  File x\nZeroDivisionError: division by zero\n", 1, false))
        .isEqualTo("ZeroDivisionError: division by zero");
    assertThat(CodeProtocol.observation("", "warning: odd\n", 1, false)).isEqualTo("warning: odd\n");
    assertThat(CodeProtocol.observation("", "", 0, false)).isEqualTo(CodeProtocol.TIMEOUT_MESSAGE);
    assertThat(CodeProtocol.observation("late output", "", -9, true)).isEqualTo(CodeProtocol.TIMEOUT_MESSAGE);
  }

  @Test
  void truncationKeepsHeadAndTailAt256AndAbove() {
    String s255 = "a".repeat(255);
    assertThat(CodeProtocol.truncate(s255)).isEqualTo(s255);
    String s256 = "h".repeat(128) + "t".repeat(128);
    assertThat(CodeProtocol.truncate(s256)).isEqualTo("h".repeat(128) + "..." + "t".repeat(128));
    String big = "x".repeat(10_000) + "END";
    assertThat(CodeProtocol.truncate(big)).hasSize(259).endsWith("END");
    assertThat(CodeProtocol.observationBlock("4")).isEqualTo("```output\n4\n```\n");
  }

  @Test
  void boxedExtraction() {
    assertThat(CodeProtocol.lastBoxed("so \\boxed{1} then \\boxed{\\frac{1}{2}}.")).hasValue("\\frac{1}{2}");
    assertThat(CodeProtocol.lastBoxed("answer $\\boxed 42$")).hasValue("42");
    assertThat(CodeProtocol.lastBoxed("\\fbox{7}")).hasValue("7");
    assertThat(CodeProtocol.lastBoxed("\\boxed{unbalanced")).isEmpty();
    assertThat(CodeProtocol.lastBoxed("none")).isEmpty();
  }

  @Test
  void equivalence() {
    assertThat(CodeProtocol.isEquivalent("Yes", "yes")).isTrue();
    assertThat(CodeProtocol.isEquivalent("0.5", "\\frac{1}{2}")).isTrue();
    assertThat(CodeProtocol.isEquivalent("\\dfrac{2}{4}", "1/2")).isTrue();
    assertThat(CodeProtocol.isEquivalent("-\\frac{3}{6}", "-0.5")).isTrue();
    assertThat(CodeProtocol.isEquivalent("1,000", "1000")).isTrue();
    assertThat(CodeProtocol.isEquivalent("12.0", "12")).isTrue();
    assertThat(CodeProtocol.isEquivalent("$12$", "12")).isTrue();
    assertThat(CodeProtocol.isEquivalent("\\text{12}", "12")).isTrue();
    assertThat(CodeProtocol.isEquivalent("13", "12")).isFalse();
    assertThat(CodeProtocol.isEquivalent("1/0", "0")).isFalse();
    assertThat(CodeProtocol.isEquivalent("x+1", "1+x")).isFalse();
  }

  @Test
  void correctnessRewardIsPlusOrMinusOne() {
    assertThat(CodeProtocol.correctnessReward("thus \\boxed{6}", "6")).isEqualTo(1.0);
    assertThat(CodeProtocol.correctnessReward("thus \\boxed{7}", "6")).isEqualTo(-1.0);
    assertThat(CodeProtocol.correctnessReward("no box: 6", "6")).isEqualTo(-1.0);
  }
}
