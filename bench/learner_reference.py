#!/usr/bin/env python3
"""Reference training steps for ai.otc.learner.update.PolicyUpdater's tests (learner-core).

Writes learner-core/src/test/resources/reference/update-step.json (committed): a tiny policy (the PolicyModel
architecture, as bench/policy_bench.py's Model), a frozen reference and a critic, seven trajectories in two groups plus
one zero-advantage group, and the weights after ONE training step computed here with PyTorch, for
  * GRPO: zero-advantage group left out; ratio against the given (rollout) old log-probs; SR1 clipped surrogate with
    verl's log-ratio clamp 20; low_var_kl (coef 0.01) to the reference; entropy bonus 0.001; token-mean per
    micro-batch / G; 2 contiguous mini-batches, micro-batches of 2; clip_grad_norm_ 0.05; AdamW(0.9, 0.999, eps 1e-3,
    wd 0.01), lr 1e-2. (The large eps makes the first Adam steps smooth in the gradient instead of sign-like, so
    float32 noise in near-zero gradients cannot flip an update: the comparison is then tight.)
  * PPO: critic values at the position before each response token, k1 KL-in-reward (beta 0.05) with the old
    log-probs, GAE (gamma 0.9, lambda 0.95) over the response, whitening over all response tokens (unbiased),
    critic first (clipped value loss, clip 0.5, over response tokens), then the actor (no KL loss); critic lr 5e-3.
Every tensor is float32. The Java test loads the same inputs from the file and compares every weight.

Run with Debian's python3-torch:  /usr/bin/python3 bench/learner_reference.py
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from policy_bench import Model  # noqa: E402  the PolicyModel architecture

V, D, LAYERS, HEADS, FF, CTX = 40, 16, 1, 2, 32, 32
TAU = 1.0
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'learner-core', 'src', 'test', 'resources',
                   'reference', 'update-step.json')


def java_names(model, value=None):
    """name -> tensor in PolicyModel's naming (the saved-weights order)."""
    w = {'tok_emb': model.tok.weight, 'pos_emb': model.pos.weight}
    for i, b in enumerate(model.blocks):
        p = 'l%d.' % i
        w.update({p + 'ln1.g': b.ln1.weight, p + 'ln1.b': b.ln1.bias, p + 'attn.qkv.w': b.qkv.weight,
                  p + 'attn.qkv.b': b.qkv.bias, p + 'attn.out.w': b.out.weight, p + 'attn.out.b': b.out.bias,
                  p + 'ln2.g': b.ln2.weight, p + 'ln2.b': b.ln2.bias, p + 'mlp.fc.w': b.fc.weight,
                  p + 'mlp.fc.b': b.fc.bias, p + 'mlp.proj.w': b.proj.weight, p + 'mlp.proj.b': b.proj.bias})
    w['ln_f.g'] = model.lnf.weight
    w['ln_f.b'] = model.lnf.bias
    if value is not None:
        w['value.w'] = value.weight
        w['value.b'] = value.bias
    return w


def f32(x):
    """Shortest decimal that reads back as the same float32 (9 significant digits)."""
    return float('%.9g' % x)


def dump(named):
    return {k: [f32(x) for x in v.detach().reshape(-1).tolist()] for k, v in named.items()}


def hidden(model, ids):
    t = ids.shape[1]
    x = model.tok(ids) + model.pos.weight[:t]
    mask = torch.full((t, t), -1e9).triu(1)
    for blk in model.blocks:
        x = blk(x, mask)
    return model.lnf(x)


def make_model(gen, scale):
    m = Model(V, D, LAYERS, HEADS, FF, CTX)
    with torch.no_grad():
        for name, p in java_names(m).items():
            if name.endswith('.g'):
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(scale * torch.randn(p.shape, generator=gen))
    return m


def columns(samples, rows):
    """ids (B, T), lengths, and a helper placing per-response-token values at column P + t - 1."""
    t = max(len(samples[i]['tokens']) for i in rows)
    ids = torch.zeros(len(rows), t, dtype=torch.long)
    for k, i in enumerate(rows):
        ids[k, :len(samples[i]['tokens'])] = torch.tensor(samples[i]['tokens'])

    def place(values):
        out = torch.zeros(len(rows), t - 1)
        for k, i in enumerate(rows):
            p = samples[i]['prompt_length']
            v = torch.tensor(values[i], dtype=torch.float32)
            out[k, p - 1:p - 1 + len(v)] = v
        return out
    return ids, t, place


def score(model, ids, t):
    z = F.linear(hidden(model, ids[:, :t - 1]), model.tok.weight) / TAU
    lsm = torch.log_softmax(z, -1)
    lp = lsm.gather(2, ids[:, 1:].unsqueeze(2)).squeeze(2)
    ent = -(lsm.exp() * lsm).sum(-1)
    return lp, ent


