#!/usr/bin/env python3
"""Reference trajectories of torch.optim.AdamW for ai.otc.policy.model.AdamW's tests.

Writes policy-lib/src/test/resources/adamw/reference.json (committed): for each case the hyper-parameters, the initial
parameters, the gradient and learning rate of every step, and the parameters after every step (plus the final
moments). The gradients are given, not computed from a model, so the Java side feeds exactly the same values (it
back-propagates sum(w * g), whose gradient is g exactly). Every number is a float32 (written exactly, as a double);
non-finite gradients are the bare literals NaN / Infinity / -Infinity.

Cases: beta2 0.98 and 0.999, with and without decoupled weight decay; global-norm clipping as verl's grad_clip
(torch.nn.utils.clip_grad_norm_, pre-clip norm recorded); and non-finite gradients on some steps, which verl skips
(zero_grad, no optimizer step, counted).

Run with Debian's python3-torch:  /usr/bin/python3 bench/adamw_reference.py
"""
import json
import os
import sys

import torch

STEPS = 20
SHAPES = [(4, 3), (5,), (2, 3, 2)]


def f32(x):
    """The float32 nearest x, as a Python float (exact; json writes NaN / Infinity as bare literals)."""
    return torch.tensor(float(x), dtype=torch.float32).item()


def flat(t):
    return [f32(x) for x in t.detach().reshape(-1).tolist()]


def gradients(gen, step, scale_by_tensor):
    """Step-dependent gradients; the tensors differ in scale (1e-4 .. 1) so that eps placement matters."""
    out = []
    for i, shape in enumerate(SHAPES):
        g = torch.randn(shape, generator=gen, dtype=torch.float32) * scale_by_tensor[i]
        if step % 7 == 3:
            g = -g  # sign flips: the first moment changes sign
        out.append(g)
    return out


def run_case(name, lr_peak, beta1, beta2, eps, wd, max_norm, bad_steps, seed):
    # The Java optimizer's settings are float32; torch gets the same numbers (0.999 as float32 is 0.99900001287...:
    # with the double 0.999 torch's 1 - beta2 would differ from Java's by 1.3e-5 relative, visible in the moments).
    beta1, beta2, eps, wd = f32(beta1), f32(beta2), f32(eps), f32(wd)
    gen = torch.Generator().manual_seed(seed)
    params = [torch.nn.Parameter(torch.randn(s, generator=gen, dtype=torch.float32) * 0.5) for s in SHAPES]
    initial = [flat(p) for p in params]
    opt = torch.optim.AdamW(params, lr=lr_peak, betas=(beta1, beta2), eps=eps, weight_decay=wd, foreach=False)
    scales = [1.0, 1e-4, 3e-2] if max_norm is None else [0.15, 0.05, 0.1]  # norm ~0.6, x4 on even steps
    steps = []
    skipped = 0
    for s in range(1, STEPS + 1):
        # warm-up then decay: the rate is given per step, as a float32 as on the Java side
        lr = f32(lr_peak * min(1.0, s / 5.0) * (1.0 - 0.02 * s))
        for g in opt.param_groups:
            g["lr"] = lr
        grads = gradients(gen, s, scales)
        if max_norm is not None and s % 2 == 0:
            grads = [g * 4.0 for g in grads]  # every other step above the clip norm
        if s in bad_steps:
            grads[bad_steps[s][0]].view(-1)[1] = float(bad_steps[s][1])
        record = {"step": s, "lr": lr, "grads": [flat(g) for g in grads]}
        for p, g in zip(params, grads):
            p.grad = g.clone()
        if max_norm is not None or bad_steps:
            # verl's dp_actor: grad_norm = clip_grad_norm_(params, max_norm=grad_clip); skip when not finite.
            total = torch.nn.utils.clip_grad_norm_(params, max_norm if max_norm is not None else float("inf"))
            record["grad_norm"] = f32(total)
            if not torch.isfinite(total):
                opt.zero_grad(set_to_none=False)
                skipped += 1
                record["skipped"] = True
                record["params"] = [flat(p) for p in params]
                steps.append(record)
                continue
        opt.step()
        opt.zero_grad(set_to_none=False)
        record["skipped"] = False
        record["params"] = [flat(p) for p in params]
        steps.append(record)
    state = [opt.state[p] for p in params]
    return {
        "name": name, "beta1": beta1, "beta2": beta2, "eps": eps, "weight_decay": wd,
        "max_grad_norm": 0.0 if max_norm is None else max_norm,
        "shapes": [list(s) for s in SHAPES], "initial": initial, "steps": steps, "skipped": skipped,
        "final_step": int(state[0]["step"].item()),
        "final_exp_avg": [flat(st["exp_avg"]) for st in state],
        "final_exp_avg_sq": [flat(st["exp_avg_sq"]) for st in state],
    }


def main():
    torch.set_num_threads(1)
    cases = [
        run_case("b2_0.98", 1e-2, 0.9, 0.98, 1e-8, 0.0, None, {}, 1),
        run_case("b2_0.98_wd", 1e-2, 0.9, 0.98, 1e-8, 0.1, None, {}, 2),
        run_case("b2_0.999", 1e-2, 0.9, 0.999, 1e-8, 0.0, None, {}, 3),
        run_case("b2_0.999_wd", 1e-2, 0.9, 0.999, 1e-8, 0.1, None, {}, 4),
        run_case("clip_1.0", 1e-2, 0.9, 0.98, 1e-8, 0.01, 1.0, {}, 5),
        run_case("nonfinite", 1e-2, 0.9, 0.999, 1e-8, 0.01, 1.0, {4: (0, "nan"), 9: (2, "inf"), 10: (1, "-inf")}, 6),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "policy-lib", "src", "test", "resources",
                       "adamw", "reference.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    doc = {"generator": "bench/adamw_reference.py", "torch": torch.__version__, "optimizer": "torch.optim.AdamW",
           "clip": "torch.nn.utils.clip_grad_norm_", "cases": cases}
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(out)} ({len(cases)} cases x {STEPS} steps, torch {torch.__version__})",
          file=sys.stderr)


if __name__ == "__main__":
    main()
