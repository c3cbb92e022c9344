"""`studyapp sim`: JSON shape, regimes in words, generated options, plots and bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studyapp.cli import main
from studyapp.commands.sim import OPTIONS, InputError, Line, chart, draw, parse_numbers, regime_lines
from studyapp.descent import OPTIMIZERS, SCHEDULES, SURFACES, Run, classify, make_schedule, make_surface, simulate


def sim(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["sim", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def sim_json(capsys, *argv: str) -> list[dict]:
    status, out, err = sim(capsys, *argv, "--json")
    assert status == 0 and err == ""
    return json.loads(out)["runs"]


def test_json_shape_and_the_seed_table(capsys):
    runs = sim_json(capsys, "--lr", "0.01,0.1,0.7,0.99,1.01", "--steps", "100")
    assert [run["lr"] for run in runs] == [0.01, 0.1, 0.7, 0.99, 1.01]
    assert [run["regime"] for run in runs] == ["slow", "converged", "converged", "oscillating", "diverged"]
    for run in runs:
        assert set(run) == {"lr", "x", "loss", "lrs", "regime", "converged_at", "diverged_at"}
        assert len(run["x"]) == 101 and len(run["x"][0]) == 1
        assert len(run["loss"]) == 101 and len(run["lrs"]) == 100
    assert runs[2]["converged_at"] <= 10 and runs[2]["diverged_at"] is None
    assert runs[4]["diverged_at"] is not None and runs[4]["converged_at"] is None
    assert abs(runs[4]["x"][100][0]) == pytest.approx(7.24, rel=1e-3)
    expected = simulate(make_surface("quadratic"), [Run(0.7)], 100)
    np.testing.assert_array_equal(np.array(runs[2]["x"]), expected.positions[:, 0])


def test_regimes_in_words_and_the_plots(capsys):
    status, out, err = sim(capsys, "--lr", "0.7,0.99,1.01", "--steps", "100")
    assert status == 0 and err == ""
    assert "lr 0.7: converged at update 4" in out
    assert "lr 0.99: oscillating" in out
    assert "lr 1.01: diverged at update 1" in out
    assert "loss on quadratic (log scale)" in out  # the losses span many decades
    assert "path on quadratic" in out
    assert "1e-" in out  # decade labels
    assert "\x1b[" not in out  # no colour codes when not writing to a terminal


def test_a_2d_surface_draws_the_path_in_the_plane(capsys):
    status, out, _ = sim(capsys, "--surface", "ravine", "--lr", "0.02,0.081")
    assert status == 0
    assert "path on ravine (x, y)" in out
    assert "lr 0.02: slow (loss 0.879 after 100 updates)" in out
    assert "lr 0.081: diverged at update" in out


def test_trapped_runs_name_the_local_minimum(capsys):
    status, out, _ = sim(capsys, "--surface", "double-well", "--lr", "0.01", "--steps", "300")
    assert status == 0
    assert "lr 0.01: trapped in the local minimum at (0.96) from update" in out


def test_every_parameter_of_every_optimizer_and_schedule_has_an_option():
    flags = {option.flag for option in OPTIONS}
    for table, family in ((OPTIMIZERS, "optimizer"), (SCHEDULES, "schedule")):
        for specs in table.values():
            for spec in specs:
                matching = [o for o in OPTIONS if o.family == family and o.spec.name == spec.name]
                assert len(matching) == 1
                assert matching[0].flag in flags
                assert matching[0].spec.kind == spec.kind  # one option converts the value for every owner
    named = {o.flag for o in OPTIONS}
    for flag in ("--momentum", "--dampening", "--nesterov", "--weight-decay", "--betas", "--eps", "--amsgrad", "--alpha", "--centered", "--lr-decay",
                 "--step-size", "--gamma", "--milestones", "--t-max", "--eta-min", "--t-0", "--t-mult", "--start-factor", "--end-factor", "--total-iters",
                 "--max-lr", "--pct-start", "--div-factor", "--final-div-factor", "--three-phase", "--base-lr", "--step-size-up", "--step-size-down",
                 "--mode", "--factor", "--patience", "--decay-rate", "--decay-steps", "--schedule-eps"):
        assert flag in named, flag


def test_optimizer_settings_reach_the_optimizer(capsys):
    runs = sim_json(capsys, "--surface", "ravine", "--lr", "0.02", "--momentum", "0.9", "--nesterov", "--weight-decay", "0.01", "--steps", "30")
    expected = simulate(make_surface("ravine"), [Run(0.02, settings={"momentum": 0.9, "nesterov": True, "weight_decay": 0.01})], 30)
    np.testing.assert_array_equal(np.array(runs[0]["x"]), expected.positions[:, 0])
    adam = sim_json(capsys, "--surface", "ravine", "--optimizer", "adam", "--lr", "0.1", "--betas", "0.8,0.99", "--amsgrad", "--steps", "30")
    expected = simulate(make_surface("ravine"), [Run(0.1, "adam", {"betas": (0.8, 0.99), "amsgrad": True})], 30)
    np.testing.assert_array_equal(np.array(adam[0]["x"]), expected.positions[:, 0])


def test_schedule_parameters_reach_the_schedule(capsys):
    runs = sim_json(capsys, "--lr", "0.1", "--schedule", "one-cycle", "--max-lr", "0.8", "--pct-start", "0.25", "--steps", "40")
    np.testing.assert_allclose(runs[0]["lrs"], make_schedule("one-cycle", 0.1, 40, max_lr=0.8, pct_start=0.25).lr(np.arange(40)))
    multistep = sim_json(capsys, "--lr", "0.1", "--schedule", "multistep", "--milestones", "5,5,12", "--gamma", "0.5", "--steps", "20")
    assert multistep[0]["lrs"][4] == 0.1 and multistep[0]["lrs"][5] == pytest.approx(0.025) and multistep[0]["lrs"][12] == pytest.approx(0.0125)
    plateau = sim_json(capsys, "--surface", "plateau", "--lr", "0.1", "--schedule", "reduce-on-plateau", "--patience", "1", "--schedule-eps", "0.5", "--steps", "10")
    assert set(plateau[0]["lrs"]) == {0.1}  # every cut of 0.09 is smaller than eps 0.5, so none is made
    no_cycle = sim_json(capsys, "--optimizer", "adagrad", "--schedule", "one-cycle", "--max-lr", "0.5", "--no-cycle-momentum", "--steps", "10")
    assert no_cycle[0]["regime"] in ("converged", "slow")


def test_surface_parameters(capsys):
    runs = sim_json(capsys, "--surface", "ravine", "--param", "kappa=4", "--lr", "0.2", "--x0", "1,1", "--steps", "5")
    assert runs[0]["x"][1] == pytest.approx([0.8, 0.2])  # y factor 1 - 0.2*4
    logistic = sim_json(capsys, "--surface", "regression", "--param", "model=logistic", "--param", "batch_size=16", "--lr", "0.5", "--steps", "20")
    expected = simulate(make_surface("regression", model="logistic", batch_size=16), [Run(0.5)], 20)
    np.testing.assert_array_equal(np.array(logistic[0]["x"]), expected.positions[:, 0])


def test_max_norm_clips(capsys):
    runs = sim_json(capsys, "--x0", "100", "--lr", "0.1", "--max-norm", "1", "--steps", "1")
    assert runs[0]["x"][1][0] == pytest.approx(99.9, abs=1e-6)


def test_list_shows_every_name_parameter_and_default(capsys):
    status, out, _ = sim(capsys, "--list")
    assert status == 0
    for table in (SURFACES, OPTIMIZERS, SCHEDULES):
        for name in table:
            assert f"\n  {name}" in out
    assert "--param kappa=25" in out
    assert "--weight-decay 0.01" in out  # adamw's default
    assert "--betas 0.9,0.999" in out
    assert "--max-lr (required)" in out
    assert "--schedule-eps 1e-08" in out


def test_range_test(capsys):
    status, out, err = sim(capsys, "--surface", "regression", "--range-test")
    assert status == 0 and err == ""
    assert "LR range test on regression (sgd)" in out
    assert "suggested lr: steep" in out
    status, out, _ = sim(capsys, "--surface", "regression", "--range-test", "--json")
    result = json.loads(out)["range_test"]
    assert result["stopped_early"] is True
    assert result["lrs"][0] == pytest.approx(1e-7) and len(result["lrs"]) == len(result["smoothed"]) == len(result["losses"])
    assert result["lrs"][0] <= result["steep"] <= result["lrs"][-1]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--surface", "ravin"], "unknown surface 'ravin' (known: quadratic, ravine,"),
        (["--lr", "-0.1"], "lr must be > 0, got -0.1"),
        (["--lr", "0.1,x"], "--lr must be a number, got 'x'"),
        (["--lr", "0.1,,0.2"], "--lr must be numbers separated by commas"),
        (["--steps", "1000000"], "steps must be a whole number from 1 to 100000, got 1000000"),
        (["--steps", "ten"], "--steps must be an integer, got 'ten'"),
        (["--surface", "ravine", "--x0", "1"], "x0 has 1 value but surface 'ravine' is 2-D"),
        (["--schedule", "cosine", "--gamma", "0.5"], "schedule 'cosine' takes no parameter 'gamma' (it takes: t_max, eta_min)"),
        (["--schedule", "step"], "schedule 'step' needs step_size"),
        (["--optimizer", "adamm"], "unknown optimizer 'adamm'"),
        (["--momentum", "1.5"], "momentum must be <= 1, got 1.5"),
        (["--optimizer", "adam", "--momentum", "0.9"], "optimizer 'adam' takes no parameter 'momentum'"),
        (["--param", "kappa=10"], "surface 'quadratic' takes no parameter 'kappa' (it takes: curvature)"),
        (["--surface", "ravine", "--param", "kappa=abc"], "surface 'ravine': kappa must be a number, got 'abc'"),
        (["--param", "curvature"], "--param takes NAME=VALUE, got 'curvature'"),
        (["--max-norm", "0"], "max_norm must be > 0, got 0"),
        (["--optimizer", "adam", "--betas", "0.9"], "betas must have 2 values, got 1"),
        (["--surface", "regression", "--range-test", "--optimizer", "rmsprop", "--alpha", "2"], "alpha must be <= 1, got 2"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    status, out, err = sim(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("studyapp sim: ")
    assert message in err


def test_no_traceback_from_the_console_script():
    result = subprocess.run([sys.executable, "-m", "studyapp", "sim", "--surface", "ravine", "--x0", "1,2,3"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == "studyapp sim: x0 has 3 values but surface 'ravine' is 2-D\n"


def test_charts_survive_non_finite_and_huge_values():
    red, blue = (255, 0, 0), (0, 0, 255)
    lines = [Line(np.arange(5), np.array([1.0, np.nan, np.inf, 1e300, -1e200]), red), Line(np.arange(3), np.array([0.0, 1e-30, 1e10]), blue)]
    for log_y in (False, True):
        text = chart("edge cases", lines, 60, 15, log_y=log_y)
        assert "edge cases" in text and len(text.splitlines()) >= 10


def test_colour_output_keeps_each_runs_colour_in_its_regime_line():
    surface = make_surface("regression")
    runs = [Run(0.1), Run(0.5)]
    trajectory = simulate(surface, runs, 30)
    text = draw(surface, runs, trajectory, width=80, height=14, color=True)
    assert "\x1b[" in text and "path on regression (weight, bias)" in text
    lines = regime_lines(surface, runs, trajectory, classify(surface, trajectory), color=True)
    assert lines[0].startswith("\x1b[38;2;66;135;245mlr 0.1\x1b[0m: ")
    assert lines[1].startswith("\x1b[38;2;245;130;48mlr 0.5\x1b[0m: ")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=6), st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=6))
def test_comma_separated_numbers_round_trip(floats, integers):
    assert parse_numbers(",".join(repr(v) for v in floats), False, "--lr") == tuple(floats)
    assert parse_numbers(" , ".join(str(v) for v in integers), True, "--milestones") == tuple(integers)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_any_text_either_parses_or_is_refused_in_one_line(text):
    try:
        values = parse_numbers(text, False, "--x0")
    except InputError as error:
        assert "\n" not in str(error) and str(error).startswith("--x0 must be")
    else:
        assert all(isinstance(v, float) for v in values)
