"""Tables and verdicts of the Train, Forecast and Compare pages: metrics per method, best marked, in words.

Pure: numbers in, a ``pd.DataFrame`` of formatted text (or a sentence) out, labels from the catalogs through
``ui.i18n.translate(lang, ...)``; no streamlit. Missing or non-finite numbers show as "—"; coverages are
already percentages (``lstm_core.metrics.coverage``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from lstm_core.backtest import SEED_MASE, seed_spread
from ui.comparison import ERROR_METRICS, MODELS, PARTS, best_per_column
from ui.i18n import fmt_num, translate

HARD_METHODS = ("theta", "damped_es")  # simple methods that are hard to beat: the verdict names one that beat the network
METHOD_ORDER = ("model", "seasonal_naive", "theta", "damped_es", "naive", "drift", "moving_average")  # rows: the network, then baselines
TRAINING_METRICS = ("mae", "rmse", "mase", "smape")  # the Train page's column order
MISSING = "—"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _number(value: float | None, digits: int, lang: str) -> str:
    return fmt_num(value, digits, lang) if _finite(value) else MISSING


def _percent(value: float | None, lang: str) -> str:
    return fmt_num(value, 0, lang) + " %" if _finite(value) else MISSING


def ordered_methods(methods: Iterable[str]) -> list[str]:
    """``methods`` in ``METHOD_ORDER`` (the network first), any other after them in their own order."""
    methods = list(methods)
    return [m for m in METHOD_ORDER if m in methods] + [m for m in methods if m not in METHOD_ORDER]


def method_table(values: Mapping[str, Mapping[str, float]], lang: str, *, method_header: str,
                 method_label: Callable[[str], str], columns: Sequence[tuple[str, str]],
                 coverages: Sequence[tuple[int, str]], mark_best: bool) -> pd.DataFrame:
    """One row per method (``ordered_methods``): its label, error columns to 3 decimals, then coverages in %.

    ``values``: method -> metric -> value; ``columns``: ``(metric, header)``; ``coverages``: ``(level, header)``
    for the ``coverage_<level>`` entries. ``mark_best``: a ★ after the lowest value of each error column
    (every tie gets one).
    """
    methods = ordered_methods(values)
    data: dict[str, list[str]] = {method_header: [method_label(m) for m in methods]}
    for key, header in columns:
        col = [values[m].get(key) for m in methods]
        best = min((v for v in col if _finite(v)), default=math.nan)
        data[header] = [
            _number(v, 3, lang)
            + (" ★" if mark_best and _finite(v) and math.isclose(v, best, rel_tol=1e-12, abs_tol=1e-15) else "")
            for v in col
        ]
    for level, header in coverages:
        data[header] = [_percent(values[m].get(f"coverage_{level}"), lang) for m in methods]
    return pd.DataFrame(data)


# --- Train page -------------------------------------------------------------------------------------
def metrics_table(metrics: Mapping[str, Mapping[str, float]], *, lang: str = "en", level: int = 80) -> pd.DataFrame:
    """Rows: the network then the baselines (translated names); columns: MAE, RMSE, MASE, sMAPE, coverage.

    ``metrics``: ``evaluate()["parts"][part]["metrics"]``; numbers formatted in the language's style.
    """
    return method_table(
        metrics, lang,
        method_header=translate(lang, "plot.training.method"),
        method_label=lambda m: translate(lang, "plot.training.methods.model" if m == "model" else f"method.{m}"),
        columns=[(k, translate(lang, f"plot.training.metrics.{k}")) for k in TRAINING_METRICS],
        coverages=[(level, translate(lang, "plot.training.metrics.coverage", level=level))],
        mark_best=False,
    )


def _mase_pair(metrics: Mapping[str, Mapping[str, float]]) -> tuple[float, float] | None:
    """(network MASE, seasonal naive MASE) when both are finite numbers, else None."""
    model = metrics.get("model", {}).get("mase")
    base = metrics.get("seasonal_naive", {}).get("mase")
    return (model, base) if _finite(model) and _finite(base) else None


def beats_seasonal_naive(metrics: Mapping[str, Mapping[str, float]]) -> bool | None:
    """True/False if the network's MASE is below/above seasonal naive's on this part; None if not comparable."""
    pair = _mase_pair(metrics)
    return None if pair is None else bool(pair[0] < pair[1])


def fit_verdict(metrics: Mapping[str, Mapping[str, float]], part: str, lang: str) -> tuple[bool | None, str]:
    """The Train page's verdict on one part ("test" or "validation"): ``(beats_seasonal_naive, sentence)``.

    The sentence gives both MASE values; with no comparable pair it only says so (``None``).
    """
    beats = beats_seasonal_naive(metrics)
    if beats is None:
        return None, translate(lang, "train.verdict_none")
    key = "train.verdict_win" if beats else "train.verdict_lose"
    return beats, translate(lang, key, part=translate(lang, f"train.part_{part}").lower(),
                            model=fmt_num(metrics["model"]["mase"], 2, lang),
                            base=fmt_num(metrics["seasonal_naive"]["mase"], 2, lang))


# --- Forecast page ----------------------------------------------------------------------------------
def method_label(method: str, lang: str, cell_label: str = "LSTM") -> str:
    """Display name of a method of the backtest/evaluation: the network or one of the baselines."""
    if method == "model":
        return translate(lang, "forecast.method.model", cell=cell_label)
    return translate(lang, f"method.{method}")


def backtest_table(mean: Mapping[str, Mapping[str, float]], lang: str, cell_label: str = "LSTM",
                   levels: Sequence[int] = (80, 95)) -> pd.DataFrame:
    """One row per method (network first, then baselines), columns MAE, RMSE, sMAPE, MASE and coverages, formatted.

    ``mean``: ``BacktestResult.mean`` (method -> metric -> value). The best (lowest) value of each error
    column is marked with ★.
    """
    return method_table(
        mean, lang,
        method_header=translate(lang, "forecast.table.method"),
        method_label=lambda m: method_label(m, lang, cell_label),
        columns=[(c, translate(lang, f"forecast.table.{c}")) for c in ERROR_METRICS],
        coverages=[(level, translate(lang, "forecast.table.coverage", level=level)) for level in levels],
        mark_best=True,
    )


def verdict(mean: Mapping[str, Mapping[str, float]], lang: str, cell_label: str = "LSTM") -> tuple[str, bool]:
    """A plain sentence, computed from the numbers, on whether the network beat seasonal naive on MASE.

    Returns ``(text, beats)``. The percentage is ``100 · (1 − MASE_model / MASE_seasonal_naive)``; when the
    network loses the sentence also names the best baseline, so nobody trusts a forecast that loses to it.
    """
    pair = _mase_pair(mean)
    if pair is None or pair[1] <= 0:
        return translate(lang, "forecast.verdict.unknown"), False
    ratio = pair[0] / pair[1]
    if ratio < 1:
        pct = round(100 * (1 - ratio))
        key = "forecast.verdict.better" if pct >= 1 else "forecast.verdict.tie"
        text = translate(lang, key, cell=cell_label, pct=pct)
        hard = {m: mean[m].get("mase", math.inf) for m in HARD_METHODS if m in mean}
        best = min(hard, key=hard.get) if hard else None
        if best is not None and hard[best] < pair[0]:  # a method that is hard to beat did better: say so
            text += translate(lang, "forecast.verdict.simpler", best=method_label(best, lang, cell_label),
                              best_mase=fmt_num(hard[best], 2, lang), model_mase=fmt_num(pair[0], 2, lang))
        return text + seeds_sentence(mean, pair[1], lang), True
    baselines = {m: v.get("mase", math.inf) for m, v in mean.items() if m != "model"}
    best = min(baselines, key=baselines.get)
    pct = round(100 * (ratio - 1))
    return translate(lang, "forecast.verdict.worse", cell=cell_label, pct=pct,
                     best=method_label(best, lang, cell_label)) + seeds_sentence(mean, pair[1], lang), False


def seeds_sentence(mean: Mapping[str, Mapping[str, float]], base: float, lang: str) -> str:
    """" Scored one final network (seed) at a time, ...": the spread over seeds, and whether it straddles
    seasonal naive's MASE ``base`` (then the verdict depends on the seed); "" when the backtest has no spread."""
    spread = seed_spread(mean.get("model", {}))
    if spread is None:
        return ""
    lo, hi = spread
    n = sum(1 for key in mean["model"] if key.startswith(SEED_MASE))
    key = "forecast.verdict.seeds_unsure" if lo < base < hi else "forecast.verdict.seeds"
    return translate(lang, key, n=n, lo=fmt_num(lo, 2, lang), hi=fmt_num(hi, 2, lang), base=fmt_num(base, 2, lang))


