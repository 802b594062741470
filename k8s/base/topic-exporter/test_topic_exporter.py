#!/usr/bin/env python3
"""Tests of topic_exporter.Exporter without Kafka: records built from the contract's descriptor set.

    OTC_DESCRIPTOR_SET=proto/target/classes/otc-v1.desc python3 k8s/base/topic-exporter/test_topic_exporter.py
(Debian: python3-protobuf, python3-prometheus-client, python3-confluent-kafka.)
"""
import math
import os
import unittest

from prometheus_client import CollectorRegistry

import topic_exporter as te

DESC = os.environ.get("OTC_DESCRIPTOR_SET", os.path.join(os.path.dirname(__file__),
                                                         "../../../proto/target/classes/otc-v1.desc"))


class ExporterTest(unittest.TestCase):
    def setUp(self):
        self.reg = CollectorRegistry()
        self.ex = te.Exporter(DESC, registry=self.reg, dedupe=3)
        self.sm, self.tu = self.ex.step_metrics, self.ex.tool_usage

    def value(self, name, **labels):
        return self.reg.get_sample_value(name, labels)

    def test_newest_step_per_run_wins_and_tp_absent_is_nan(self):
        self.ex.handle(te.METRICS_TOPIC, "otc.v1.StepMetrics",
                       self.sm(run_id="r1", reward="otc-grpo:v1", step=2, em=0.5, tc=1.5, tp=0.25).SerializeToString())
        self.ex.handle(te.METRICS_TOPIC, "otc.v1.StepMetrics",
                       self.sm(run_id="r1", reward="otc-grpo:v1", step=1, em=0.1, tc=3.0).SerializeToString())
        self.assertEqual(self.value("otc_run_em", run_id="r1", reward="otc-grpo:v1"), 0.5)
        self.assertEqual(self.value("otc_run_tc", run_id="r1", reward="otc-grpo:v1"), 1.5)
        self.assertEqual(self.value("otc_run_step", run_id="r1", reward="otc-grpo:v1"), 2)
        self.ex.handle(te.METRICS_TOPIC, "otc.v1.StepMetrics",
                       self.sm(run_id="r1", reward="otc-grpo:v1", step=3, em=0.6, tc=0.0).SerializeToString())
        self.assertTrue(math.isnan(self.value("otc_run_tp", run_id="r1", reward="otc-grpo:v1")))

    def test_usage_is_counted_once_per_id_with_enum_names_and_refusals(self):
        ok = self.tu(id="a/t:0", tenant="a", tool=1, status=1, cache_hit=True).SerializeToString()
        self.ex.handle(te.USAGE_TOPIC, "otc.v1.ToolUsage", ok)
        self.ex.handle(te.USAGE_TOPIC, "otc.v1.ToolUsage", ok)   # at-least-once: the same id again
        refused = self.tu(id="a/t:1:refused:x-1", tenant="a", tool=1, status=6, refusal="rate").SerializeToString()
        self.ex.handle(te.USAGE_TOPIC, "otc.v1.ToolUsage", refused)
        tool = te.enum_name(self.tu, "tool", 1)
        self.assertNotEqual(tool, "1")
        self.assertEqual(self.value("otc_tool_usage_calls_total", tenant="a", tool=tool,
                                    status=te.enum_name(self.tu, "status", 1), cache_hit="true"), 1)
        self.assertEqual(self.value("otc_tool_usage_refusals_total", tenant="a", tool=tool, refusal="rate"), 1)

    def test_wrong_type_and_poison_records_are_skipped_and_counted(self):
        self.ex.handle(te.USAGE_TOPIC, "otc.v1.Trajectory", b"")
        self.ex.handle(te.METRICS_TOPIC, "otc.v1.StepMetrics", b"\xff\xff\xff")
        self.assertEqual(self.value("otc_topic_exporter_skipped_total", topic=te.USAGE_TOPIC, reason="otc-type"), 1)
        self.assertEqual(self.value("otc_topic_exporter_skipped_total", topic=te.METRICS_TOPIC,
                                    reason="undecodable"), 1)


if __name__ == "__main__":
    unittest.main()