def response_logprobs(model, samples, idx):
    with torch.no_grad():
        ids, t, _ = columns(samples, idx)
        lp, _ = score(model, ids, t)
    out = {}
    for k, i in enumerate(idx):
        p = samples[i]['prompt_length']
        n = len(samples[i]['tokens']) - p
        out[i] = lp[k, p - 1:p - 1 + n].tolist()
    return out


def split(idx, parts):
    n = len(idx)
    parts = max(1, min(parts, n))
    out, start = [], 0
    for k in range(parts):
        size = n // parts + (1 if k < n % parts else 0)
        out.append(idx[start:start + size])
        start += size
    return out


def chunks(idx, size):
    return [idx[i:i + size] for i in range(0, len(idx), size)]


def actor_step(actor, opt, samples, idx, old, ref, adv, s, stats):
    micros = chunks(idx, s['micro'])
    g = len(micros)
    opt.zero_grad()
    for mb in micros:
        ids, t, place = columns(samples, mb)
        lp, ent = score(actor, ids, t)
        mask = place({i: samples[i]['loss_mask'] for i in mb})
        delta = torch.clamp(lp - place(old), -20, 20)
        ratio = torch.exp(delta)
        a = place(adv)
        l1 = -a * ratio
        l2 = -a * torch.clamp(ratio, 1 - 0.2, 1 + 0.2)
        pg = (torch.maximum(l1, l2) * mask).sum() / mask.sum()
        e = (ent * mask).sum() / mask.sum()
        loss = pg - s['entropy_coef'] * e
        if s['kl_coef'] > 0:
            x = torch.clamp(place(ref) - lp, -20, 20)
            kl = torch.clamp(torch.exp(x) - x - 1, -10, 10)
            loss = loss + s['kl_coef'] * (kl * mask).sum() / mask.sum()
        (loss / g).backward()
    stats.append(float(torch.nn.utils.clip_grad_norm_(actor.parameters(), s['grad_clip'])))
    opt.step()


def grpo(samples, actor, ref_model, s):
    train = [i for i, x in enumerate(samples) if any(abs(a) > 1e-6 for a in [samples[j]['advantage']
             for j in range(len(samples)) if samples[j]['group'] == x['group']])]
    ref = response_logprobs(ref_model, samples, train)
    old = {i: samples[i]['old_log_probs'] for i in train}
    adv = {i: [samples[i]['advantage']] * (len(samples[i]['tokens']) - samples[i]['prompt_length']) for i in train}
    opt = torch.optim.AdamW(actor.parameters(), lr=s['lr'], betas=(0.9, 0.999), eps=s['eps'], weight_decay=0.01)
    norms = []
    for mini in split(train, s['mini']):
        actor_step(actor, opt, samples, mini, old, ref, adv, s, norms)
    return norms


def ppo(samples, actor, ref_model, critic, head, s):
    idx = list(range(len(samples)))
    ref = response_logprobs(ref_model, samples, idx)
    old = {i: samples[i]['old_log_probs'] for i in idx}
    with torch.no_grad():
        ids, t, _ = columns(samples, idx)
        v_all = F.linear(hidden(critic, ids), head.weight, head.bias).squeeze(-1)
    vold, ret, adv_raw = {}, {}, {}
    for k, i in enumerate(idx):
        p = samples[i]['prompt_length']
        n = len(samples[i]['tokens']) - p
        v = v_all[k, p - 1:p - 1 + n].tolist()
        r = [0.0] * n
        r[-1] = samples[i]['reward']
        for j in range(n):
            r[j] -= s['kl_in_reward'] * (old[i][j] - ref[i][j]) * samples[i]['loss_mask'][j]
        a, gae = [0.0] * n, 0.0
        for j in reversed(range(n)):
            nxt = v[j + 1] if j < n - 1 else 0.0
            gae = r[j] + s['gamma'] * nxt - v[j] + s['gamma'] * s['lambda'] * gae
            a[j] = gae
        vold[i], adv_raw[i], ret[i] = v, a, [a[j] + v[j] for j in range(n)]
    flat = torch.tensor([x for i in idx for x in adv_raw[i]], dtype=torch.float64)
    mu = flat.mean()
    var = ((flat - mu) ** 2).sum() / (len(flat) - 1)
    adv = {i: ((torch.tensor(adv_raw[i], dtype=torch.float64) - mu) / torch.sqrt(var + 1e-8)).tolist() for i in idx}
    copt = torch.optim.AdamW(list(critic.parameters()) + list(head.parameters()), lr=s['critic_lr'],
                             betas=(0.9, 0.999), eps=s['eps'], weight_decay=0.01)
    cnorms = []
    for mini in split(idx, s['mini']):
        micros = chunks(mini, s['micro'])
        copt.zero_grad()
        for mb in micros:
            ids, t, place = columns(samples, mb)
            vnew = F.linear(hidden(critic, ids), head.weight, head.bias).squeeze(-1)[:, :t - 1]
            mask = place({i: [1.0] * len(vold[i]) for i in mb})
            vo, rt = place(vold), place(ret)
            vclip = torch.maximum(torch.minimum(vnew, vo + 0.5), vo - 0.5)
            loss = 0.5 * (torch.maximum((vnew - rt) ** 2, (vclip - rt) ** 2) * mask).sum() / mask.sum()
            (loss / len(micros)).backward()
        cnorms.append(float(torch.nn.utils.clip_grad_norm_(list(critic.parameters()) + list(head.parameters()),
                                                           s['grad_clip'])))
        copt.step()
    opt = torch.optim.AdamW(actor.parameters(), lr=s['lr'], betas=(0.9, 0.999), eps=s['eps'], weight_decay=0.01)
    norms = []
    for mini in split(idx, s['mini']):
        actor_step(actor, opt, samples, mini, old, ref, adv, dict(s, kl_coef=0.0), norms)
    return norms, cnorms


