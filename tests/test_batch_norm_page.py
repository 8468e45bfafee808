"""Batch normalization and dropout on the Network page (issue 27): the settings, the link and
the page."""

import io

import numpy as np

from tests.conftest import open_script
from ui import network_scene as ns


def test_batch_norm_and_dropout_come_from_the_link_and_build_the_network():
    s, _ = ns.network_from_query({"bn": "1", "drop": "0.2", "layers": "1", "units": "4"})
    assert s.bn is True and s.drop == 0.2
    net = ns.network_of(s)
    assert net.batch_norm and net.dropout == 0.2 and net.dim == (8 + 3 * 4) + (8 + 2)
    assert ns.start_of(s, net)[12:16].tolist() == [1.0] * 4  # gamma starts at 1
    assert s.to_query()["bn"] == "1" and s.to_query()["drop"] == "0.2"
    plain, notes = ns.network_from_query({"bn": "yes", "drop": "5"})
    assert plain.bn is False and plain.drop == 0.8 and "drop" in notes.clamped
    assert "bn" not in ns.network_defaults().to_query() and "drop" not in ns.network_defaults().to_query()


def test_the_page_trains_with_batch_norm_and_dropout_from_a_link():
    at = open_script("pages/network.py", {"bn": "1", "drop": "0.1", "steps": "100"}, timeout=120)
    assert not at.exception
    assert at.toggle(key="n.bn").value is True
    assert at.slider(key="n.drop").value == 0.1
    assert len(at.get("plotly_chart")) == 4
    at.toggle(key="n.bn").set_value(False).run()
    assert not at.exception and "bn" not in at.query_params


def test_the_parameters_export_says_batch_norm_and_dropout():
    s, _ = ns.network_from_query({"opt": "gd", "bn": "1", "drop": "0.3", "steps": "10", "layers": "1"})
    result = ns.train(s)
    saved = np.load(io.BytesIO(ns.parameters_npz(result)))
    assert bool(saved["batch_norm"]) and float(saved["dropout"]) == 0.3
    assert saved["gd_params"].shape[1] == result.net.dim
