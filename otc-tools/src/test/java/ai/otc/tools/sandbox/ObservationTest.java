package ai.otc.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObservationTest {
  @Test
  void stdoutWhenExitZeroOrStdoutNonEmpty() {
    assertThat(Observation.of("42\n", "", 0, false)).isEqualTo("42\n");
    assertThat(Observation.of("partial\n", "Traceback...\nValueError: x", 1, false)).isEqualTo("partial\n");
  }

  @Test
  void lastErrorLineOfStderrOtherwise() {
    String tb = "Traceback (most recent call last):\n  File \"<stdin>\", line 1\nZeroDivisionError: division by zero\n";
    assertThat(Observation.of("", tb, 1, false)).isEqualTo("ZeroDivisionError: division by zero");
    assertThat(Observation.of("", "warning only\nsecond", 2, false)).isEqualTo("warning only\nsecond");
  }

  @Test
  void emptyBecomesTimeoutMessageAndLongIsCut() {
    assertThat(Observation.of("", "", -1, true)).isEqualTo(Observation.TIMEOUT_MESSAGE);
    assertThat(Observation.of("", "", 0, false)).isEqualTo(Observation.TIMEOUT_MESSAGE);
    String s255 = "a".repeat(255);
    assertThat(Observation.of(s255, "", 0, false)).isEqualTo(s255);
    String s256 = "b".repeat(100) + "c".repeat(56) + "d".repeat(100);
    String cut = Observation.of(s256, "", 0, false);
    assertThat(cut).hasSize(259).isEqualTo(s256.substring(0, 128) + "..." + s256.substring(128));
  }
}
