package ai.otc.core.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every reference case of OTC.md §6 (cases 1–42), against values computed independently in Python
 * (src/test/resources/reference/otc_reference.py), at 1e-12.
 */
class RewardReferenceCasesTest {

  static Stream<Arguments> cases() {
    return ReferenceCsv.rows("/reference/otc_cases.csv").stream().map(r -> Arguments.of((Object) r));
  }

  @ParameterizedTest(name = "case {index}")
  @MethodSource("cases")
  void matchesThePaperFormula(String[] row) {
    String method = row[1];
    int m = Integer.parseInt(row[2]);
    boolean correct = row[4].equals("1");
    double c = Double.parseDouble(row[5]);
    double alpha = Double.parseDouble(row[6]);
    double rPhi = Double.parseDouble(row[7]);
    double expectedTool = Double.parseDouble(row[9]);
    double expectedFinal = Double.parseDouble(row[10]);

    RewardKind kind = method.equals("grpo") ? RewardKind.OTC_GRPO : RewardKind.OTC_PPO;
    RewardConfig cfg = RewardConfig.paper(kind).withC(c).withAlpha(alpha);
    OptionalInt n = row[3].isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(row[3]));
    TrajectoryReward r = new RewardCalculator(cfg).score(new Outcome(m, correct, rPhi), n);

    assertThat(r.rTool()).as("r_tool of case %s", row[0]).isCloseTo(expectedTool, within(1e-12));
    assertThat(r.reward()).as("final of case %s", row[0]).isCloseTo(expectedFinal, within(1e-12));
    if (kind == RewardKind.OTC_GRPO) {
      assertThat(OtcReward.f(m, n.getAsInt())).isCloseTo(Double.parseDouble(row[8]), within(1e-12));
    }
  }
}
