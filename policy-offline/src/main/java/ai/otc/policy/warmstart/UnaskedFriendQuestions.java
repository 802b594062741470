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
 * The two-hop questions about a famous entity's friend that no split of the world asks ({@code --friend-questions},
 * on by default): decision rows and the friend curriculum's probes for friends that no train question reaches after a
 * recall.
 *
 * <p>Why: the decision after {@code <think> the friend of S is F} (search F, or recall its attribute) is learned per
 * friend, from the train two-hop questions whose subject is famous. A friend reached that way only by held-out
 * questions is never trained there, and the warm start then recalls it as if it were famous: on world-2, three test
 * friends did so with probability 0.98-1.00, on world-3 two ({@code di zo}, {@code bi da}: every two-hop question about
 * their famous befrienders is in the test split), and those guesses were 8 of OTC-GRPO's 10 wrong test answers there.
 * For every famous entity S this adds, as train questions:
 * <ul>
 *   <li>when S's friend is not famous, each attribute whose two-hop question is in no split (worlds that ask fewer than
 *       every two-hop question, e.g. world-2);</li>
 *   <li>on every world, {@code what is the friend of the friend of S ?}: the world's two-hop questions ask only the
 *       attributes ({@link WorldGenerator#ATTRIBUTES}), so no split ever asks it. Its path is S's friend recalled, then F's
 *       friend recalled when F is famous ({@code 2h0}) or searched when not ({@code 2h1}): both kinds, so the rows teach
 *       which friends are known, not a leaning towards searching.</li>
 * </ul>
 * No held-out question's text is among them; their answers are the world's facts (recalled as the fact rows teach them,
 * or read from an observation as in every {@code 2h1} demonstration), and a decision row trains none of them, only
 * the actions.
 */
final class UnaskedFriendQuestions {
  private UnaskedFriendQuestions() {}

  /**
   * The questions: per famous entity in entity order, its unasked attributes (in {@link WorldGenerator#ATTRIBUTES}
   * order) then the friend of its friend; ids {@code KIND-unasked-NNNN} (NNNN counts all of them), split {@code train}.
   */
  static List<Question> of(World world) {
    Set<String> asked = world.questions().stream().map(Question::question).collect(Collectors.toSet());
    List<Question> out = new ArrayList<>();
    for (Entity x : world.entities()) {
      Entity f = world.entity(x.friend());
      if (!x.famous()) {
        continue;
      }
      QuestionKind kind = f.famous() ? QuestionKind.H2_0 : QuestionKind.H2_1;
      List<String> relations = new ArrayList<>();
      if (!f.famous()) {
        relations.addAll(WorldGenerator.ATTRIBUTES);
      }
      relations.add("friend");
      for (String relation : relations) {
        String text = WorldGenerator.twoHopText(x.name(), relation);
        if (!asked.contains(text)) {
          out.add(new Question(String.format("%s-unasked-%04d", kind.label(), out.size()), text, List.of(f.fact(relation)),
              WorldGenerator.SRC_MULTI, kind, kind.minCalls(), "train", x.name(), relation, f.name()));
        }
      }
    }
    return out;
  }
}
