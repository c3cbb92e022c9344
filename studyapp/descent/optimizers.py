"""Optimizers with torch.optim's names, defaults and update rules, batched over runs.

Each optimizer is an optax-style pure pair: `init(params)` builds the state (a NamedTuple
of arrays whose first axis is the run) and `update(grads, state, params, lr, momentum=None)`
returns the *updates* to add with `apply_updates`, plus the new state. Nothing is mutated,
so a simulation can freeze, copy or replay runs freely.

Arrays are batched: params and grads are (B, d), lr is (B,), and every numeric setting is
either one number for all runs or an array with one value per run along its first axis
(`momentum` of shape (B,), `betas` of shape (B, 2)). One NumPy call per update then advances
a whole sweep of learning rates or settings at once. Flags (`nesterov`, `amsgrad`,
`centered`) take one value for the whole batch, since they change which rule runs.

Given the same gradients, the updates reproduce torch's in float64 to rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from studyapp.descent.errors import DescentError
from studyapp.descent.params import ParamSpec, check_params, coerce

__all__ = [
    "OPTIMIZERS",
    "AdagradState",
    "AdamState",
    "NAdamState",
    "Optimizer",
    "RMSpropState",
    "SGDState",
    "apply_updates",
    "clip_by_norm",
    "make_optimizer",
]

_WEIGHT_DECAY = ParamSpec("weight_decay", 0.0, "float", "L2 penalty added to the gradient: g += weight_decay·θ", minimum=0.0)
_BETAS = ParamSpec("betas", (0.9, 0.999), "floats", "decay rates of the first and second moment averages (each < 1)", minimum=0.0, maximum=1.0)
_ADAM_EPS = ParamSpec("eps", 1e-8, "float", "added to the denominator for numerical stability", minimum=0.0)
_AMSGRAD = ParamSpec("amsgrad", False, "bool", "divide by the running maximum of the second moment (AMSGrad)")

OPTIMIZERS: dict[str, tuple[ParamSpec, ...]] = {
    "sgd": (
        ParamSpec("momentum", 0.0, "float", "heavy-ball momentum factor", minimum=0.0, maximum=1.0),
        ParamSpec("dampening", 0.0, "float", "dampening of the gradient added to the momentum buffer", minimum=0.0, maximum=1.0),
        _WEIGHT_DECAY,
        ParamSpec("nesterov", False, "bool", "Nesterov momentum (needs momentum > 0 and dampening 0)"),
    ),
    "adagrad": (
        ParamSpec("lr_decay", 0.0, "float", "lr decay per update: lr / (1 + (t-1)·lr_decay)", minimum=0.0),
        _WEIGHT_DECAY,
        ParamSpec("initial_accumulator_value", 0.0, "float", "starting value of the sum of squared gradients", minimum=0.0),
        ParamSpec("eps", 1e-10, "float", "added to the denominator for numerical stability", minimum=0.0),
    ),
    "rmsprop": (
        ParamSpec("alpha", 0.99, "float", "smoothing constant of the squared-gradient average", minimum=0.0, maximum=1.0),
        _ADAM_EPS,
        _WEIGHT_DECAY,
        ParamSpec("momentum", 0.0, "float", "momentum factor", minimum=0.0, maximum=1.0),
        ParamSpec("centered", False, "bool", "normalise by the estimated variance of the gradient"),
    ),
    "adam": (_BETAS, _ADAM_EPS, _WEIGHT_DECAY, _AMSGRAD),
    "adamw": (
        _BETAS,
        _ADAM_EPS,
        ParamSpec("weight_decay", 1e-2, "float", "decoupled weight decay: θ *= 1 - lr·weight_decay", minimum=0.0),
        _AMSGRAD,
    ),
    "nadam": (
        _BETAS,
        _ADAM_EPS,
        _WEIGHT_DECAY,
        ParamSpec("momentum_decay", 4e-3, "float", "momentum decay ψ of the Nesterov momentum schedule", minimum=0.0),
    ),
}

# A setting once checked: a number for every run, or a (B, 1) column with one value per run.
Setting = float | np.ndarray
Update = Callable[..., tuple[np.ndarray, Any]]


@dataclass(frozen=True)
class Optimizer:
    """A pure (init, update) pair.

    `update(grads, state, params, lr, momentum=None) -> (updates, new_state)`:
    grads and params are (B, d), lr is (B,). `momentum` (B,), when given, replaces SGD's or
    RMSprop's momentum, or the Adam family's beta1, for this update only, as torch's one-cycle
    and cyclic schedules do by rewriting the optimizer's settings before each step; a NaN
    entry keeps that run's configured value.
    """

    name: str
    init: Callable[[np.ndarray], Any]
    update: Update


class SGDState(NamedTuple):
    momentum_buffer: np.ndarray  # (B, d)
    has_buffer: np.ndarray  # (B,) bool: torch starts the buffer at g on the first update with momentum != 0


class AdagradState(NamedTuple):
    step: np.ndarray  # (B,) updates made so far
    sum: np.ndarray  # (B, d) sum of squared gradients


class RMSpropState(NamedTuple):
    square_avg: np.ndarray  # (B, d)
    grad_avg: np.ndarray  # (B, d), used when centered
    momentum_buffer: np.ndarray  # (B, d), used when momentum > 0


class AdamState(NamedTuple):
    step: np.ndarray  # (B,)
    exp_avg: np.ndarray  # (B, d)
    exp_avg_sq: np.ndarray  # (B, d)
    max_exp_avg_sq: np.ndarray  # (B, d), used with amsgrad


class NAdamState(NamedTuple):
    step: np.ndarray  # (B,)
    exp_avg: np.ndarray  # (B, d)
    exp_avg_sq: np.ndarray  # (B, d)
    mu_product: np.ndarray  # (B,) product of the momentum schedule so far


def apply_updates(params: np.ndarray, updates: np.ndarray) -> np.ndarray:
    """New parameters: the updates are added, as in optax."""
    return params + updates


def clip_by_norm(grads: np.ndarray, max_norm: float | np.ndarray) -> np.ndarray:
    """Scale each run's gradient to norm at most `max_norm`, as torch's clip_grad_norm_.

    `grads *= min(1, max_norm / (‖grads‖ + 1e-6))` per run (row). `max_norm` is one number
    or one per run; NaN or inf means that run is not clipped.
    """
    limit = np.asarray(max_norm, dtype=float)
    if np.any(limit <= 0):
        bad = limit[limit <= 0].flat[0]
        raise DescentError(f"max_norm must be > 0, got {bad:g}")
    clipped = np.isfinite(limit)
    safe_limit = np.where(clipped, limit, 1.0)
    norm = np.sqrt(np.sum(grads * grads, axis=1))
    coef = np.where(clipped, np.minimum(safe_limit / (norm + 1e-6), 1.0), 1.0)
    return grads * coef[:, None]


def _column(value: Setting) -> Setting:
    return value.reshape(-1, 1) if isinstance(value, np.ndarray) else value


def _lr_column(lr: float | np.ndarray) -> np.ndarray:
    return np.reshape(np.asarray(lr, dtype=float), (-1, 1))


def _checked_settings(name: str, settings: Mapping[str, Any]) -> dict[str, Any]:
    """check_params, extended to arrays holding one value per run."""
    scalars: dict[str, Any] = {}
    per_run: dict[str, np.ndarray] = {}
    for key, value in settings.items():
        if isinstance(value, np.ndarray) and value.ndim > 0:
            per_run[key] = value
            scalars[key] = None  # the name is still checked; the values are checked below
        else:
            scalars[key] = value.item() if isinstance(value, np.ndarray) else value
    checked = check_params("optimizer", OPTIMIZERS, name, scalars)
    specs = {spec.name: spec for spec in OPTIMIZERS[name]}
    owner = f"optimizer {name!r}"
    for key, values in per_run.items():
        spec = specs[key]
        if spec.kind == "bool":
            raise DescentError(f"{owner}: {key} is a flag and takes one value for the whole batch")
        shape = "(runs, 2)" if spec.kind == "floats" else "(runs,)"
        if values.ndim != (2 if spec.kind == "floats" else 1):
            raise DescentError(f"{owner}: {key} per run must have shape {shape}, got {values.shape}")
        for item in np.unique(values, axis=0).tolist():
            coerce(owner, spec, item)
        checked[key] = values.astype(float)
    return checked


def _runs_of(setting: Setting) -> int | None:
    return setting.shape[0] if isinstance(setting, np.ndarray) else None


def _check_batch(name: str, settings: Mapping[str, Setting], params: np.ndarray) -> None:
    if params.ndim != 2:
        raise DescentError(f"optimizer {name!r}: params must have shape (runs, dim), got {params.shape}")
    for key, value in settings.items():
        runs = _runs_of(value)
        if runs is not None and runs != params.shape[0]:
            raise DescentError(f"optimizer {name!r}: {key} has {runs} values but there are {params.shape[0]} runs")


def _split_betas(name: str, betas: Any) -> tuple[Setting, Setting]:
    if isinstance(betas, np.ndarray):
        beta1, beta2 = betas[:, 0], betas[:, 1]
    else:
        beta1, beta2 = betas
    for label, beta in (("betas[0]", beta1), ("betas[1]", beta2)):
        if np.any(np.asarray(beta) >= 1.0):
            raise DescentError(f"optimizer {name!r}: {label} must be < 1, got {np.max(beta):g}")
    return _column(beta1), _column(beta2)


def _effective(configured: Setting, override: np.ndarray | None) -> Setting:
    """The momentum (or beta1) in force for this update: the override where it is not NaN."""
    if override is None:
        return configured
    values = _lr_column(override)
    return np.where(np.isnan(values), configured, values)


def _with_weight_decay(grads: np.ndarray, params: np.ndarray, weight_decay: Setting) -> np.ndarray:
    if isinstance(weight_decay, float) and weight_decay == 0.0:
        return grads
    return grads + weight_decay * params


def _sgd(settings: dict[str, Any]) -> tuple[Callable, Update]:
    configured_momentum, dampening = _column(settings["momentum"]), _column(settings["dampening"])
    weight_decay, nesterov = _column(settings["weight_decay"]), settings["nesterov"]
    if nesterov and (np.any(np.asarray(configured_momentum) <= 0) or np.any(np.asarray(dampening) != 0)):
        raise DescentError(
            f"optimizer 'sgd': nesterov needs momentum > 0 and dampening 0, got momentum {np.min(configured_momentum):g}, dampening {np.max(dampening):g}"
        )

    def init(params: np.ndarray) -> SGDState:
        return SGDState(np.zeros_like(params), np.zeros(params.shape[0], dtype=bool))

    def update(grads, state: SGDState, params, lr, momentum=None):
        mu = _effective(configured_momentum, momentum)
        g = _with_weight_decay(grads, params, weight_decay)
        active = np.broadcast_to(np.asarray(mu) != 0, (grads.shape[0], 1))
        continued = mu * state.momentum_buffer + (1 - dampening) * g
        buffer = np.where(state.has_buffer[:, None], continued, g)
        buffer = np.where(active, buffer, state.momentum_buffer)
        stepped = g + mu * buffer if nesterov else buffer
        direction = np.where(active, stepped, g)
        return -_lr_column(lr) * direction, SGDState(buffer, state.has_buffer | active[:, 0])

    return init, update


def _no_momentum(name: str, momentum: np.ndarray | None) -> None:
    if momentum is not None and not np.all(np.isnan(momentum)):
        raise DescentError(f"optimizer {name!r} has no momentum to cycle (set cycle_momentum to false)")


def _adagrad(settings: dict[str, Any]) -> tuple[Callable, Update]:
    lr_decay, weight_decay = _column(settings["lr_decay"]), _column(settings["weight_decay"])
    initial, eps = _column(settings["initial_accumulator_value"]), _column(settings["eps"])

    def init(params: np.ndarray) -> AdagradState:
        return AdagradState(np.zeros(params.shape[0], dtype=np.int64), np.zeros_like(params) + initial)

    def update(grads, state: AdagradState, params, lr, momentum=None):
        _no_momentum("adagrad", momentum)
        step = state.step + 1
        g = _with_weight_decay(grads, params, weight_decay)
        decayed_lr = _lr_column(lr) / (1 + (step[:, None] - 1) * lr_decay)
        total = state.sum + g * g
        return -decayed_lr * (g / (np.sqrt(total) + eps)), AdagradState(step, total)

    return init, update


def _rmsprop(settings: dict[str, Any]) -> tuple[Callable, Update]:
    alpha, eps = _column(settings["alpha"]), _column(settings["eps"])
    weight_decay, configured_momentum = _column(settings["weight_decay"]), _column(settings["momentum"])
    centered = settings["centered"]

    def init(params: np.ndarray) -> RMSpropState:
        return RMSpropState(np.zeros_like(params), np.zeros_like(params), np.zeros_like(params))

    def update(grads, state: RMSpropState, params, lr, momentum=None):
        mu = _effective(configured_momentum, momentum)
        g = _with_weight_decay(grads, params, weight_decay)
        square_avg = alpha * state.square_avg + (1 - alpha) * (g * g)
        grad_avg = state.grad_avg
        if centered:
            grad_avg = alpha * grad_avg + (1 - alpha) * g
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            denom = np.sqrt(square_avg) + eps
        scaled = g / denom
        active = np.asarray(mu) > 0
        buffer = np.where(active, mu * state.momentum_buffer + scaled, state.momentum_buffer)
        direction = np.where(active, buffer, scaled)
        return -_lr_column(lr) * direction, RMSpropState(square_avg, grad_avg, buffer)

    return init, update


def _adam(settings: dict[str, Any], decoupled: bool) -> tuple[Callable, Update]:
    name = "adamw" if decoupled else "adam"
    beta1, beta2 = _split_betas(name, settings["betas"])
    eps, weight_decay, amsgrad = _column(settings["eps"]), _column(settings["weight_decay"]), settings["amsgrad"]

    def init(params: np.ndarray) -> AdamState:
        zeros = np.zeros_like(params)
        return AdamState(np.zeros(params.shape[0], dtype=np.int64), zeros, zeros, zeros)

    def update(grads, state: AdamState, params, lr, momentum=None):
        b1 = _effective(beta1, momentum)
        lr = _lr_column(lr)
        step = state.step + 1
        t = step[:, None].astype(float)
        g, decay = grads, 0.0
        if decoupled and not (isinstance(weight_decay, float) and weight_decay == 0.0):
            decay = -(lr * weight_decay) * params
        elif not decoupled:
            g = _with_weight_decay(grads, params, weight_decay)
        exp_avg = b1 * state.exp_avg + (1 - b1) * g
        exp_avg_sq = beta2 * state.exp_avg_sq + (1 - beta2) * (g * g)
        max_exp_avg_sq = np.maximum(state.max_exp_avg_sq, exp_avg_sq) if amsgrad else state.max_exp_avg_sq
        second = max_exp_avg_sq if amsgrad else exp_avg_sq
        step_size = lr / (1 - b1**t)
        denom = np.sqrt(second) / np.sqrt(1 - beta2**t) + eps
        updates = decay - step_size * (exp_avg / denom)
        return updates, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq)

    return init, update


def _nadam(settings: dict[str, Any]) -> tuple[Callable, Update]:
    beta1, beta2 = _split_betas("nadam", settings["betas"])
    eps, weight_decay, momentum_decay = _column(settings["eps"]), _column(settings["weight_decay"]), _column(settings["momentum_decay"])

    def init(params: np.ndarray) -> NAdamState:
        zeros = np.zeros_like(params)
        return NAdamState(np.zeros(params.shape[0], dtype=np.int64), zeros, zeros, np.ones(params.shape[0]))

    def update(grads, state: NAdamState, params, lr, momentum=None):
        b1 = _effective(beta1, momentum)
        lr = _lr_column(lr)
        step = state.step + 1
        t = step[:, None].astype(float)
        g = _with_weight_decay(grads, params, weight_decay)
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        mu_product = state.mu_product[:, None] * mu
        exp_avg = b1 * state.exp_avg + (1 - b1) * g
        exp_avg_sq = beta2 * state.exp_avg_sq + (1 - beta2) * (g * g)
        denom = np.sqrt(exp_avg_sq / (1 - beta2**t)) + eps
        updates = (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom) + (-lr * mu_next / (1.0 - mu_product * mu_next)) * (
            exp_avg / denom
        )
        return updates, NAdamState(step, exp_avg, exp_avg_sq, mu_product[:, 0])

    return init, update


_BUILDERS: dict[str, Callable[[dict[str, Any]], tuple[Callable, Update]]] = {
    "sgd": _sgd,
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adam": lambda settings: _adam(settings, decoupled=False),
    "adamw": lambda settings: _adam(settings, decoupled=True),
    "nadam": _nadam,
}


def make_optimizer(name: str, **settings: Any) -> Optimizer:
    """Build optimizer `name` with torch's defaults for every setting not given.

    Raises DescentError for an unknown name or setting, or a value out of range.
    """
    checked = _checked_settings(name, settings)
    init, update = _BUILDERS[name](checked)
    per_run = {key: value for key, value in checked.items() if isinstance(value, np.ndarray)}

    def checked_init(params: np.ndarray) -> Any:
        params = np.asarray(params, dtype=float)
        _check_batch(name, per_run, params)
        return init(params)

    return Optimizer(name=name, init=checked_init, update=update)