def main():
    gen = torch.Generator().manual_seed(20261202)
    actor = make_model(gen, 0.3)
    ref_model = make_model(gen, 0.3)
    with torch.no_grad():  # the reference: the actor's weights, perturbed (the KL is not 0)
        for (_, p), (_, q) in zip(java_names(ref_model).items(), java_names(actor).items()):
            p.copy_(q + 0.05 * torch.randn(q.shape, generator=gen))
    critic = make_model(gen, 0.3)
    head = torch.nn.Linear(D, 1)
    with torch.no_grad():
        head.weight.copy_(0.3 * torch.randn(head.weight.shape, generator=gen))
        head.bias.fill_(0.1)
    # (prompt length, response length, group); observation blocks masked in the responses
    shapes = [(5, 9, 0), (5, 12, 0), (5, 7, 0), (5, 10, 0), (7, 8, 1), (7, 14, 1), (7, 6, 1), (4, 5, 2), (4, 6, 2)]
    rewards = [1.0, 0.0, 0.0, 1.0, 0.2, 1.0, 0.0, 0.5, 0.5]
    samples = []
    prompts = {}  # one prompt per group
    for k, (p, r, g) in enumerate(shapes):
        if g not in prompts:
            prompts[g] = torch.randint(3, V, (p,), generator=gen).tolist()
        resp = torch.randint(3, V, (r,), generator=gen).tolist()
        mask = [1] * r
        for j in range(2, min(r - 2, 5)):  # an observation block
            mask[j] = 0
        samples.append({'tokens': prompts[g] + resp, 'prompt_length': p, 'loss_mask': mask, 'group': g,
                        'reward': rewards[k]})
    for g in sorted(prompts):
        members = [x for x in samples if x['group'] == g]
        rs = torch.tensor([x['reward'] for x in members], dtype=torch.float64)
        mu, sd = rs.mean(), rs.std(unbiased=True)
        for x in members:
            x['advantage'] = float((x['reward'] - mu) / (sd + 1e-6))
    lp = response_logprobs(actor, samples, list(range(len(samples))))
    for i, x in enumerate(samples):  # behaviour log-probs: the actor's, perturbed, so that ratios differ from 1
        noise = (0.3 * torch.randn(len(lp[i]), generator=gen)).tolist()
        x['old_log_probs'] = [min(0.0, lp[i][j] + noise[j]) * x['loss_mask'][j] for j in range(len(lp[i]))]
    s = {'lr': 1e-2, 'eps': 1e-3, 'mini': 2, 'micro': 2, 'grad_clip': 0.05, 'entropy_coef': 0.001, 'kl_coef': 0.01,
         'critic_lr': 5e-3, 'kl_in_reward': 0.05, 'gamma': 0.9, 'lambda': 0.95}
    out = {'model': {'vocab': V, 'd': D, 'layers': LAYERS, 'heads': HEADS, 'ff': FF, 'context': CTX},
           'settings': s, 'samples': samples, 'actor': dump(java_names(actor)), 'reference': dump(java_names(ref_model)),
           'critic': dump(java_names(critic, head))}
    import copy
    a1 = copy.deepcopy(actor)
    out['grpo'] = {'grad_norms': grpo(samples, a1, ref_model, s), 'actor': dump(java_names(a1))}
    a2, c2, h2 = copy.deepcopy(actor), copy.deepcopy(critic), copy.deepcopy(head)
    norms, cnorms = ppo(samples, a2, ref_model, c2, h2, s)
    out['ppo'] = {'grad_norms': norms, 'critic_grad_norms': cnorms, 'actor': dump(java_names(a2)),
                  'critic': dump(java_names(c2, h2))}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f)
    print('wrote', os.path.normpath(OUT), 'grpo norms', out['grpo']['grad_norms'], 'ppo', norms, cnorms)


if __name__ == '__main__':
    main()
