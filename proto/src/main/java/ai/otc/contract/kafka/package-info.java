/**
 * The contract applied with the Kafka clients: stamping and checking record headers
 * ({@link ai.otc.contract.kafka.ContractHeaders}) and creating topics from the topic table
 * ({@link ai.otc.contract.kafka.TopicProvisioner}), and the connection settings every client of a service carries
 * ({@link ai.otc.contract.kafka.KafkaConnection}). kafka-clients is an optional dependency of
 * otc-proto: a module that calls these brings its own (every Kafka module here does).
 */
package ai.otc.contract.kafka;
