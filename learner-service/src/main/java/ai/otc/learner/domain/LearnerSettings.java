package ai.otc.learner.domain;

import ai.otc.learner.batch.StalenessGate;
import ai.otc.learner.update.UpdateConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The learner's settings after validation ({@code config/LearnerSettingsProducer}): what the training loop reads.
 *
 * @param runId the run
 * @param rewardLabel the configured reward label, empty to take the groups'
 * @param initialPolicy the warm start artifact (required when there is no checkpoint)
 * @param storeRoot this run's policy store ({@code <otc.learner.policy-store>/<run-id>/})
 * @param checkpointDir the checkpoint directory
 * @param groupsPerStep B
 * @param staleness K
 * @param stalePolicy drop or importance-correct
 * @param device the resolved device spec ({@code cpu} or {@code gpu})
 * @param maxSteps stop after this many steps (0: no limit)
 * @param startFrom where a new run starts reading
 * @param update the update's hyperparameters
 * @param seed seed of the critic's fresh head
 * @param dedupeSteps how many steps' group ids are remembered for dedupe
 */
public record LearnerSettings(String runId, Optional<String> rewardLabel, Optional<Path> initialPolicy, URI storeRoot,
    Path checkpointDir, int groupsPerStep, int staleness, StalenessGate.Policy stalePolicy, String device, long maxSteps,
    StartFrom startFrom, UpdateConfig update, long seed, int dedupeSteps) {}
