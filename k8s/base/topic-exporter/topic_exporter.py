#!/usr/bin/env python3
"""Prometheus exporter of two contract topics, for the Grafana dashboard (k8s/README.md "Watch").

otc.metrics.v1 (StepMetrics, key run id): gauges of the newest step per run and reward:
    otc_run_em, otc_run_tc, otc_run_tp, otc_run_mean_reward, otc_run_kl, otc_run_entropy, otc_run_step,
    otc_run_policy_version, otc_run_step_seconds   {run_id, reward}
otc.tool-usage.v1 (ToolUsage, key tenant): counters since the start of the topic, deduplicated by event id
(delivery is at-least-once):
    otc_tool_usage_calls_total{tenant, tool, status, cache_hit}, otc_tool_usage_refusals_total{tenant, tool, refusal}

Both topics are read whole from the beginning at every start (partitions assigned, no offsets committed), so the
numbers do not depend on the exporter's history. Messages are decoded with the contract's descriptor set
(otc-v1.desc, no generated code); a record whose otc-type header is not the topic's message is counted in
otc_topic_exporter_skipped_total and skipped.

Environment: KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL (ssl | plaintext), KAFKA_SSL_CA, KAFKA_SSL_CERT,
KAFKA_SSL_KEY (PEM files of the KafkaUser's Secret), OTC_DESCRIPTOR_SET (default /app/otc-v1.desc), PORT (9400),
DEDUPE_IDS (how many recent usage ids are remembered, default 1000000).
Debian packages: python3-confluent-kafka, python3-protobuf, python3-prometheus-client.
"""
import collections
import os
import sys

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from prometheus_client import Counter, Gauge, start_http_server

METRICS_TOPIC = "otc.metrics.v1"
USAGE_TOPIC = "otc.tool-usage.v1"


def message_classes(path, names):
    fds = descriptor_pb2.FileDescriptorSet()
    with open(path, "rb") as f:
        fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:  # --include_imports writes dependencies first
        pool.Add(file)
    out = {}
    for name in names:
        desc = pool.FindMessageTypeByName(name)
        if hasattr(message_factory, "GetMessageClass"):
            out[name] = message_factory.GetMessageClass(desc)
        else:  # protobuf < 4.21 (Debian 12's 3.21)
            out[name] = message_factory.MessageFactory(pool).GetPrototype(desc)
    return out


def consumer_config():
    conf = {
        "bootstrap.servers": os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "otc-kafka-bootstrap:9093"),
        "group.id": "otc-topic-exporter",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "security.protocol": os.environ.get("KAFKA_SECURITY_PROTOCOL", "ssl"),
    }
    if conf["security.protocol"].lower() == "ssl":
        conf["ssl.ca.location"] = os.environ.get("KAFKA_SSL_CA", "/etc/otc/kafka/ca/ca.crt")
        conf["ssl.certificate.location"] = os.environ.get("KAFKA_SSL_CERT", "/etc/otc/kafka/user/user.crt")
        conf["ssl.key.location"] = os.environ.get("KAFKA_SSL_KEY", "/etc/otc/kafka/user/user.key")
    return conf


def header(msg, key):
    for k, v in msg.headers() or []:
        if k == key:
            return v.decode("utf-8", "replace") if v is not None else None
    return None


def main():
    classes = message_classes(os.environ.get("OTC_DESCRIPTOR_SET", "/app/otc-v1.desc"),
                              ["otc.v1.StepMetrics", "otc.v1.ToolUsage"])
    step_metrics, tool_usage = classes["otc.v1.StepMetrics"], classes["otc.v1.ToolUsage"]
    run_labels = ["run_id", "reward"]
    gauges = {f: Gauge(f"otc_run_{f}", f"StepMetrics.{f} of the newest step", run_labels)
              for f in ["em", "tc", "tp", "mean_reward", "kl", "entropy", "step", "policy_version"]}
    step_seconds = Gauge("otc_run_step_seconds", "StepMetrics.seconds of the newest step", run_labels)
    calls = Counter("otc_tool_usage_calls", "tool calls metered on otc.tool-usage.v1, deduplicated by id",
                    ["tenant", "tool", "status", "cache_hit"])
    refusals = Counter("otc_tool_usage_refusals", "refused tool calls (ToolUsage.refusal set)",
                       ["tenant", "tool", "refusal"])
    skipped = Counter("otc_topic_exporter_skipped", "records not decoded", ["topic", "reason"])
    newest_step = {}
    seen = collections.OrderedDict()
    dedupe = int(os.environ.get("DEDUPE_IDS", "1000000"))

    start_http_server(int(os.environ.get("PORT", "9400")))
    consumer = Consumer(consumer_config())
    parts = []
    for topic in (METRICS_TOPIC, USAGE_TOPIC):
        meta = consumer.list_topics(topic, timeout=30).topics[topic]
        if meta.error is not None:
            raise SystemExit(f"topic {topic}: {meta.error}")
        parts += [TopicPartition(topic, p, OFFSET_BEGINNING) for p in meta.partitions]
    consumer.assign(parts)
    print(f"topic-exporter: reading {len(parts)} partitions of {METRICS_TOPIC}, {USAGE_TOPIC}", flush=True)
    while True:
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(f"topic-exporter: {msg.error()}", file=sys.stderr, flush=True)
            continue
        topic = msg.topic()
        want = "otc.v1.StepMetrics" if topic == METRICS_TOPIC else "otc.v1.ToolUsage"
        if header(msg, "otc-type") != want:
            skipped.labels(topic, "otc-type").inc()
            continue
        try:
            value = (step_metrics if topic == METRICS_TOPIC else tool_usage).FromString(msg.value())
        except Exception as e:  # a poison record is counted and named, never fatal
            skipped.labels(topic, "undecodable").inc()
            print(f"topic-exporter: {topic}[{msg.partition()}]@{msg.offset()} undecodable: {e}", file=sys.stderr)
            continue
        if topic == METRICS_TOPIC:
            key = (value.run_id, value.reward)
            if value.step < newest_step.get(key, -1):
                continue
            newest_step[key] = value.step
            for f, g in gauges.items():
                if f == "tp" and not value.HasField("tp"):
                    g.labels(*key).set(float("nan"))
                else:
                    g.labels(*key).set(getattr(value, f))
            step_seconds.labels(*key).set(value.seconds)
        else:
            if value.id in seen:
                continue
            seen[value.id] = True
            if len(seen) > dedupe:
                seen.popitem(last=False)
            tool = tool_usage.DESCRIPTOR.fields_by_name["tool"].enum_type.values_by_number.get(value.tool)
            status = tool_usage.DESCRIPTOR.fields_by_name["status"].enum_type.values_by_number.get(value.status)
            tool = tool.name if tool is not None else str(value.tool)
            status = status.name if status is not None else str(value.status)
            calls.labels(value.tenant, tool, status, str(value.cache_hit).lower()).inc()
            if value.refusal:
                refusals.labels(value.tenant, tool, value.refusal).inc()


if __name__ == "__main__":
    main()
