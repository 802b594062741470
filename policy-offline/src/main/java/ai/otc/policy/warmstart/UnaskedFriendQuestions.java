package ai.otc.policy.warmstart;

import ai.otc.world.Entity;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The two-hop questions about a famous entity's unknown friend that no split of the world asks
 * ({@code --friend-questions}): decision rows and the friend curriculum's probes for friends that no train question
 * reaches after a recall.
 *
 * <p>Why: the decision after {@code <think> the friend of S is F} (search F, or recall its attribute) is learned per
 * friend, from the train {@code 2h1} questions whose subject is famous. A friend reached that way only by held-out
 * questions is never trained there, and the warm start then recalls it as if it were famous: on world-2, three test
 * friends did so with probability 0.98-1.00 (each a friend of a famous entity whose only two-hop question is in the test
 * split), and those three guesses were OTC-GRPO's wrong answers on them. For every famous entity whose friend is not
 * famous, this adds, for each attribute whose two-hop question is in no split (not train, not dev, not test), that
 * question as a train question. No held-out question's text is among them; their answers are the world's facts, read
 * from an observation as in every {@code 2h1} demonstration, and a decision row trains none of them, only the actions.
 */
final class UnaskedFriendQuestions {
  private UnaskedFriendQuestions() {}

  /** The questions, in entity then attribute order; ids {@code 2h1-unasked-NNNN}, split {@code train}. */
  static List<Question> of(World world) {
    Set<String> asked = world.questions().stream().map(Question::question).collect(Collectors.toSet());
    List<Question> out = new ArrayList<>();
    for (Entity x : world.entities()) {
      Entity f = world.entity(x.friend());
      if (!x.famous() || f.famous()) {
        continue;
      }
      for (String relation : WorldGenerator.ATTRIBUTES) {
        String text = WorldGenerator.twoHopText(x.name(), relation);
        if (!asked.contains(text)) {
          out.add(new Question(String.format("2h1-unasked-%04d", out.size()), text, List.of(f.fact(relation)),
              WorldGenerator.SRC_MULTI, QuestionKind.H2_1, QuestionKind.H2_1.minCalls(), "train", x.name(), relation, f.name()));
        }
      }
    }
    return out;
  }
}
