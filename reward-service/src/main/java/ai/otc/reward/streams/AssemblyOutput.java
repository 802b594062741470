package ai.otc.reward.streams;

import ai.otc.proto.v1.ScoredGroup;

/** What the assembly stage emits: a dead letter for the DLQ, or an assembled group for the scoring stage. */
sealed interface AssemblyOutput {

  /** The refused record's original bytes; the reason travels in the record headers. */
  record DeadLetter(byte[] value) implements AssemblyOutput {}

  /** A complete (or timed-out, partial) group, members sorted, not yet scored. */
  record GroupReady(ScoredGroup assembled) implements AssemblyOutput {}
}
