"""Closed-form step-size limits for quadratics, so explanations can quote exact numbers.

On a quadratic with Hessian eigenvalues mu..L, gradient descent multiplies the error
along eigenvalue lam by (1 - lr*lam) each update; heavy ball (torch's SGD momentum)
converges iff 0 < lr*lam < 2 + 2*momentum. Everything below follows from that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from studyapp.descent.errors import DescentError
from studyapp.descent.surfaces import Surface


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise DescentError(f"{name} must be > 0, got {value:g}")
    return value


def _spectrum(mu: float, L: float) -> tuple[float, float]:
    mu, L = _positive("mu", mu), _positive("L", L)
    if mu > L:
        raise DescentError(f"mu must be <= L, got mu {mu:g} and L {L:g}")
    return mu, L


def stability_limit(L: float) -> float:
    """Largest lr for which plain gradient descent does not diverge: 2/L."""
    return 2.0 / _positive("L", L)


def fastest_lr(L: float) -> float:
    """The lr that removes the error along curvature L in one update: 1/L."""
    return 1.0 / _positive("L", L)


def best_fixed_lr(mu: float, L: float) -> float:
    """The constant lr with the best worst-case rate on eigenvalues mu..L: 2/(mu+L)."""
    mu, L = _spectrum(mu, L)
    return 2.0 / (mu + L)


def best_fixed_rate(mu: float, L: float) -> float:
    """The error contraction per update at best_fixed_lr: (kappa-1)/(kappa+1)."""
    mu, L = _spectrum(mu, L)
    return (L - mu) / (L + mu)


def heavy_ball_limit(L: float, momentum: float) -> float:
    """Largest lr for which heavy ball with this momentum does not diverge: (2+2*momentum)/L."""
    momentum = float(momentum)
    if not 0.0 <= momentum < 1.0:
        raise DescentError(f"momentum must be in [0, 1), got {momentum:g}")
    return (2.0 + 2.0 * momentum) / _positive("L", L)


def heavy_ball_optimum(mu: float, L: float) -> tuple[float, float, float]:
    """Polyak's best heavy-ball settings on eigenvalues mu..L: (lr, momentum, rate)."""
    mu, L = _spectrum(mu, L)
    root_mu, root_L = math.sqrt(mu), math.sqrt(L)
    lr = (2.0 / (root_mu + root_L)) ** 2
    momentum = ((root_L - root_mu) / (root_L + root_mu)) ** 2
    return lr, momentum, (root_L - root_mu) / (root_L + root_mu)


@dataclass(frozen=True)
class QuadraticLimits:
    """Every limit above for one quadratic surface."""

    mu: float
    L: float
    kappa: float
    stability_limit: float
    fastest_lr: float
    best_fixed_lr: float
    best_fixed_rate: float
    heavy_ball_lr: float
    heavy_ball_momentum: float
    heavy_ball_rate: float


def quadratic_limits(surface: Surface) -> QuadraticLimits | None:
    """The limits of a quadratic surface (from its curvature), or None when it is not a quadratic."""
    if surface.curvature is None:
        return None
    mu, L = min(surface.curvature), max(surface.curvature)
    lr, momentum, rate = heavy_ball_optimum(mu, L)
    return QuadraticLimits(
        mu=mu,
        L=L,
        kappa=L / mu,
        stability_limit=stability_limit(L),
        fastest_lr=fastest_lr(L),
        best_fixed_lr=best_fixed_lr(mu, L),
        best_fixed_rate=best_fixed_rate(mu, L),
        heavy_ball_lr=lr,
        heavy_ball_momentum=momentum,
        heavy_ball_rate=rate,
    )
