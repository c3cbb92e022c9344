"""`studyapp sim --sweep-lr`: the stability map from the shell, its JSON, and bad input."""

from __future__ import annotations

import json

import pytest

from studyapp.cli import main


def sim(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["sim", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_map_marks_the_limits_and_names_the_bands(capsys):
    status, out, err = sim(capsys, "--sweep-lr", "1e-3:10:300")
    assert status == 0 and err == ""
    assert "final loss above the minimum after 100 updates on quadratic (log scale)" in out
    assert "┊" in out  # the theory's lrs as dotted lines
    assert "1e-3" in out and "1e1" in out  # decade labels on the lr axis
    lines = out.splitlines()
    bands = lines[lines.index(next(line for line in lines if line.startswith("300 constant lrs"))) + 1 :]
    assert [line.split()[-3] for line in bands if line.startswith("  ")] == ["slow", "converged", "oscillating", "diverged"]
    assert "theory (plain SGD on a quadratic, mu = 2, L = 2): 1/L = 0.5, 2/L = 1 (dotted lines)" in out
    assert "the runs diverge from lr 1.023 on" in out
    assert "\x1b[" not in out


def test_json_gives_every_point_and_the_edge(capsys):
    status, out, _ = sim(capsys, "--sweep-lr", "0.01:1:50", "--surface", "ravine", "--steps", "200", "--json")
    assert status == 0
    sweep = json.loads(out)["sweep"]
    assert len(sweep["lrs"]) == len(sweep["final_loss"]) == len(sweep["regime"]) == 50
    assert [mark["name"] for mark in sweep["marks"]] == ["1/L", "2/(μ+L)", "2/L"]
    assert 0.08 < sweep["stability_edge"] < 0.08 * (100 ** (1 / 49))
    first_diverged = sweep["regime"].index("diverged")
    assert sweep["lrs"][first_diverged] == sweep["stability_edge"]
    assert all(at is None for at in sweep["diverged_at"][:first_diverged])


def test_momentum_moves_the_edge_and_its_bound_is_marked(capsys):
    status, out, _ = sim(capsys, "--sweep-lr", "0.1:10:200", "--momentum", "0.5", "--steps", "300")
    assert status == 0
    assert "(2+2m)/L, m=0.5 = 1.5" in out
    assert "the runs diverge from lr 1.5" in out


def test_without_a_quadratic_there_is_no_theory_to_mark(capsys):
    status, out, _ = sim(capsys, "--sweep-lr", "1e-3:1:40", "--surface", "double-well", "--steps", "200")
    assert status == 0
    assert "theory: no closed-form limits here" in out and "trapped" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--sweep-lr", "1e-3:10"], "lr sweep takes START:END:N (e.g. 1e-3:10:200), got '1e-3:10'"),
        (["--sweep-lr", "1:0.1:10"], "lr sweep: end must be above start, got 1 to 0.1"),
        (["--sweep-lr", "1e-3:10:1"], "the number of points must be a whole number from 2"),
        (["--sweep-lr", "1e-3:10:20", "--schedule", "cosine"], "--sweep-lr runs constant learning rates"),
        (["--sweep-lr", "1e-3:10:20", "--range-test"], "--range-test and --sweep-lr are two different runs"),
        (["--sweep-lr", "1e-3:10:20", "--surface", "ravin"], "unknown surface 'ravin'"),
        (["--sweep-lr", "1e-3:10:5000", "--steps", "5000"], "runs x steps must be at most"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    status, out, err = sim(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("studyapp sim: ") and message in err and err.count("\n") == 1
