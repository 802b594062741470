#!/usr/bin/env python3
"""PyTorch half of the DJL-vs-PyTorch policy benchmark (run by bench/policy-bench.sh).

Same model as ai.otc.policy.model.PolicyModel (pre-LayerNorm decoder, learned positions, tied output head, explicit
masked softmax attention) and the same two measurements as ai.otc.policy.bench.SpeedBench (policy-offline):
  * training tokens/s: forward + backward + AdamW on random tokens, batch B, length L;
  * batched KV-cached generation tokens/s: one position per step for every row, temperature-1 sampling.
Prints one JSON object on stdout.
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, h, ff):
        super().__init__()
        self.h, self.dh = h, d // h
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, ff)
        self.proj = nn.Linear(ff, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        qkv = self.qkv(self.ln1(x)).view(b, t, 3, self.h, self.dh).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * (1.0 / math.sqrt(self.dh)), qkv[1], qkv[2]
        att = torch.softmax(q @ k.transpose(-1, -2) + mask, dim=-1) @ v
        x = x + self.out(att.transpose(1, 2).reshape(b, t, d))
        return x + self.proj(F.gelu(self.fc(self.ln2(x))))

    def step(self, x, pos, kc, vc):
        b = x.shape[0]
        qkv = self.qkv(self.ln1(x)).view(b, 1, 3, self.h, self.dh).permute(2, 0, 3, 1, 4)
        q = qkv[0] * (1.0 / math.sqrt(self.dh))
        kc[:, :, pos:pos + 1] = qkv[1]
        vc[:, :, pos:pos + 1] = qkv[2]
        att = torch.softmax(q @ kc[:, :, :pos + 1].transpose(-1, -2), dim=-1) @ vc[:, :, :pos + 1]
        x = x + self.out(att.reshape(b, 1, -1))
        return x + self.proj(F.gelu(self.fc(self.ln2(x))))


class Model(nn.Module):
    def __init__(self, v, d, layers, h, ff, ctx):
        super().__init__()
        self.tok = nn.Embedding(v, d)
        self.pos = nn.Embedding(ctx, d)
        self.blocks = nn.ModuleList([Block(d, h, ff) for _ in range(layers)])
        self.lnf = nn.LayerNorm(d)
        self.h, self.dh, self.layers = h, d // h, layers

    def forward(self, ids):
        t = ids.shape[1]
        x = self.tok(ids) + self.pos.weight[:t]
        mask = torch.full((t, t), -1e9).triu(1)
        for blk in self.blocks:
            x = blk(x, mask)
        return F.linear(self.lnf(x), self.tok.weight)

    @torch.no_grad()
    def generate(self, b, n, v):
        caches = [(torch.zeros(b, self.h, n + 1, self.dh), torch.zeros(b, self.h, n + 1, self.dh)) for _ in self.blocks]
        ids = torch.randint(0, v, (b,))
        for pos in range(n):
            x = self.tok(ids).unsqueeze(1) + self.pos.weight[pos:pos + 1]
            for blk, (kc, vc) in zip(self.blocks, caches):
                x = blk.step(x, pos, kc, vc)
            logits = F.linear(self.lnf(x), self.tok.weight).squeeze(1)
            ids = torch.multinomial(torch.softmax(logits, -1), 1).squeeze(1)
        return ids


def loaded_blas():
    """The BLAS library this process really loaded (Debian's torch says BLAS_INFO=generic and gets libblas.so.3 from
    the alternatives system: OpenBLAS when libopenblas0-openmp is installed, else the slow reference BLAS)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower()}
    except OSError:
        return "unknown"
    names = sorted(l.rsplit("/", 1)[-1] for l in libs)
    if any("openblas" in n for n in names):
        return "openblas (" + ", ".join(n for n in names if "openblas" in n) + ")"
    return "reference/other (" + ", ".join(names) + ")" if names else "none loaded"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--vocab", type=int, default=92)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=512)
    ap.add_argument("--context", type=int, default=96)
    ap.add_argument("--train-batch", type=int, default=128)
    ap.add_argument("--train-length", type=int, default=48)
    ap.add_argument("--train-steps", type=int, default=30)
    ap.add_argument("--gen-batches", default="64,256")
    ap.add_argument("--gen-tokens", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = Model(a.vocab, a.d_model, a.layers, a.heads, a.ff, a.context)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=0.01)
    data = torch.randint(0, a.vocab, (a.train_batch, a.train_length + 1))

    def train_step():
        logits = m(data[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, a.vocab), data[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        train_step()
    t0 = time.perf_counter()
    for _ in range(a.train_steps):
        train_step()
    sec = time.perf_counter() - t0
    out = {"engine": "pytorch-python", "torch": torch.__version__, "threads": torch.get_num_threads(),
           "blas": loaded_blas()}
    out["train_tok_s"] = a.train_batch * a.train_length * a.train_steps / sec
    print(f"pytorch train B={a.train_batch} L={a.train_length}: {sec * 1000 / a.train_steps:.1f} ms/step, "
          f"{out['train_tok_s']:.0f} tok/s", file=sys.stderr)
    m.eval()
    for b in [int(x) for x in a.gen_batches.split(",")]:
        m.generate(b, a.gen_tokens, a.vocab)
        g0 = time.perf_counter()
        reps = 2
        for _ in range(reps):
            m.generate(b, a.gen_tokens, a.vocab)
        gs = time.perf_counter() - g0
        out[f"gen_b{b}_tok_s"] = b * a.gen_tokens * reps / gs
        print(f"pytorch generate B={b}: {out[f'gen_b{b}_tok_s']:.0f} tok/s", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