# --- Compare page -----------------------------------------------------------------------------------
def model_label(name: str, lang: str) -> str:
    """Display name of a compared model (``lstm``, ``gru``, ``bilstm``, ``rnn``) or a baseline."""
    if name in MODELS:
        return translate(lang, f"compare.model.{name}")
    return translate(lang, f"method.{name}")


def results_table(agg: Mapping[str, Mapping[str, tuple[float, float, int]]], lang: str) -> pd.DataFrame:
    """The Compare table: rows = models then baselines; cells ``mean ± spread`` when several seeds; ★ = best.

    ``agg``: ``ui.comparison.aggregate``.
    """
    best = best_per_column(agg)
    names = list(agg)
    cols: list[tuple[str, str, int]] = []  # (column id, header, digits)
    for part in PARTS:
        for metric in ERROR_METRICS:
            header = translate(lang, "compare.table.col", part=translate(lang, f"compare.part.{part}"),
                               metric=translate(lang, f"forecast.table.{metric}"))
            cols.append((f"{part}.{metric}", header, 3))
    cols += [("params", translate(lang, "compare.table.params"), 0),
             ("seconds", translate(lang, "compare.table.seconds"), 1),
             ("best_epoch", translate(lang, "compare.table.best_epoch"), 0)]
    data: dict[str, list[str]] = {translate(lang, "compare.table.model"): [model_label(n, lang) for n in names]}
    for col, header, digits in cols:
        cells = []
        for name in names:
            mean, spread, k = agg[name].get(col, (math.nan, math.nan, 0))
            if not math.isfinite(mean):
                cells.append(MISSING)
                continue
            text = fmt_num(mean, digits, lang)
            if k > 1:
                text += " ± " + fmt_num(spread, digits, lang)
            if best.get(col) == name:
                text += " ★"
            cells.append(text)
        data[header] = cells
    return pd.DataFrame(data)
