"""The playground's experiment: reading typed settings, editing scenes, and keeping going mid-run."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.content.models import FrozenMap, Scene, SceneRun, ScheduleStep
from studyapp.content.text import Text
from studyapp.descent import OPTIMIZERS, SCHEDULES, SURFACES, DescentError, Run, classify, make_surface, simulate
from studyapp.tui.experiment import (
    DEFAULT_SCENE,
    MAX_PLAYGROUND_RUNS,
    MOMENTUM_LADDER,
    Experiment,
    add_run,
    format_assignments,
    format_point,
    format_schedule,
    momentum_of,
    next_optimizer,
    next_schedule,
    parse_assignments,
    parse_point,
    parse_schedule,
    planned_rates,
    remove_run,
    scale_lr,
    scene_from_spec,
    schedule_presets,
    step_momentum,
    with_optimizer,
    with_run,
    with_start,
    with_steps,
    with_surface,
)
from studyapp.tui.scenes import scene_spec
from studyapp.tui.simrun import SceneRun as PanelRun


def quadratic(*lrs: float, steps: int = 100) -> Scene:
    return Scene(surface="quadratic", steps=steps, runs=tuple(SceneRun(id=f"run-{i + 1}", lr=lr) for i, lr in enumerate(lrs)))


# --- typed settings -------------------------------------------------------------------------


def _value(spec):
    """Values a learner could type for one parameter, within its declared range."""
    low = spec.minimum if spec.minimum is not None else 0.0
    high = spec.maximum if spec.maximum is not None else low + 1000.0
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "choice":
        return st.sampled_from(spec.choices)
    if spec.kind == "int":
        return st.integers(int(low), int(min(high, 10_000)))
    if spec.kind == "ints":
        return st.lists(st.integers(int(low), 10_000), min_size=1, max_size=3).map(tuple)
    if spec.kind == "floats":
        return st.tuples(*(st.floats(low, min(high, 0.999)) for _ in spec.default))
    return st.floats(low, high, allow_nan=False)


@st.composite
def named_params(draw, table):
    name = draw(st.sampled_from(sorted(table)))
    specs = table[name]
    chosen = draw(st.lists(st.sampled_from(specs), unique_by=lambda spec: spec.name, max_size=len(specs))) if specs else []
    return name, {spec.name: draw(_value(spec)) for spec in chosen}


@settings(max_examples=150, deadline=None)
@given(family=st.sampled_from([("optimizer", OPTIMIZERS), ("schedule", SCHEDULES), ("surface", SURFACES)]), data=st.data())
def test_typed_settings_read_back_what_was_written(family, data):
    word, table = family
    name, values = data.draw(named_params(table))
    text = format_assignments(values)
    read = parse_assignments(text, word, table, name)
    assert read.keys() == values.keys()
    for key, value in values.items():
        if isinstance(value, bool) or isinstance(value, str):
            assert read[key] == value
        else:  # numbers are written with six significant digits
            assert read[key] == pytest.approx(value, rel=1e-5, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(lr=st.floats(1e-4, 10.0), steps=st.integers(3, 5000), pick=st.integers(0, 100))
def test_schedule_text_reads_back_every_preset(lr, steps, pick):
    presets = schedule_presets(lr, steps)
    chain = presets[pick % len(presets)]
    text = format_schedule(chain)
    read = parse_schedule(text)
    assert [step.name for step in read] == [step.name for step in chain]
    assert [step.until for step in read] == [step.until for step in chain]
    for written, back in zip(chain, read):
        assert dict(back.params) == pytest.approx(dict(written.params), rel=1e-5)


def test_a_chained_warm_up_then_decay_is_read_as_two_schedules():
    chain = parse_schedule("linear start_factor=0.1 total_iters=20 until=20; cosine eta_min=0.001")
    assert chain == (
        ScheduleStep(name="linear", params=FrozenMap({"start_factor": 0.1, "total_iters": 20}), until=20),
        ScheduleStep(name="cosine", params=FrozenMap({"eta_min": 0.001})),
    )
    assert parse_schedule("") == parse_schedule("constant") == ()
    assert format_schedule(()) == "constant"


@pytest.mark.parametrize(
    "text, message",
    [
        ("momentum=x", "momentum must be a number, got 'x'"),
        ("momentum=2", "momentum must be <= 1, got 2"),
        ("nesterov=maybe", "nesterov must be true or false, got 'maybe'"),
        ("momentum", "write each setting as name=value, got 'momentum'"),
        ("speed=1", "optimizer 'sgd' takes no parameter 'speed'"),
        ("momentum=0.5 momentum=0.9", "momentum is given twice"),
    ],
)
def test_bad_settings_are_named(text, message):
    with pytest.raises(DescentError) as error:
        parse_assignments(text, "optimizer", OPTIMIZERS, "sgd")
    assert message in str(error.value)


@pytest.mark.parametrize(
    "text, message",
    [
        ("cosin", "unknown schedule 'cosin'"),
        ("linear until=x; cosine", "until must be a whole number of updates, got 'x'"),
        ("cosine;; step step_size=3", "an empty part"),
        ("step", "needs step_size"),
    ],
)
def test_bad_schedules_are_named(text, message):
    with pytest.raises(DescentError) as error:
        schedule = parse_schedule(text)
        Experiment(with_run(DEFAULT_SCENE, 0, dataclasses.replace(DEFAULT_SCENE.runs[0], schedule=schedule)))
    assert message in str(error.value)


@given(point=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=2))
def test_start_points_read_back(point):
    assert parse_point(format_point(point), len(point)) == pytest.approx(tuple(point), rel=1e-5, abs=1e-9)


def test_start_points_must_fit_the_surface():
    assert parse_point("  ", 2) is None
    with pytest.raises(DescentError, match="needs 2 values"):
        parse_point("1", 2)
    with pytest.raises(DescentError, match="must be numbers"):
        parse_point("1, a", 2)


# --- editing a scene ------------------------------------------------------------------------


def test_lr_scaling_reaches_the_schedules_learning_rates():
    run = SceneRun(id="r", lr=0.1, schedule=(ScheduleStep(name="one-cycle", params=FrozenMap({"max_lr": 0.4, "pct_start": 0.3})),))
    scaled = scale_lr(run, 2.0)
    assert scaled.lr == pytest.approx(0.2)
    assert dict(scaled.schedule[0].params) == {"max_lr": pytest.approx(0.8), "pct_start": 0.3}


def test_momentum_climbs_the_ladder_for_sgd_and_adam():
    run = SceneRun(id="r", lr=0.1)
    seen = [momentum_of(run)]
    for _ in range(len(MOMENTUM_LADDER)):
        run = step_momentum(run, 1)
        seen.append(momentum_of(run))
    assert seen == [*MOMENTUM_LADDER, MOMENTUM_LADDER[-1]]
    assert momentum_of(step_momentum(run, -1)) == MOMENTUM_LADDER[-2]
    adam = step_momentum(SceneRun(id="a", lr=0.1, optimizer="adam", settings=FrozenMap({"betas": (0.9, 0.99)})), 1)
    assert adam.settings["betas"] == (0.95, 0.99)
    with pytest.raises(DescentError, match="adagrad"):
        step_momentum(SceneRun(id="g", lr=0.1, optimizer="adagrad"), 1)


def test_switching_optimizer_keeps_only_settings_the_new_one_takes():
    run = SceneRun(id="r", lr=0.1, settings=FrozenMap({"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}))
    assert dict(with_optimizer(run, "rmsprop").settings) == {"momentum": 0.9, "weight_decay": 0.01}
    assert dict(with_optimizer(run, "adam").settings) == {"weight_decay": 0.01}
    names = []
    for _ in OPTIMIZERS:
        run = next_optimizer(run)
        names.append(run.optimizer)
    assert sorted(names) == sorted(OPTIMIZERS)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_schedule_preset_runs_with_every_optimizer(optimizer):
    run = SceneRun(id="r", lr=0.05, optimizer=optimizer)
    names = set()
    for _ in schedule_presets(run.lr, 60, optimizer):
        run = next_schedule(run, 60)
        names.add(tuple(step.name for step in run.schedule))
        experiment = Experiment(Scene(surface="ravine", steps=60, runs=(run,)))
        experiment.finish()
        assert experiment.k == 60
        cycles = experiment.trajectory().momenta is not None
        assert cycles == (optimizer != "adagrad" and bool(run.schedule) and run.schedule[0].name in ("one-cycle", "cyclic"))
    assert ("linear", "cosine") in names and () in names and len(names) == len(schedule_presets(run.lr, 60, optimizer))


def test_runs_are_added_up_to_four_and_removed_down_to_one():
    scene = quadratic(0.4)
    for _ in range(MAX_PLAYGROUND_RUNS - 1):
        scene = add_run(scene, 0)
    assert [run.lr for run in scene.runs] == [0.4, 0.2, 0.2, 0.2]
    assert len({run.id for run in scene.runs}) == MAX_PLAYGROUND_RUNS
    with pytest.raises(DescentError, match="up to 4"):
        add_run(scene, 0)
    for _ in range(MAX_PLAYGROUND_RUNS - 1):
        scene = remove_run(scene, 0)
    with pytest.raises(DescentError, match="at least one"):
        remove_run(scene, 0)


def test_changing_the_surface_resets_starts_only_when_the_dimension_changes():
    scene = with_start(DEFAULT_SCENE, (-5.0, 2.0))
    assert {run.x0 for run in with_surface(scene, "rosenbrock", {}).runs} == {(-5.0, 2.0)}
    assert {run.x0 for run in with_surface(scene, "quadratic", {}).runs} == {None}


def test_fewer_updates_cut_a_chain_that_no_longer_fits():
    run = SceneRun(id="r", lr=0.1, schedule=parse_schedule("linear total_iters=50 until=50; cosine"))
    scene = with_steps(Scene(surface="quadratic", steps=100, runs=(run,)), 40)
    assert scene.runs[0].schedule == (ScheduleStep(name="linear", params=FrozenMap({"total_iters": 50})),)
    Experiment(scene)  # the core accepts it


def test_a_simulation_panels_scene_comes_back_from_its_spec():
    scene = Scene(
        surface="ravine",
        params=FrozenMap({"kappa": 10.0}),
        steps=50,
        show=("loss", "path", "lr"),
        caption=Text(en="caption", ko="설명"),
        runs=(
            SceneRun(id="run-1", lr=0.05, label=Text(en="plain", ko="기본")),
            SceneRun(id="run-2", lr=0.02, label=Text.plain("warm"), x0=(-3.0, 1.0), schedule=parse_schedule("linear total_iters=10 until=10; cosine")),
        ),
    )
    spec = scene_spec(scene)
    assert scene_from_spec(spec) == scene
    nudged = PanelRun(spec, lr_scale=1.25)
    back = scene_from_spec(spec, nudged.runs)
    assert [run.lr for run in back.runs] == pytest.approx([0.0625, 0.025])
    assert all(run.label is None for run in back.runs)  # "plain" no longer describes a nudged lr


# --- the live experiment --------------------------------------------------------------------


def test_the_experiment_gives_the_core_s_numbers_update_by_update():
    experiment = Experiment(DEFAULT_SCENE)
    for _ in range(DEFAULT_SCENE.steps // 7 + 1):
        experiment.step(7)
    reference = simulate(make_surface("ravine"), [Run(run.lr, run.optimizer, dict(run.settings)) for run in DEFAULT_SCENE.runs], DEFAULT_SCENE.steps)
    np.testing.assert_array_equal(experiment.trajectory().positions, reference.positions)
    assert experiment.regimes == classify(make_surface("ravine"), reference)
    assert [regime.kind for regime in experiment.regimes] == ["slow", "converged", "diverged", "converged"]


def test_regimes_update_while_the_runs_advance():
    experiment = Experiment(quadratic(0.1, 1.05, steps=200))
    experiment.step(5)
    early = [regime.kind for regime in experiment.regimes]
    experiment.finish()
    assert early[0] != "converged"  # |x| = 0.9^5 after five updates: not there yet
    assert [regime.kind for regime in experiment.regimes] == ["converged", "diverged"]


def test_keep_going_continues_from_where_each_run_is():
    experiment = Experiment(quadratic(1.05, 0.1, steps=60))
    experiment.step(30)
    before = experiment.trajectory()
    calmer = with_run(experiment.scene, 0, scale_lr(experiment.scene.runs[0], 0.2))
    experiment.keep_going(calmer)
    assert experiment.k == 30 and experiment.horizon == 60
    experiment.finish()
    after = experiment.trajectory()
    assert after.positions.shape == (61, 2, 1) and after.lrs.shape == (60, 2)
    np.testing.assert_array_equal(after.positions[:31], before.positions)
    assert after.lrs[29, 0] == pytest.approx(1.05) and after.lrs[30, 0] == pytest.approx(0.21)
    # the first run was blowing up; at lr 0.21 it comes back and converges, from update 30 on
    assert experiment.regimes[0].kind == "converged" and experiment.regimes[0].converged_at > 30
    experiment.keep_going(experiment.scene)  # at the end: another 60 updates
    assert experiment.horizon == 120


def test_keep_going_refuses_a_different_number_of_runs_and_keeps_the_old_runs():
    experiment = Experiment(quadratic(0.1, steps=20))
    experiment.step(10)
    with pytest.raises(DescentError, match="restart"):
        experiment.keep_going(add_run(experiment.scene, 0))
    with pytest.raises(DescentError):
        experiment.restart(with_run(experiment.scene, 0, dataclasses.replace(experiment.scene.runs[0], optimizer="adagrad", schedule=parse_schedule("one-cycle max_lr=1"))))
    assert experiment.k == 10 and len(experiment.scene.runs) == 1


@settings(max_examples=30, deadline=None)
@given(
    optimizer=st.sampled_from(list(OPTIMIZERS)),
    picks=st.lists(st.integers(0, 7), min_size=1, max_size=3),
    steps=st.integers(3, 150),
    lr=st.floats(1e-3, 0.05),
)
def test_the_lr_plan_is_what_the_runs_use(optimizer, picks, steps, lr):
    runs = []
    for index, pick in enumerate(picks):
        presets = schedule_presets(lr, steps, optimizer)
        runs.append(SceneRun(id=f"run-{index + 1}", lr=lr * (index + 1), optimizer=optimizer, schedule=presets[pick % len(presets)]))
    scene = Scene(surface="ravine", steps=steps, runs=tuple(runs))
    lrs, momenta = planned_rates(scene)
    experiment = Experiment(scene)
    experiment.finish()
    used = experiment.trajectory()
    known = ~np.isnan(lrs)  # reduce-on-plateau's lrs follow the losses: not planned
    np.testing.assert_allclose(lrs[known], used.lrs[known], rtol=1e-12)
    assert known.all(axis=0).tolist() == [not run.schedule or run.schedule[0].name != "reduce-on-plateau" for run in runs]
    np.testing.assert_allclose(experiment.lr_plan()[0], used.lrs, rtol=1e-12)  # once run, the plan is the lrs used
    assert (momenta is None) == (used.momenta is None)
    if momenta is not None:
        np.testing.assert_allclose(np.nan_to_num(momenta, nan=-1.0), np.nan_to_num(used.momenta, nan=-1.0))


def test_the_lr_plan_keeps_the_lrs_used_before_a_change():
    experiment = Experiment(quadratic(0.1, steps=50))
    experiment.step(20)
    experiment.keep_going(with_run(experiment.scene, 0, dataclasses.replace(experiment.scene.runs[0], schedule=parse_schedule("cosine"))))
    lrs, _ = experiment.lr_plan()
    assert lrs.shape == (50, 1)
    assert lrs[:20, 0] == pytest.approx([0.1] * 20)
    assert lrs[20, 0] == pytest.approx(0.1) and lrs[-1, 0] < 0.01  # the cosine over the 30 updates left
