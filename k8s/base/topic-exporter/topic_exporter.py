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


class Exporter:
    """Turns records of the two topics into the Prometheus series (no Kafka here: main() feeds it)."""

    def __init__(self, descriptor_set, registry=None, dedupe=1000000):
        classes = message_classes(descriptor_set, ["otc.v1.StepMetrics", "otc.v1.ToolUsage"])
        self.step_metrics, self.tool_usage = classes["otc.v1.StepMetrics"], classes["otc.v1.ToolUsage"]
        kw = {"registry": registry} if registry is not None else {}
        run_labels = ["run_id", "reward"]
        self.gauges = {f: Gauge(f"otc_run_{f}", f"StepMetrics.{f} of the newest step", run_labels, **kw)
                       for f in ["em", "tc", "tp", "mean_reward", "kl", "entropy", "step", "policy_version"]}
        self.step_seconds = Gauge("otc_run_step_seconds", "StepMetrics.seconds of the newest step", run_labels, **kw)
        self.calls = Counter("otc_tool_usage_calls", "tool calls metered on otc.tool-usage.v1, deduplicated by id",
                             ["tenant", "tool", "status", "cache_hit"], **kw)
        self.refusals = Counter("otc_tool_usage_refusals", "refused tool calls (ToolUsage.refusal set)",
                                ["tenant", "tool", "refusal"], **kw)
        self.skipped = Counter("otc_topic_exporter_skipped", "records not decoded", ["topic", "reason"], **kw)
        self.newest_step = {}
        self.seen = collections.OrderedDict()
        self.dedupe = dedupe

    def handle(self, topic, otc_type, value_bytes, where=""):
        """One record: its topic, its otc-type header and its value."""
        want = "otc.v1.StepMetrics" if topic == METRICS_TOPIC else "otc.v1.ToolUsage"
        if otc_type != want:
            self.skipped.labels(topic, "otc-type").inc()
            return
        try:
            value = (self.step_metrics if topic == METRICS_TOPIC else self.tool_usage).FromString(value_bytes)
        except Exception as e:  # a poison record is counted and named, never fatal
            self.skipped.labels(topic, "undecodable").inc()
            print(f"topic-exporter: {topic}{where} undecodable: {e}", file=sys.stderr, flush=True)
            return
        if topic == METRICS_TOPIC:
            key = (value.run_id, value.reward)
            if value.step < self.newest_step.get(key, -1):
                return
            self.newest_step[key] = value.step
            for f, g in self.gauges.items():
                if f == "tp" and not value.HasField("tp"):
                    g.labels(*key).set(float("nan"))
                else:
                    g.labels(*key).set(getattr(value, f))
            self.step_seconds.labels(*key).set(value.seconds)
            return
        if value.id in self.seen:
            return
        self.seen[value.id] = True
        if len(self.seen) > self.dedupe:
            self.seen.popitem(last=False)
        tool = enum_name(self.tool_usage, "tool", value.tool)
        status = enum_name(self.tool_usage, "status", value.status)
        self.calls.labels(value.tenant, tool, status, str(value.cache_hit).lower()).inc()
        if value.refusal:
            self.refusals.labels(value.tenant, tool, value.refusal).inc()


def enum_name(cls, field, number):
    v = cls.DESCRIPTOR.fields_by_name[field].enum_type.values_by_number.get(number)
    return v.name if v is not None else str(number)


def main():
    exporter = Exporter(os.environ.get("OTC_DESCRIPTOR_SET", "/app/otc-v1.desc"),
                        dedupe=int(os.environ.get("DEDUPE_IDS", "1000000")))
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
        exporter.handle(msg.topic(), header(msg, "otc-type"), msg.value(), f"[{msg.partition()}]@{msg.offset()}")


if __name__ == "__main__":
    main()
