package ai.otc.cli.platform;

import ai.otc.contract.Headers;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.proto.v1.Trajectory;
import ai.otc.rollout.eval.GreedyEvaluation;
import ai.otc.rollout.gateway.GatewayClientConfig;
import ai.otc.rollout.gateway.GatewayToolBackend;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.Question;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's final evaluation of one policy: greedy on the given questions, every tool call through the platform's
 * gateway (so it is metered like training), the trajectories published to {@code otc.evaluations.v1} keyed by the run
 * id with an idempotent producer. The report reads them back from the topic, never from memory.
 */
final class DemoEvaluation {
  /** Questions per generation batch: bounds the KV cache; the result does not depend on it. */
  static final int CHUNK = 128;

  private DemoEvaluation() {}

  /** The outcome: EM and mean tool calls over the questions, for the progress line. */
  record Outcome(int questions, double em, double tc) {}

  static Outcome run(Path policyFile, long version, List<Question> questions, String runId, String gateway, String token,
      String bootstrap, int topK, String device, IntConsumer progress) throws Refusal {
    PolicyArtifact policy = PolicyArtifact.load(policyFile);
    List<Trajectory> ts;
    try (PolicyModel model = policy.newModel(device);
        GatewayToolBackend tools = GatewayToolBackend.connect(gateway, GatewayClientConfig.of(token))) {
      SamplerConfig d = SamplerConfig.defaults();
      SamplerConfig base = new SamplerConfig(1, 0f, 1f, d.maxTurns(), d.maxCodeCalls(), topK, 0);
      ts = new GreedyEvaluation(model, policy.tokenizer(), tools, base, CHUNK).run(runId, version, questions, progress);
    }
    publish(bootstrap, runId, ts);
    double em = ts.stream().filter(Trajectory::getCorrect).count() / (double) Math.max(1, ts.size());
    double tc = ts.stream().mapToInt(Trajectory::getToolCallCount).average().orElse(0);
    return new Outcome(ts.size(), em, tc);
  }

  private static void publish(String bootstrap, String runId, List<Trajectory> ts) throws Refusal {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "otc-demo-eval-" + runId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new java.util.ArrayList<>(ts.size());
      for (Trajectory t : ts) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.EVALUATIONS, runId, t.toByteArray());
        ContractHeaders.stamp(r.headers(), Headers.TYPE_TRAJECTORY);
        sent.add(producer.send(r));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw Refusal.failed("publishing the evaluation of " + runId + " to " + Topics.EVALUATIONS + " failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Refusal.failed("interrupted while publishing the evaluation of " + runId);
    }
  }
}
