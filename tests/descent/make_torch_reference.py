"""Regenerate the torch reference values the optimizer and schedule tests compare against.

    python tests/descent/make_torch_reference.py

Needs torch (any CPU build); the tests only read the JSON files written here, so they run
without it. Optimizers: a fixed sequence of gradients (and of lrs, and of momentum values
where a schedule would cycle momentum) applied to a small parameter vector in float64, with
the parameters torch produces after each update. Schedules: the lr (and momentum) torch's
scheduler gives update k, for k = 0, 1, …, with parameters chosen to hit the boundaries.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

DATA = Path(__file__).parent / "data"
UPDATES = 8
DIM = 3

TORCH_OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "nadam": torch.optim.NAdam,
}

CYCLED = [0.95, 0.93, 0.9, 0.87, 0.85, 0.87, 0.9, 0.93]

# (label, optimizer, settings, base lr, momentum per update or None, max_norm or None)
OPTIMIZER_CASES = [
    ("sgd plain", "sgd", {}, 0.1, None, None),
    ("sgd momentum dampening", "sgd", {"momentum": 0.9, "dampening": 0.3}, 0.1, None, None),
    ("sgd nesterov", "sgd", {"momentum": 0.9, "nesterov": True}, 0.1, None, None),
    ("sgd weight decay", "sgd", {"momentum": 0.5, "weight_decay": 0.1}, 0.1, None, None),
    ("sgd cycled momentum", "sgd", {}, 0.1, CYCLED, None),
    ("sgd nesterov cycled momentum", "sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, 0.1, CYCLED, None),
    ("sgd clipped", "sgd", {"momentum": 0.9}, 0.1, None, 1.0),
    ("adagrad plain", "adagrad", {}, 0.1, None, None),
    ("adagrad lr decay", "adagrad", {"lr_decay": 0.1, "weight_decay": 0.05, "initial_accumulator_value": 0.2, "eps": 1e-6}, 0.1, None, None),
    ("rmsprop plain", "rmsprop", {}, 0.01, None, None),
    ("rmsprop centered momentum", "rmsprop", {"centered": True, "momentum": 0.8, "alpha": 0.9, "weight_decay": 0.01}, 0.01, None, None),
    ("rmsprop cycled momentum", "rmsprop", {"momentum": 0.5}, 0.01, CYCLED, None),
    ("adam plain", "adam", {}, 0.05, None, None),
    ("adam amsgrad weight decay", "adam", {"amsgrad": True, "weight_decay": 0.1, "betas": (0.8, 0.99), "eps": 1e-6}, 0.05, None, None),
    ("adam cycled beta1", "adam", {}, 0.05, CYCLED, None),
    ("adam clipped", "adam", {}, 0.05, None, 0.5),
    ("adamw default decay", "adamw", {}, 0.05, None, None),
    ("adamw amsgrad", "adamw", {"amsgrad": True, "weight_decay": 0.1}, 0.05, None, None),
    ("nadam plain", "nadam", {}, 0.05, None, None),
    ("nadam weight decay", "nadam", {"weight_decay": 0.05, "momentum_decay": 0.01, "betas": (0.85, 0.995)}, 0.05, None, None),
    ("nadam cycled beta1", "nadam", {}, 0.05, CYCLED, None),
]


def optimizer_case(index: int, label: str, name: str, settings: dict, base_lr: float, momenta, max_norm) -> dict:
    rng = np.random.default_rng(1000 + index)
    params0 = rng.normal(size=DIM)
    grads = rng.normal(size=(UPDATES, DIM)) * np.array([0.5, 1.0, 2.0])
    lrs = base_lr * (1.0 + 0.5 * np.sin(np.arange(UPDATES)))
    param = torch.tensor(params0, dtype=torch.float64, requires_grad=True)
    optimizer = TORCH_OPTIMIZERS[name]([param], lr=base_lr, foreach=False, **settings)
    group = optimizer.param_groups[0]
    positions = []
    for k in range(UPDATES):
        group["lr"] = float(lrs[k])
        if momenta is not None:
            if "betas" in group:
                group["betas"] = (momenta[k], group["betas"][1])
            else:
                group["momentum"] = momenta[k]
        param.grad = torch.tensor(grads[k], dtype=torch.float64)
        if max_norm is not None:
            torch.nn.utils.clip_grad_norm_([param], max_norm)
        optimizer.step()
        positions.append(param.detach().numpy().tolist())
    return {
        "label": label,
        "optimizer": name,
        "settings": {key: list(value) if isinstance(value, tuple) else value for key, value in settings.items()},
        "params0": params0.tolist(),
        "grads": grads.tolist(),
        "lrs": lrs.tolist(),
        "momenta": momenta,
        "max_norm": max_norm,
        "expected": positions,
    }


sched = torch.optim.lr_scheduler

# (label, schedule, base lr, steps, our params, torch factory, values, optimizer whose momentum is read)
SCHEDULE_CASES = [
    ("step", "step", 0.5, 60, {"step_size": 7, "gamma": 0.5}, lambda o: sched.StepLR(o, step_size=7, gamma=0.5), 61, None),
    ("multistep repeated milestone", "multistep", 0.5, 60, {"milestones": [5, 12, 12, 30], "gamma": 0.5},
     lambda o: sched.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.5), 61, None),
    ("exponential", "exponential", 0.5, 60, {"gamma": 0.93}, lambda o: sched.ExponentialLR(o, gamma=0.93), 61, None),
    ("cosine past t_max", "cosine", 0.5, 60, {"t_max": 20, "eta_min": 0.01},
     lambda o: sched.CosineAnnealingLR(o, T_max=20, eta_min=0.01), 61, None),
    ("cosine default t_max", "cosine", 0.5, 60, {}, lambda o: sched.CosineAnnealingLR(o, T_max=60), 61, None),
    ("cosine restarts t_mult 2", "cosine-restarts", 0.5, 60, {"t_0": 5, "t_mult": 2, "eta_min": 0.001},
     lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.001), 61, None),
    ("cosine restarts t_mult 1", "cosine-restarts", 0.5, 60, {"t_0": 7},
     lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=7), 61, None),
    ("linear warm-up", "linear", 0.5, 60, {"start_factor": 0.25, "total_iters": 10},
     lambda o: sched.LinearLR(o, start_factor=0.25, total_iters=10), 61, None),
    ("linear decay", "linear", 0.5, 60, {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 20},
     lambda o: sched.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=20), 61, None),
    ("linear defaults", "linear", 0.5, 60, {}, lambda o: sched.LinearLR(o), 61, None),
    ("one-cycle", "one-cycle", 0.5, 50, {"max_lr": 1.0},
     lambda o: sched.OneCycleLR(o, max_lr=1.0, total_steps=50), 51, "sgd"),
    ("one-cycle adam beta1", "one-cycle", 0.5, 40, {"max_lr": 0.01, "pct_start": 0.25},
     lambda o: sched.OneCycleLR(o, max_lr=0.01, total_steps=40, pct_start=0.25), 41, "adam"),
    ("one-cycle three phase", "one-cycle", 0.5, 60, {"max_lr": 1.0, "pct_start": 0.25, "three_phase": True},
     lambda o: sched.OneCycleLR(o, max_lr=1.0, total_steps=60, pct_start=0.25, three_phase=True), 61, "sgd"),
    ("one-cycle linear fractional peak", "one-cycle", 0.5, 60,
     {"max_lr": 2.0, "total_steps": 33, "anneal_strategy": "linear", "div_factor": 10.0, "final_div_factor": 100.0,
      "base_momentum": 0.8, "max_momentum": 0.9},
     lambda o: sched.OneCycleLR(o, max_lr=2.0, total_steps=33, anneal_strategy="linear", div_factor=10.0,
                                final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9), 34, "sgd"),
    ("one-cycle no momentum", "one-cycle", 0.5, 30, {"max_lr": 1.0, "cycle_momentum": False},
     lambda o: sched.OneCycleLR(o, max_lr=1.0, total_steps=30, cycle_momentum=False), 31, None),
    ("cyclic triangular asymmetric", "cyclic", 0.5, 60,
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "step_size_down": 10},
     lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5, step_size_down=10), 61, "sgd"),
    ("cyclic triangular2", "cyclic", 0.5, 60, {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "mode": "triangular2"},
     lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="triangular2"), 61, "sgd"),
    ("cyclic exp_range adam", "cyclic", 0.5, 60,
     {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 6, "mode": "exp_range", "gamma": 0.97},
     lambda o: sched.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6, mode="exp_range", gamma=0.97), 61, "adam"),
    ("cyclic base_lr from the run", "cyclic", 0.02, 60, {"max_lr": 0.2, "step_size_up": 8, "cycle_momentum": False},
     lambda o: sched.CyclicLR(o, base_lr=0.02, max_lr=0.2, step_size_up=8, cycle_momentum=False), 61, None),
]


def schedule_case(label, name, base_lr, steps, params, factory, count, momentum_from) -> dict:
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    if momentum_from == "adam":
        optimizer = torch.optim.Adam([param], lr=base_lr)
    else:
        optimizer = torch.optim.SGD([param], lr=base_lr, momentum=0.9)
    scheduler = factory(optimizer)
    group = optimizer.param_groups[0]
    lrs, momenta = [], []
    for k in range(count):
        lrs.append(float(group["lr"]))
        momenta.append(float(group["betas"][0] if momentum_from == "adam" else group["momentum"]))
        param.grad = torch.zeros_like(param)
        optimizer.step()
        if k < count - 1:
            scheduler.step()
    return {
        "label": label,
        "schedule": name,
        "base_lr": base_lr,
        "steps": steps,
        "params": params,
        "lr": lrs,
        "momentum": momenta if momentum_from is not None else None,
    }


def staircase() -> list[float]:
    """A loss that falls, stalls, falls a little (less than 10%), then stalls again."""
    losses = [1.0 * 0.8**k for k in range(6)]
    losses += [losses[-1]] * 8
    losses += [losses[-1] * (1 - 0.03 * (k + 1)) for k in range(6)]
    losses += [losses[-1] + 0.001 * (k % 3) for k in range(20)]
    losses += [losses[-1] * 0.5**k for k in range(1, 6)]
    losses += [losses[-1]] * 15
    return losses


def noisy_descent(seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    return (np.exp(-np.arange(60) / 15) + 0.05 * rng.random(60)).tolist()


def accuracy_like() -> list[float]:
    climb = [0.5 + 0.05 * k for k in range(8)]
    return climb + [climb[-1]] * 12 + [climb[-1] + 0.0005 * k for k in range(20)] + [0.95] * 20


# (label, base lr, our params (torch names lower-cased, same as torch's keywords), loss sequence)
PLATEAU_CASES = [
    ("rel threshold cooldown", 1.0, {"factor": 0.5, "patience": 3, "threshold": 0.1, "cooldown": 2}, staircase()),
    ("rel threshold cooldown noisy a", 1.0, {"factor": 0.5, "patience": 3, "threshold": 0.1, "cooldown": 2}, noisy_descent(1)),
    ("rel threshold cooldown noisy b", 1.0, {"factor": 0.5, "patience": 3, "threshold": 0.1, "cooldown": 2}, noisy_descent(2)),
    ("abs threshold min_lr", 1.0, {"factor": 0.5, "patience": 2, "threshold": 0.05, "threshold_mode": "abs", "min_lr": 0.2}, staircase()),
    ("defaults", 0.1, {}, staircase()),
    ("max mode rel", 0.3, {"mode": "max", "factor": 0.2, "patience": 4, "threshold": 0.01}, accuracy_like()),
    ("max mode abs cooldown", 0.3, {"mode": "max", "patience": 1, "threshold": 0.02, "threshold_mode": "abs", "cooldown": 5}, accuracy_like()),
    ("eps blocks small cuts", 1e-3, {"factor": 0.5, "patience": 1, "eps": 3e-4}, staircase()),
    ("patience zero", 0.5, {"factor": 0.7, "patience": 0}, noisy_descent(3)),
]


def plateau_case(label: str, base_lr: float, params: dict, losses: list[float]) -> dict:
    param = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=base_lr)
    scheduler = sched.ReduceLROnPlateau(optimizer, **params)
    lrs = []
    for loss in losses:
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        param.grad = torch.zeros_like(param)
        optimizer.step()
        scheduler.step(loss)
    return {"label": label, "base_lr": base_lr, "params": params, "losses": losses, "lr": lrs}


def main() -> None:
    torch.set_default_dtype(torch.float64)
    DATA.mkdir(exist_ok=True)
    optimizers = [optimizer_case(index, *case) for index, case in enumerate(OPTIMIZER_CASES)]
    schedules = [schedule_case(*case) for case in SCHEDULE_CASES]
    plateaus = [plateau_case(*case) for case in PLATEAU_CASES]
    source = f"torch {torch.__version__}, float64"
    for name, cases, key in (("optimizers", optimizers, "expected"), ("schedules", schedules, "lr"), ("plateau", plateaus, "lr")):
        for case in cases:
            if not np.all(np.isfinite(case[key])):
                raise SystemExit(f"torch gave a non-finite value in case {case['label']!r}")
        path = DATA / f"torch_{name}.json"
        path.write_text(json.dumps({"source": source, "cases": cases}, indent=1) + "\n")
        print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
