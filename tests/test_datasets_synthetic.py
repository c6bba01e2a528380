"""Synthetic generators and long-memory tasks: seeding, parameters, shapes, and the targets' definitions."""

import numpy as np
import pandas as pd
import pytest

from datasets import DataError, synthetic
from ui import i18n

REQUIRED = {"sine", "sum_of_sines", "trend_season_noise", "square", "sawtooth", "ar2", "random_walk",
            "regime_switch", "spikes", "mackey_glass"}


def test_required_generators_and_catalog_keys():
    assert set(synthetic.GENERATORS) >= REQUIRED
    for lang in i18n.LANGS:
        cat = i18n.catalog(lang)
        for spec in synthetic.GENERATORS.values():
            assert spec.label_key in cat and spec.watch_key in cat
            for p in spec.params:
                assert p.label_key in cat
                assert p.min <= p.default <= p.max and p.kind in ("int", "float")
        for spec in synthetic.MEMORY_TASKS.values():
            assert spec.label_key in cat and spec.watch_key in cat
            assert all(p.label_key in cat for p in spec.params)


@pytest.mark.parametrize("name", sorted(synthetic.GENERATORS))
def test_generate_defaults_are_seeded_and_finite(name):
    a = synthetic.generate(name, seed=3)
    b = synthetic.generate(name, seed=3)
    spec = synthetic.GENERATORS[name]
    assert isinstance(a.index, pd.RangeIndex) and a.name == name and a.dtype == np.float64
    assert len(a) == spec.defaults()["length"] and np.isfinite(a.to_numpy()).all()
    pd.testing.assert_series_equal(a, b)
    if any(p.name == "noise" and p.default > 0 for p in spec.params) or name in ("regime_switch",):
        assert not np.array_equal(a.to_numpy(), synthetic.generate(name, seed=4).to_numpy())
    assert a.std() > 0


def test_sine_period_and_season():
    y = synthetic.generate("sine", period=20, noise=0.0, length=200)
    assert np.allclose(y.to_numpy()[:180], y.to_numpy()[20:200], atol=1e-9)
    assert synthetic.GENERATORS["sine"].season_length({"period": 20}) == 20
    assert synthetic.GENERATORS["random_walk"].season_length() == 1


def test_trend_season_noise_has_the_trend():
    y = synthetic.generate("trend_season_noise", slope=0.05, noise=0.0, length=240, period=12).to_numpy()
    yearly = y.reshape(-1, 12).mean(axis=1)
    assert np.allclose(np.diff(yearly), 0.05 * 12)


def test_square_and_sawtooth_shapes():
    sq = synthetic.generate("square", period=10, noise=0.0, length=40).to_numpy()
    assert set(np.round(sq, 9)) == {-1.0, 1.0}
    saw = synthetic.generate("sawtooth", period=10, noise=0.0, length=40).to_numpy()
    assert saw[0] == -1.0 and np.all(np.diff(saw[:10]) > 0) and saw[10] < saw[9]


def test_mackey_glass_is_bounded_chaos():
    y = synthetic.generate("mackey_glass", length=600).to_numpy()
    assert 0.2 < y.min() < y.max() < 1.6 and y.std() > 0.1


def test_bad_parameters():
    with pytest.raises(DataError) as err:
        synthetic.generate("sine", period=1)
    assert err.value.key == "errors.data.parameter_out_of_range"
    with pytest.raises(DataError) as err:
        synthetic.generate("sine", wobble=2)
    assert err.value.key == "errors.data.bad_parameter"
    with pytest.raises(DataError) as err:
        synthetic.generate("sine", length=10.5)
    assert err.value.key in ("errors.data.bad_parameter", "errors.data.parameter_out_of_range")
    with pytest.raises(DataError) as err:
        synthetic.generate("nope")
    assert err.value.key == "errors.data.unknown_generator"
    with pytest.raises(DataError):
        synthetic.generate("ar2", phi1=1.5, phi2=0.6)  # non-stationary
    with pytest.raises(DataError):
        synthetic.generate("sine", noise=float("nan"))


def test_memory_tasks_targets():
    X, y = synthetic.memory_task("recall_first", 8, 20, seed=1)
    assert X.shape == (8, 20, 1) and y.shape == (8, 1)
    assert np.array_equal(y[:, 0], X[:, 0, 0])
    X, y = synthetic.memory_task("adding", 16, 30, seed=2)
    assert X.shape == (16, 30, 2) and y.shape == (16, 1)
    assert np.all(X[:, :, 1].sum(axis=1) == 2)
    assert np.all(X[:, :15, 1].sum(axis=1) == 1)  # one marker in each half
    assert np.allclose(y[:, 0], (X[:, :, 0] * X[:, :, 1]).sum(axis=1))
    X, y = synthetic.memory_task("delayed_echo", 5, 12, lag=7, seed=3)
    assert np.array_equal(y[:, 0], X[:, 12 - 1 - 7, 0])
    X2, y2 = synthetic.memory_task("delayed_echo", 5, 12, lag=7, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)


def test_memory_task_errors():
    for kwargs in ({"lag": 12}, {"lag": -1}):
        with pytest.raises(DataError):
            synthetic.memory_task("delayed_echo", 4, 12, **kwargs)
    with pytest.raises(DataError):
        synthetic.memory_task("adding", 0, 12)
    with pytest.raises(DataError):
        synthetic.memory_task("adding", 4, 1)
    with pytest.raises(DataError):
        synthetic.memory_task("bogus", 4, 12)
