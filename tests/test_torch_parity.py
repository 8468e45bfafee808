"""Step-for-step parity with torch.optim, against trajectories recorded by
tests/record_torch_reference.py (torch 2.13, float64). torch is not needed to run this."""

import json
import pathlib

import numpy as np
import pytest

from optimizers import OPTIMIZERS, simulate
from surfaces import get_surface

DATA = np.load(pathlib.Path(__file__).parent / "data" / "torch_reference.npz")
META = json.loads(str(DATA["meta"]))
CASES = META["cases"]


def case_id(case):
    hp = ",".join(f"{k}={v}" for k, v in case["hp"].items()) or "defaults"
    return f"{case['optimizer']}-{case['surface']}-{hp}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_trajectory_equals_torch_step_for_step(case):
    reference = DATA[case["key"]]
    run = simulate(
        get_surface(case["surface"]), case["optimizer"], case["starts"], META["steps"], **case["hp"]
    )
    assert (run.diverged_at == -1).all()
    np.testing.assert_allclose(run.path, reference, rtol=1e-7, atol=1e-10)


ASGD_CASES = [c for c in CASES if c["optimizer"] == "asgd"]


@pytest.mark.parametrize("case", ASGD_CASES, ids=case_id)
def test_asgd_average_equals_torchs_ax(case):
    run = simulate(
        get_surface(case["surface"]), "asgd", case["starts"], META["steps"], record_state=True, **case["hp"]
    )
    averaged = DATA[case["key"] + "_ax"]
    np.testing.assert_allclose(run.state["ax"][1:], averaged[1:], rtol=1e-7, atol=1e-10)
    if case["hp"].get("t0", 1e6) < META["steps"]:  # the average has started: it lags the iterate
        assert not np.allclose(run.state["ax"][-1], run.path[-1])


def test_reference_covers_every_torch_equivalent_optimizer():
    torch_like = {name for name, o in OPTIMIZERS.items() if o.torch}
    assert torch_like == {
        "gd",
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adadelta",
        "adam",
        "adamw",
        "amsgrad",
        "nadam",
        "adamax",
        "radam",
        "adafactor",
        "rprop",
        "asgd",
    }
    assert META["torch"].startswith("2.13")
    for name in torch_like:
        mine = [c for c in CASES if c["optimizer"] == name]
        assert len({c["surface"] for c in mine}) >= 3, name
        assert any(not c["hp"] for c in mine), f"{name}: no default case"
        assert any(c["hp"] for c in mine), f"{name}: no non-default case"
    rmsprop = [c["hp"] for c in CASES if c["optimizer"] == "rmsprop"]
    assert any(hp.get("centered") and hp.get("momentum", 0) > 0 for hp in rmsprop)
    assert any(hp.get("lr_decay", 0) > 0 for hp in (c["hp"] for c in CASES if c["optimizer"] == "adagrad"))


def test_parity_is_not_vacuous():
    # The paths actually move, and a small change of a hyperparameter breaks the match.
    case = next(c for c in CASES if c["optimizer"] == "adam" and not c["hp"] and c["surface"] == "rosenbrock")
    reference = DATA[case["key"]]
    assert np.abs(reference[-1] - reference[0]).max() > 1e-2
    off = simulate(get_surface("rosenbrock"), "adam", case["starts"], META["steps"], beta2=0.998)
    assert not np.allclose(off.path, reference, rtol=1e-7, atol=1e-10)


STATE_CASES = [c for c in CASES if c.get("state")]


@pytest.mark.parametrize("case", STATE_CASES, ids=case_id)
def test_recorded_state_equals_torchs_optimizer_state(case):
    run = simulate(
        get_surface(case["surface"]),
        case["optimizer"],
        case["starts"],
        META["steps"],
        record_state=True,
        **case["hp"],
    )
    for field in case["state"]:
        reference = DATA[f"{case['key']}_state_{field}"]
        np.testing.assert_allclose(run.state[field][1:], reference[1:], rtol=1e-7, atol=1e-12, err_msg=field)


def test_every_torch_state_field_is_compared():
    compared = {(c["optimizer"], field) for c in STATE_CASES for field in c["state"]}
    for name in (
        "momentum",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adadelta",
        "adam",
        "amsgrad",
        "adamax",
        "rprop",
    ):
        assert any(opt == name for opt, _ in compared), name
    assert ("adadelta", "acc_delta") in compared and ("amsgrad", "max_exp_avg_sq") in compared
