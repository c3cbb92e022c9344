"""The descent core: surfaces, optimizers, schedules, batched simulation, regimes, theory.

Pure NumPy in float64, with no UI and no I/O, so that the app, the command line and the
content validator all run the same numbers. Bad input raises DescentError with one line.
"""

from studyapp.descent.errors import DescentError
from studyapp.descent.optimizers import OPTIMIZERS, Optimizer, apply_updates, clip_by_norm, make_optimizer
from studyapp.descent.params import ParamSpec, check_params
from studyapp.descent.range_test import RangeTest, lr_range_test
from studyapp.descent.regimes import REGIMES, Regime, classify
from studyapp.descent.schedules import SCHEDULES, ReduceOnPlateau, Schedule, join_schedules, make_schedule
from studyapp.descent.simulate import MAX_RUN_STEPS, MAX_RUNS, MAX_STEPS, Run, ScheduleSpec, Simulation, Trajectory, plan_schedule, simulate
from studyapp.descent.surfaces import SURFACES, Surface, make_surface
from studyapp.descent.sweep import StabilityMap, log_range, parse_range, sweep_lr, sweep_lr_momentum
from studyapp.descent.theory import (
    QuadraticLimits,
    best_fixed_lr,
    best_fixed_rate,
    fastest_lr,
    heavy_ball_limit,
    heavy_ball_optimum,
    quadratic_limits,
    stability_limit,
)

__all__ = [
    "MAX_RUNS",
    "MAX_RUN_STEPS",
    "MAX_STEPS",
    "OPTIMIZERS",
    "REGIMES",
    "SCHEDULES",
    "SURFACES",
    "DescentError",
    "Optimizer",
    "ParamSpec",
    "QuadraticLimits",
    "RangeTest",
    "ReduceOnPlateau",
    "Regime",
    "Run",
    "Schedule",
    "ScheduleSpec",
    "Simulation",
    "StabilityMap",
    "Surface",
    "Trajectory",
    "apply_updates",
    "best_fixed_lr",
    "best_fixed_rate",
    "check_params",
    "classify",
    "clip_by_norm",
    "fastest_lr",
    "heavy_ball_limit",
    "heavy_ball_optimum",
    "join_schedules",
    "log_range",
    "lr_range_test",
    "make_optimizer",
    "make_schedule",
    "make_surface",
    "parse_range",
    "quadratic_limits",
    "plan_schedule",
    "simulate",
    "stability_limit",
    "sweep_lr",
    "sweep_lr_momentum",
]
