"""ui.train_settings (option snapping, limits, the config overrides) and the Train page's verdict in ui.tables,
in both languages."""

from __future__ import annotations

import math

import pytest

from ui import tables, train_settings
from ui.i18n import translate

SETTINGS = {"cell": "gru", "hidden_size": 8.0, "window": 24.0, "epochs": 5.0, "bidirectional": 1, "num_layers": 2.0,
            "horizon": 6.0, "batch_size": 16.0, "learning_rate": 0.01, "seed": 3.0, "early_stop": True,
            "patience": 4.0}


@pytest.mark.parametrize("options,value,want", [
    (train_settings.HIDDEN, 20, 16), (train_settings.HIDDEN, 1000, 128), (train_settings.BATCHES, 33, 32),
    (train_settings.RATES, 0.002, 0.001), (train_settings.RATES, 0.004, 0.003),
])
def test_nearest(options, value, want):
    assert train_settings.nearest(options, value) == want


@pytest.mark.parametrize("n,want", [(10, (5, 2)), (2, (2, 1)), (400, (200, 100)), (5000, (512, 365))])
def test_limits(n, want):
    assert train_settings.limits(n) == want


def test_overrides_typed_and_early_stopping():
    out = train_settings.overrides(SETTINGS, classroom=False, default_lr=0.005)
    assert out == {"cell": "gru", "hidden_size": 8, "window": 24, "epochs": 5, "bidirectional": True,
                   "num_layers": 2, "horizon": 6, "batch_size": 16, "learning_rate": 0.01, "seed": 3, "patience": 4}
    assert all(type(out[k]) is int for k in train_settings.INTS)
    off = train_settings.overrides({**SETTINGS, "early_stop": False}, classroom=False, default_lr=0.005)
    assert off["patience"] == 0


def test_overrides_in_classroom_mode_use_only_the_basic_settings():
    out = train_settings.overrides(SETTINGS, classroom=True, default_lr=0.005)
    assert out == {"cell": "gru", "hidden_size": 8, "window": 24, "epochs": 5, "learning_rate": 0.005,
                   "bidirectional": False}


def _metrics(model: float, base: float) -> dict:
    return {"model": {"mase": model}, "seasonal_naive": {"mase": base}}


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_fit_verdict(lang):
    beats, text = tables.fit_verdict(_metrics(0.5, 0.8), "test", lang)
    mark = "," if lang == "pt-BR" else "."
    part = translate(lang, "train.part_test").lower()
    assert beats is True
    assert text == translate(lang, "train.verdict_win", part=part, model=f"0{mark}50", base=f"0{mark}80")
    beats, text = tables.fit_verdict(_metrics(1.2, 0.8), "validation", lang)
    assert beats is False and text == translate(lang, "train.verdict_lose",
                                                part=translate(lang, "train.part_validation").lower(),
                                                model=f"1{mark}20", base=f"0{mark}80")
    assert tables.fit_verdict(_metrics(math.nan, 0.8), "test", lang) == (None, translate(lang, "train.verdict_none"))
    assert tables.fit_verdict({"model": {"mase": 1.0}}, "test", lang)[0] is None
