"""One registration per optimizer: the engine's record in its family module, one view record
of everything a page shows of it, and its texts in every language."""

import ast
from pathlib import Path

import numpy as np
import pytest

from optimizers import OPTIMIZERS, Optimizer, controls, registry
from surfaces import SURFACES
from ui import settings as cfg
from ui.narration import BEATS
from ui.texts import LANGUAGES, catalog
from viz.optimizer_views import STABILITY, VIEWS, OptimizerView, RateOn, register

ROOT = Path(__file__).resolve().parent.parent


def state_fields(name: str) -> tuple[str, ...]:
    return getattr(OPTIMIZERS[name].init(np.zeros((1, 2))), "_fields", ())


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_has_a_complete_view(name):
    opt, shown = OPTIMIZERS[name], VIEWS[name]
    assert not OptimizerView._field_defaults  # a record built without one of its fields fails
    assert shown.name == name
    assert shown.shown, f"{name} shows no hyperparameter"
    assert set(shown.shown) <= set(opt.defaults) and set(shown.suggested) <= set(shown.shown)
    assert isinstance(shown.lr_hint, controls.LrHint)
    assert shown.lr_hint.basis in ("default", "plain", "heavy", "adaptive")
    for key, control in shown.shown.items():
        assert control.kind in ("slider", "checkbox", "select"), key
        assert control.options, key
        if control.sweep is not None:
            low, high = control.sweep
            assert min(control.options) <= low < high <= max(control.options), key
    fields = state_fields(name)
    assert shown.drawn is None or shown.drawn in fields
    assert shown.moment is None or shown.moment in fields
    assert not shown.lookahead or (shown.moment and {"lr", "momentum"} <= set(opt.defaults))
    assert shown.stability is None or (shown.stability in STABILITY and "lr" in opt.defaults)
    assert shown.beats and set(shown.beats) <= set(BEATS), name
    assert shown.rate_on is None or (
        isinstance(shown.rate_on, RateOn) and "effective_lr" in opt.inside_fields
    )
    assert shown.rate_definition is None or shown.rate_on is not None
    assert set(shown.hidden) <= set(fields)
    for language in LANGUAGES:
        words = catalog(language)
        for table, key in shown.text_keys():
            assert words[table][key], (name, key, language)
        for key in shown.shown:
            assert words["ui"][f"hp.{key}"], (name, key, language)


def test_the_optimizers_are_those_of_the_family_modules_each_with_one_view():
    listed = [o for family in registry.FAMILIES for o in family.FAMILY]
    assert list(OPTIMIZERS.values()) == listed and len(OPTIMIZERS) == len(listed)  # no name twice
    for family in registry.FAMILIES:  # none defined and left out of its FAMILY
        defined = {id(v) for v in vars(family).values() if isinstance(v, Optimizer)}
        assert defined == {id(o) for o in family.FAMILY}, family.__name__
    assert list(VIEWS) == list(OPTIMIZERS)


def test_the_engines_optimizer_holds_no_page_field():
    assert not {"title", "shown", "lr_hint", "suggested", "drawn"} & set(Optimizer._fields)


def _names_an_optimizer(node: ast.expr) -> bool:
    """``name``, ``optimizer``, ``opt``, or an attribute ``.optimizer`` / ``.name``."""
    if isinstance(node, ast.Name):
        return node.id in ("name", "optimizer", "opt")
    return isinstance(node, ast.Attribute) and node.attr in ("optimizer", "name")


def test_no_page_figure_or_panel_branches_on_an_optimizers_name():
    """A comparison of an optimizer's name with a name (``name == "adam"``, ``run.optimizer in
    ("gd", ...)``) outside the family modules and the views is a second registration."""
    found = []
    for folder in ("ui", "viz", "pages"):
        for path in sorted((ROOT / folder).glob("*.py")):
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.Compare):
                    continue
                sides = [node.left, *node.comparators]
                constants = [
                    v
                    for side in sides
                    for v in (side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side])
                ]
                if any(_names_an_optimizer(side) for side in sides) and any(
                    isinstance(v, ast.Constant) and v.value in OPTIMIZERS for v in constants
                ):
                    where = (str(path.relative_to(ROOT)), lines[node.lineno - 1].strip())
                    found.append(f"{where[0]}:{node.lineno}: {where[1]}")
    assert not found, found


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_app_defaults_of_every_optimizer_are_valid_on_every_surface(name):
    for surface in SURFACES.values():
        hp = cfg.playground_hyperparameters(name, surface)
        assert list(hp) == list(VIEWS[name].shown)
        OPTIMIZERS[name].hyperparameters(1, **hp)  # raises if a control offers a bad value
        if "lr" in hp:
            assert hp["lr"] in controls.LR_GRID and hp["lr"] > 0


def test_asgd_suggests_a_visible_average_and_registers_it():
    assert cfg.playground_hyperparameters("asgd", "rosenbrock")["t0"] == 10.0
    assert OPTIMIZERS["asgd"].defaults["t0"] == 1e6  # torch's own default is kept


def test_a_view_cannot_show_an_unknown_optimizer_or_hyperparameter():
    with pytest.raises(ValueError, match="unknown"):
        register("gd", {"lr": controls.LR, "nope": controls.UNIT}, controls.PLAIN_LR)
    with pytest.raises(ValueError, match="no optimizer"):
        register("sgdr", {"lr": controls.LR}, controls.PLAIN_LR)
