#!/usr/bin/env python3
"""The update phase in Python PyTorch on the same batch as the DJL learner (bench/loop-bench.sh, third ratio).

Reads the batch LocalRun wrote with -Dbench-update=FILE (the last step's samples: tokens, prompt length, loss mask,
group, advantage, old log-probs; the model's sizes; the update settings) and runs the same GRPO training step as
learner-core's PolicyUpdater (bench/learner_reference.py's grpo(): zero-advantage groups left out, reference log-probs,
token-mean clipped surrogate + entropy + low_var_kl, contiguous mini-batches, global-norm clip, AdamW) on a model of the
same sizes (PolicyModel's architecture, bench/policy_bench.py's Model; random weights: the cost does not depend on their
values). Prints the best of ROUNDS wall times and the ratio DJL/PyTorch throughput.

Usage: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/update_bench.py BATCH.json [THREADS] [ROUNDS]
"""
import copy
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import learner_reference as ref  # noqa: E402
from policy_bench import Model, loaded_blas  # noqa: E402


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
    actor = Model(m['vocab'], m['d'], m['layers'], m['heads'], m['ff'], m['context'])
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
