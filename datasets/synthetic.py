"""Synthetic series whose structure is known, so a learner can relate what the gates do to what the data holds.

Two families:

* ``GENERATORS``: univariate series (sine, trend + season + noise, AR(2), chaos, ...) returned by ``generate`` as a
  ``pd.Series`` over integer steps. Each has parameters with defaults and bounds (for sliders), a catalog key for
  its label and one for "what to watch for in the gates" (``locales/<lang>/synthetic.toml``).
* ``MEMORY_TASKS``: supervised long-memory problems ``(X, y)`` where the target depends on an input many steps
  back. A plain RNN's gradient through ``T`` steps shrinks like a product of ``T`` Jacobians, so it fails as
  ``seq_len``/``lag`` grows; an LSTM's additive cell state can carry the value.

Everything is seeded through ``np.random.default_rng(seed)``, so the same call gives the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from datasets.errors import DataError


@dataclass(frozen=True)
class ParamSpec:
    """One generator parameter with the bounds a slider needs."""

    name: str
    default: float
    min: float
    max: float
    step: float
    kind: str = "float"  # "int" | "float"

    @property
    def label_key(self) -> str:
        return f"synthetic.param.{self.name}"


class _CatalogKeys:
    """The catalog keys of a generator or task: ``synthetic.<group>.<name>.label`` and ``.watch``."""

    name: str
    _catalog: ClassVar[str]  # the group in ``locales/<lang>/synthetic.toml``

    @property
    def label_key(self) -> str:
        return f"synthetic.{self._catalog}.{self.name}.label"

    @property
    def watch_key(self) -> str:
        return f"synthetic.{self._catalog}.{self.name}.watch"


@dataclass(frozen=True)
class GeneratorSpec(_CatalogKeys):
    """A univariate generator: its parameters, its catalog keys and the season it produces."""

    name: str
    params: list[ParamSpec]
    func: Callable[..., np.ndarray] = field(repr=False)
    season_param: str | None = None  # the parameter that is the season length, if any
    _catalog: ClassVar[str] = "generators"

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.params}

    def season_length(self, params: dict | None = None) -> int:
        """Season length (in steps) of a series made with ``params`` (defaults filled in); 1 if aperiodic."""
        if self.season_param is None:
            return 1
        values = {**self.defaults(), **(params or {})}
        return max(int(round(float(values[self.season_param]))), 1)


def _length() -> ParamSpec:
    return ParamSpec("length", 400, 20, 5000, 10, "int")


def _noise(default: float = 0.05) -> ParamSpec:
    return ParamSpec("noise", default, 0.0, 1.0, 0.01)


def _period(default: int = 25) -> ParamSpec:
    return ParamSpec("period", default, 2, 500, 1, "int")


def _sine(rng, length, period, amplitude, noise):
    t = np.arange(length)
    return amplitude * np.sin(2 * np.pi * t / period) + noise * rng.standard_normal(length)


def _sum_of_sines(rng, length, period, ratio, noise):
    """``y_t = sin(2πt/period) + 0.5·sin(2πt/(period/ratio))``: two cycles, the second ``ratio`` times faster."""
    t = np.arange(length)
    return (np.sin(2 * np.pi * t / period) + 0.5 * np.sin(2 * np.pi * t * ratio / period)
            + noise * rng.standard_normal(length))


def _trend_season_noise(rng, length, period, slope, amplitude, noise):
    """``y_t = slope·t + amplitude·sin(2πt/period) + noise·ε_t``."""
    t = np.arange(length)
    return slope * t + amplitude * np.sin(2 * np.pi * t / period) + noise * rng.standard_normal(length)


def _square(rng, length, period, amplitude, noise):
    t = np.arange(length)
    return amplitude * np.where((t % period) < period / 2, 1.0, -1.0) + noise * rng.standard_normal(length)


def _sawtooth(rng, length, period, amplitude, noise):
    t = np.arange(length)
    return amplitude * (2.0 * (t % period) / period - 1.0) + noise * rng.standard_normal(length)


def _ar2(rng, length, phi1, phi2, noise):
    """``y_t = phi1·y_{t-1} + phi2·y_{t-2} + noise·ε_t`` (after a 100-step burn-in)."""
    if not (abs(phi2) < 1 and phi2 + phi1 < 1 and phi2 - phi1 < 1):
        raise DataError("errors.data.bad_parameter", name="phi1, phi2", value=f"{phi1}, {phi2}")
    n = length + 100
    eps = rng.standard_normal(n)
    y = np.zeros(n)
    for t in range(2, n):
        y[t] = phi1 * y[t - 1] + phi2 * y[t - 2] + noise * eps[t]
    return y[100:]


def _random_walk(rng, length, drift, noise):
    """``y_t = y_{t-1} + drift + noise·ε_t``, ``y_0 = 0``."""
    steps = drift + noise * rng.standard_normal(length)
    steps[0] = 0.0
    return np.cumsum(steps)


def _regime_switch(rng, length, period, regime_length, noise):
    """A sine whose level and amplitude jump between two regimes held for ``~regime_length`` steps each."""
    t = np.arange(length)
    regime = np.zeros(length, dtype=int)
    pos, state = 0, 0
    while pos < length:
        span = max(int(rng.integers(regime_length // 2, regime_length * 3 // 2 + 1)), 1)
        regime[pos:pos + span] = state
        pos, state = pos + span, 1 - state
    level = np.where(regime == 1, 2.0, 0.0)
    amp = np.where(regime == 1, 0.3, 1.0)
    return level + amp * np.sin(2 * np.pi * t / period) + noise * rng.standard_normal(length)


def _spikes(rng, length, spike_rate, spike_height, noise):
    """Gaussian noise plus rare spikes: each step is a spike with probability ``spike_rate``."""
    y = noise * rng.standard_normal(length)
    hits = rng.random(length) < spike_rate
    y[hits] += spike_height * rng.choice([-1.0, 1.0], size=int(hits.sum()))
    return y


def _echo(rng, length, delay, gap, noise):
    """Pulses that come back: at random times (at least ``gap`` steps apart, ``gap`` on average more) a pulse of
    random sign and height 0.5..1, and exactly ``delay`` steps later its echo, the same pulse again.

    A forecaster that sees a pulse knows when and how its echo comes, but only if it holds the pulse in memory
    for ``delay`` steps and counts them: the teaching series, where the gates have something to remember.
    """
    y = noise * rng.standard_normal(length)
    pos = int(rng.integers(0, gap))
    while pos < length:
        pulse = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0)
        y[pos] += pulse
        if pos + delay < length:
            y[pos + delay] += pulse
        pos += delay + gap + int(rng.integers(0, gap + 1))
    return y


def _mackey_glass(rng, length, tau, noise):
    """Mackey–Glass delay equation ``dx/dt = 0.2·x(t-tau)/(1+x(t-tau)^10) - 0.1·x(t)``, Euler with dt = 0.1,
    sampled every step of 1 after a 500-step burn-in; chaotic for ``tau ≥ 17``."""
    dt, sub = 0.1, 10
    lag = int(round(tau / dt))
    burn = 500
    total = (length + burn) * sub
    x = np.empty(total + lag)
    x[: lag + 1] = 1.2 + 0.01 * rng.standard_normal(lag + 1)
    for i in range(lag, total + lag - 1):
        xd = x[i - lag]
        x[i + 1] = x[i] + dt * (0.2 * xd / (1.0 + xd**10) - 0.1 * x[i])
    out = x[lag::sub][burn: burn + length]
    return out + noise * rng.standard_normal(length)


GENERATORS: dict[str, GeneratorSpec] = {
    spec.name: spec
    for spec in [
        GeneratorSpec("sine", [_length(), _period(), ParamSpec("amplitude", 1.0, 0.1, 10.0, 0.1), _noise()],
                      _sine, "period"),
        GeneratorSpec("sum_of_sines", [_length(), _period(50), ParamSpec("ratio", 5.0, 1.5, 20.0, 0.5), _noise()],
                      _sum_of_sines, "period"),
        GeneratorSpec("trend_season_noise",
                      [_length(), _period(12), ParamSpec("slope", 0.01, -0.1, 0.1, 0.001),
                       ParamSpec("amplitude", 1.0, 0.0, 10.0, 0.1), _noise(0.2)],
                      _trend_season_noise, "period"),
        GeneratorSpec("square", [_length(), _period(), ParamSpec("amplitude", 1.0, 0.1, 10.0, 0.1), _noise()],
                      _square, "period"),
        GeneratorSpec("sawtooth", [_length(), _period(), ParamSpec("amplitude", 1.0, 0.1, 10.0, 0.1), _noise()],
                      _sawtooth, "period"),
        GeneratorSpec("ar2", [_length(), ParamSpec("phi1", 1.5, -2.0, 2.0, 0.05),
                              ParamSpec("phi2", -0.75, -0.99, 0.99, 0.05), _noise(1.0)], _ar2),
        GeneratorSpec("random_walk", [_length(), ParamSpec("drift", 0.0, -1.0, 1.0, 0.01), _noise(1.0)],
                      _random_walk),
        GeneratorSpec("regime_switch", [_length(), _period(20), ParamSpec("regime_length", 100, 10, 1000, 10, "int"),
                                        _noise()], _regime_switch, "period"),
        GeneratorSpec("spikes", [_length(), ParamSpec("spike_rate", 0.02, 0.0, 0.5, 0.005),
                                 ParamSpec("spike_height", 5.0, 0.5, 50.0, 0.5), _noise(0.3)], _spikes),
        GeneratorSpec("echo", [ParamSpec("length", 600, 20, 5000, 10, "int"), ParamSpec("delay", 8, 1, 100, 1, "int"),
                               ParamSpec("gap", 6, 1, 200, 1, "int"), _noise(0.05)], _echo),
        GeneratorSpec("mackey_glass", [_length(), ParamSpec("tau", 17, 5, 40, 1, "int"), _noise(0.0)],
                      _mackey_glass),
    ]
}


def _validate(specs: list[ParamSpec], params: dict) -> dict:
    known = {p.name: p for p in specs}
    for name in params:
        if name not in known:
            raise DataError("errors.data.bad_parameter", name=name, value=params[name])
    out = {}
    for p in specs:
        value = params.get(p.name, p.default)
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise DataError("errors.data.bad_parameter", name=p.name, value=value) from None
        if not np.isfinite(value) or value < p.min or value > p.max:
            raise DataError("errors.data.parameter_out_of_range", name=p.name, value=value, min=p.min, max=p.max)
        if p.kind == "int":
            if value != int(value):
                raise DataError("errors.data.bad_parameter", name=p.name, value=value)
            value = int(value)
        out[p.name] = value
    return out


def generate(name: str, seed: int = 0, **params: float) -> pd.Series:
    """The series of generator ``name`` with ``params`` (others at their defaults), float64 over a RangeIndex."""
    spec = GENERATORS.get(name)
    if spec is None:
        raise DataError("errors.data.unknown_generator", name=name)
    values = _validate(spec.params, params)
    rng = np.random.default_rng(seed)
    y = np.asarray(spec.func(rng, **values), dtype=np.float64)
    return pd.Series(y, index=pd.RangeIndex(len(y)), name=name)


# ---------------------------------------------------------------- long-memory tasks


@dataclass(frozen=True)
class MemoryTaskSpec(_CatalogKeys):
    """A long-memory task: input/output sizes, whether ``lag`` applies, and its catalog keys."""

    name: str
    input_size: int
    output_size: int
    uses_lag: bool
    default_seq_len: int
    _catalog: ClassVar[str] = "memory"

    @property
    def params(self) -> list[ParamSpec]:
        """Slider bounds for ``n_samples``, ``seq_len`` and (delayed echo only) ``lag``."""
        out = [ParamSpec("n_samples", 512, 16, 10000, 16, "int"),
               ParamSpec("seq_len", self.default_seq_len, 2, 500, 1, "int")]
        if self.uses_lag:
            out.append(ParamSpec("lag", self.default_seq_len // 2, 0, 499, 1, "int"))
        return out


MEMORY_TASKS: dict[str, MemoryTaskSpec] = {
    "recall_first": MemoryTaskSpec("recall_first", 1, 1, False, 30),
    "adding": MemoryTaskSpec("adding", 2, 1, False, 30),
    "delayed_echo": MemoryTaskSpec("delayed_echo", 1, 1, True, 30),
}


def memory_task(name: str, n_samples: int, seq_len: int, lag: int | None = None,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``X`` (N, T, in) and targets ``y`` (N, out) of a long-memory task.

    * ``recall_first``: ``x_t ~ U(-1, 1)``; ``y = x_0`` (remember the first value through ``T-1`` distractors).
    * ``adding``: channel 0 ``v_t ~ U(0, 1)``, channel 1 a marker ``m_t`` that is 1 at two positions (one in each
      half) and 0 elsewhere; ``y = Σ_t v_t·m_t``.
    * ``delayed_echo``: ``x_t ~ U(-1, 1)``; ``y = x_{T-1-lag}`` (default ``lag = T // 2``, ``0 ≤ lag < T``).
    """
    spec = MEMORY_TASKS.get(name)
    if spec is None:
        raise DataError("errors.data.unknown_generator", name=name)
    n, T = int(n_samples), int(seq_len)
    if n < 1:
        raise DataError("errors.data.parameter_out_of_range", name="n_samples", value=n, min=1, max="∞")
    if T < 2:
        raise DataError("errors.data.parameter_out_of_range", name="seq_len", value=T, min=2, max="∞")
    rng = np.random.default_rng(seed)
    if name == "recall_first":
        X = rng.uniform(-1.0, 1.0, size=(n, T, 1))  # (N, T, 1)
        return X, X[:, 0, :].copy()  # (N, 1)
    if name == "adding":
        values = rng.uniform(0.0, 1.0, size=(n, T))  # (N, T)
        markers = np.zeros((n, T))
        half = T // 2
        first = rng.integers(0, half, size=n)
        second = rng.integers(half, T, size=n)
        markers[np.arange(n), first] = 1.0
        markers[np.arange(n), second] = 1.0
        X = np.stack([values, markers], axis=-1)  # (N, T, 2)
        y = (values * markers).sum(axis=1, keepdims=True)  # (N, 1)
        return X, y
    lag = T // 2 if lag is None else int(lag)
    if not 0 <= lag < T:
        raise DataError("errors.data.parameter_out_of_range", name="lag", value=lag, min=0, max=T - 1)
    X = rng.uniform(-1.0, 1.0, size=(n, T, 1))  # (N, T, 1)
    return X, X[:, T - 1 - lag, :].copy()  # (N, 1)
