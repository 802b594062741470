#!/usr/bin/env python3
"""The update phase in Python PyTorch on the same batch as the DJL learner (bench/loop-bench.sh, third ratio).

Reads the batch LocalRun wrote with -Dbench-update=FILE (the last step's samples: tokens, prompt length, loss mask,
group, advantage, old log-probs; the model's sizes; the update settings) and runs the same GRPO training step as
learner-core's PolicyUpdater (bench/learner_reference.py's grpo(): zero-advantage groups left out, reference log-probs,
token-mean clipped surrogate + entropy + low_var_kl, contiguous mini-batches, global-norm clip, AdamW) on a model of the
same sizes (PolicyModel's architecture, bench/policy_bench.py's Model; random weights: the cost does not depend on their
values). Prints the best of ROUNDS wall times and the ratio DJL/PyTorch throughput.

Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/update_bench.py BATCH.json [THREADS] [ROUNDS] [POLICY.zip]
With POLICY.zip the model starts from that artifact's weights (what the DJL side trains) instead of random ones;
UPDATE_BENCH_FLUSH_DENORMAL=1 sets torch.set_flush_denormal(True).
"""
import copy
import json
import os
import struct
import sys
import time
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import learner_reference as ref  # noqa: E402
from policy_bench import Model, loaded_blas  # noqa: E402


def load_artifact_weights(model, path):
    """Copies a policy artifact's weights.bin (DataOutputStream: UTF name, int count, little-endian floats) in."""
    data = zipfile.ZipFile(path).read('weights.bin')
    named = ref.java_names(model)
    at = 0
    seen = 0
    while at < len(data):
        (n,) = struct.unpack_from('>H', data, at)
        name = data[at + 2:at + 2 + n].decode('utf-8')
        at += 2 + n
        (count,) = struct.unpack_from('>i', data, at)
        at += 4
        values = torch.frombuffer(bytearray(data[at:at + 4 * count]), dtype=torch.float32)
        at += 4 * count
        p = named[name]
        with torch.no_grad():
            p.copy_(values.reshape(p.shape))
        seen += 1
    if seen != len(named):
        raise SystemExit('%s has %d tensors, the model %d' % (path, seen, len(named)))


def main():
    doc = json.load(open(sys.argv[1]))
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    torch.set_num_threads(threads)
    m = doc['model']
    s = dict(doc['settings'])
    if s['micro'] <= 0:
        s['micro'] = 1 << 30  # 0 = the whole mini-batch in one micro-batch
    torch.manual_seed(0)
    if os.environ.get('UPDATE_BENCH_FLUSH_DENORMAL') == '1':
        torch.set_flush_denormal(True)
    actor = Model(m['vocab'], m['d'], m['layers'], m['heads'], m['ff'], m['context'])
    if len(sys.argv) > 4:
        load_artifact_weights(actor, sys.argv[4])
    reference = copy.deepcopy(actor)
    samples = doc['samples']
    times = []
    for _ in range(rounds):
        a = copy.deepcopy(actor)
        t0 = time.perf_counter()
        ref.grpo(samples, a, reference, s)
        times.append(time.perf_counter() - t0)
        print('torch-round %.4f' % times[-1], flush=True)
    best = min(times)
    java = doc.get('java_update_seconds')
    print('update-bench: %d trajectories, PyTorch %s (%s), %d threads: best of %d %.3f s'
          % (len(samples), torch.__version__, loaded_blas(), threads, rounds, best))
    if java:
        print('update-bench: DJL %.3f s -> DJL/PyTorch speed %.2fx' % (java, best / java))


if __name__ == '__main__':
    main()
