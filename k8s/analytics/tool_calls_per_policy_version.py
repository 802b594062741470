#!/usr/bin/env python3
"""Tool calls per policy version, from the platform's topics (Spark batch job; k8s/README.md "Tap the topics").

Reads otc.tool-usage.v1 (one ToolUsage per gateway call, at-least-once) and otc.rollouts.v1 (one Trajectory per
record) from the beginning to the current end, decodes both with from_protobuf and the contract's descriptor set
(proto/target/classes/otc-v1.desc: no generated code), and writes three tables (Parquet, and the first two printed):

  usage_by_version     run_id, policy_version, tool, status, refusal: calls (distinct event ids), cost units,
                       cache hits, mean wall ms, from the gateway's metering
  rollouts_by_version  run_id, policy_version: trajectories, recorded tool calls (sum of tool_call_count),
                       calls per trajectory, EM (share correct)
  agreement            run_id, policy_version: metered calls that were executed (not refused) next to the calls the
                       trajectories recorded; the two agree when every call was metered once (the check ./otc report
                       makes). Evaluations (otc.evaluations.v1) also call tools; add that topic with --with-evaluations.

Usage events are deduplicated by id (the gateway's ids are deterministic per call: <tenant>/<trajectory_id>:<index>;
refused attempts carry their own ids). The run id of a call is the first segment of its trajectory id
(<run>/b<batch>/<question>/<k> or <run>/eval/<question>); calls without a trajectory (a shell's ./otc tool) are left
out.

  spark-submit --packages org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.1,org.apache.spark:spark-protobuf_2.12:3.5.1 \
    tool_calls_per_policy_version.py --bootstrap HOST:PORT --descriptor otc-v1.desc --out DIR \
    [--kafka-option kafka.security.protocol=SSL --kafka-option kafka.ssl.keystore.location=… …] [--with-evaluations]
"""
import argparse

from pyspark.sql import SparkSession, functions as F
from pyspark.sql.protobuf.functions import from_protobuf


def read_topic(spark, args, topic, message):
    reader = (spark.read.format("kafka")
              .option("kafka.bootstrap.servers", args.bootstrap)
              .option("subscribe", topic)
              .option("startingOffsets", "earliest")
              .option("endingOffsets", "latest")
              .option("kafka.isolation.level", "read_committed"))
    for kv in args.kafka_option:
        k, v = kv.split("=", 1)
        reader = reader.option(k, v)
    return (reader.load()
            .select(from_protobuf(F.col("value"), message, descFilePath=args.descriptor).alias("m"))
            .select("m.*"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--descriptor", required=True, help="otc-v1.desc (protoc --include_imports descriptor set)")
    p.add_argument("--out", required=True, help="folder for the Parquet tables")
    p.add_argument("--kafka-option", action="append", default=[], help="kafka.<client setting>=<value>, repeatable")
    p.add_argument("--with-evaluations", action="store_true", help="also count otc.evaluations.v1 trajectories")
    args = p.parse_args()
    spark = SparkSession.builder.appName("otc-tool-calls-per-policy-version").getOrCreate()

    usage = (read_topic(spark, args, "otc.tool-usage.v1", "otc.v1.ToolUsage")
             .where(F.col("trajectory_id") != "")
             .dropDuplicates(["id"])
             .withColumn("run_id", F.split(F.col("trajectory_id"), "/").getItem(0)))
    usage_by_version = (usage.groupBy("run_id", "policy_version", "tool", "status", "refusal")
                        .agg(F.count(F.lit(1)).alias("calls"),
                             F.sum("cost_units").alias("cost_units"),
                             F.sum(F.col("cache_hit").cast("int")).alias("cache_hits"),
                             F.avg("wall_ms").alias("mean_wall_ms"))
                        .orderBy("run_id", "policy_version", "tool", "status"))

    trajectories = read_topic(spark, args, "otc.rollouts.v1", "otc.v1.Trajectory")
    if args.with_evaluations:
        trajectories = trajectories.unionByName(read_topic(spark, args, "otc.evaluations.v1", "otc.v1.Trajectory"))
    trajectories = trajectories.dropDuplicates(["trajectory_id"])   # a restarted rollout re-publishes the same ids
    rollouts_by_version = (trajectories.groupBy("run_id", "policy_version")
                           .agg(F.count(F.lit(1)).alias("trajectories"),
                                F.sum("tool_call_count").alias("recorded_calls"),
                                F.avg("tool_call_count").alias("calls_per_trajectory"),
                                F.avg(F.col("correct").cast("double")).alias("em"))
                           .orderBy("run_id", "policy_version"))

    executed = (usage.where(F.col("refusal") == "")
                .groupBy("run_id", "policy_version").agg(F.count(F.lit(1)).alias("metered_calls")))
    agreement = (rollouts_by_version.select("run_id", "policy_version", "recorded_calls")
                 .join(executed, ["run_id", "policy_version"], "full_outer")
                 .na.fill(0, ["recorded_calls", "metered_calls"])
                 .withColumn("agree", F.col("recorded_calls") == F.col("metered_calls"))
                 .orderBy("run_id", "policy_version"))

    usage_by_version.show(200, truncate=False)
    rollouts_by_version.show(200, truncate=False)
    agreement.show(200, truncate=False)
    usage_by_version.write.mode("overwrite").parquet(f"{args.out}/usage_by_version")
    rollouts_by_version.write.mode("overwrite").parquet(f"{args.out}/rollouts_by_version")
    agreement.write.mode("overwrite").parquet(f"{args.out}/agreement")
    spark.stop()


if __name__ == "__main__":
    main()
