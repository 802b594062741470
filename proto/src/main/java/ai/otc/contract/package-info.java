/**
 * The platform's contract beside the generated messages: topic names and the topic table
 * ({@link ai.otc.contract.TopicTable}, also shipped as {@code ai/otc/contract/topics.json} for
 * non-Java tooling such as the Kubernetes manifests), record header names and their one version
 * value ({@link ai.otc.contract.Headers}, {@link ai.otc.contract.DeadLetterHeaders},
 * {@link ai.otc.contract.CloudEvents}), the gRPC metadata keys a client reads or sends
 * ({@link ai.otc.contract.GrpcMetadata}) and the tenant-to-replica routing of the tool gateway
 * ({@link ai.otc.contract.TenantRing}). Every module takes these from here instead of declaring
 * its own copy; {@code ai.otc.contract.kafka} adds the Kafka-client helpers (kafka-clients is an
 * optional dependency of this module: only modules that already use Kafka call them).
 */
package ai.otc.contract;
