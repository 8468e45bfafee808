"""One registration per optimizer: everything a page needs of it, in every language."""

import numpy as np
import pytest

from optimizers import OPTIMIZERS, controls
from surfaces import SURFACES
from ui import settings as cfg
from ui.texts import LANGUAGES, catalog


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_has_what_the_pages_need(name):
    opt = OPTIMIZERS[name]
    assert opt.shown, f"{name} shows no hyperparameter"
    assert set(opt.shown) <= set(opt.defaults)
    assert isinstance(opt.lr_hint, controls.LrHint) and opt.lr_hint.basis in (
        "default",
        "plain",
        "heavy",
        "adaptive",
    )
    for key, control in opt.shown.items():
        assert control.kind in ("slider", "checkbox", "select"), key
        assert control.options, key
        if control.sweep is not None:
            low, high = control.sweep
            assert min(control.options) <= low < high <= max(control.options), key
    if opt.drawn:
        assert opt.drawn in opt.init(np.zeros((1, 2)))._fields
    for language in LANGUAGES:
        words = catalog(language)
        assert words["optimizers"][name], (name, language)
        for key in opt.shown:
            assert words["ui"][f"hp.{key}"], (name, key, language)
        if opt.drawn:
            assert words["ui"][f"fig.state.{opt.drawn}"], (name, language)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_app_defaults_of_every_optimizer_are_valid_on_every_surface(name):
    for surface in SURFACES.values():
        hp = cfg.default_hyperparameters(name, surface)
        assert list(hp) == list(OPTIMIZERS[name].shown)
        OPTIMIZERS[name].hyperparameters(1, **hp)  # raises if a control offers a bad value
        if "lr" in hp:
            assert hp["lr"] in controls.LR_GRID and hp["lr"] > 0


def test_asgd_suggests_a_visible_average_and_registers_it():
    assert cfg.default_hyperparameters("asgd", "rosenbrock")["t0"] == 10.0
    assert OPTIMIZERS["asgd"].defaults["t0"] == 1e6  # torch's own default is kept


def test_a_registration_cannot_show_an_unknown_hyperparameter():
    from optimizers.registry import register

    with pytest.raises(ValueError, match="unknown"):
        register(OPTIMIZERS["gd"], {"lr": controls.LR, "nope": controls.UNIT}, controls.PLAIN_LR)
