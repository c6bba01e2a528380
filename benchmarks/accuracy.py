"""Accuracy of the default forecaster on the forecasting dev set (34 real series it was not tuned on).

    .venv/bin/python -m benchmarks.accuracy [--seeds 0,1,2] [--series NAME ...] [--jobs N] [--quick]
                                            [--dev-dir PATH]
    .venv/bin/python -m benchmarks.accuracy --bundled [--series ID ...] [--models lstm,gru,bilstm] ...

The dev set lives outside the repository (it must not be committed): ``../shared/forecast-dev`` beside the
repository root, or ``$LSTM_LAB_FORECAST_DEV``, or ``--dev-dir``. Its README gives the protocol, applied here
to every series and seed: hold out the last ``horizon`` points, fit the default forecaster on the rest exactly
as ``python -m lstm_core forecast FILE --horizon H --seed S --season-length m`` would (the CLI's own config
function, BLAS capped at one thread), forecast ``horizon`` steps with 80 % and 95 % intervals, and score MASE
with the in-sample seasonal-naive scale (lag ``season``, lag 1 when the history is shorter than a season).

It prints the per-series table (MASE per seed, their mean, the seasonal naive MASE and the ratio of the two,
CPU seconds of fit + forecast), the geometric mean over the series for each seed and their mean, the
statsforecast references quoted from the dev set's README (not computed here), the worst ratios to seasonal
naive, the pooled coverage of the intervals overall and per step ahead, and the CPU seconds per series.
``--jobs N`` runs the fits in N worker processes, each with BLAS capped at one thread; CPU seconds are
measured inside the worker with ``time.process_time`` around fit + predict.

``--bundled`` runs the older report on the nine bundled series (``datasets.catalog()``) instead.
"""

from __future__ import annotations

import os

BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
if __name__ in ("__main__", "__mp_main__"):  # run as a script / spawned worker: cap BLAS before NumPy loads
    for _var in BLAS_ENV:
        os.environ[_var] = "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import datasets  # noqa: E402
from lstm_core import metrics  # noqa: E402
from lstm_core.backtest import backtest, backtest_origins  # noqa: E402
from lstm_core.baselines import SeasonalNaive, default_baselines  # noqa: E402
from lstm_core.forecast import ForecastConfig, Forecaster  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_ENV = "LSTM_LAB_FORECAST_DEV"
DEFAULT_DEV_DIR = REPO_ROOT.parent / "shared" / "forecast-dev"
LEVELS = (80, 95)
EXIT_NO_DATA = 2


# -- the dev set ------------------------------------------------------------------------------------------


class DevSetError(Exception):
    """The dev set is missing or malformed; the message says what and where."""


@dataclass
class DevSeries:
    """One dev series: its values (date order) and the protocol's season and horizon."""

    name: str
    source: str
    season: int
    horizon: int
    values: np.ndarray

    @property
    def n(self) -> int:
        return int(self.values.size)

    def split(self) -> tuple[np.ndarray, np.ndarray]:
        """(history, held-out last ``horizon`` points)."""
        return self.values[: -self.horizon], self.values[-self.horizon :]


def resolve_dev_dir(arg: str | os.PathLike | None = None, environ=None) -> Path:
    """``--dev-dir`` if given, else ``$LSTM_LAB_FORECAST_DEV``, else ``../shared/forecast-dev`` beside the repo."""
    environ = os.environ if environ is None else environ
    if arg:
        return Path(arg).expanduser()
    if environ.get(DEV_ENV):
        return Path(environ[DEV_ENV]).expanduser()
    return DEFAULT_DEV_DIR


def load_dev_set(dev_dir: str | os.PathLike, names: list[str] | None = None) -> list[DevSeries]:
    """Read ``meta.csv`` (name, source, n, season, horizon) and each ``NAME.csv`` (date, value) with pandas.

    ``names`` keeps only those series, in meta.csv's order. DevSetError on a missing directory or file, an
    unknown name, a non-finite value, or a horizon that leaves no history; a length that differs from meta's
    ``n`` is only warned about (on stderr).
    """
    import pandas as pd

    root = Path(dev_dir)
    meta_path = root / "meta.csv"
    if not root.is_dir():
        raise DevSetError(f"dev set not found: {root} is not a directory")
    if not meta_path.is_file():
        raise DevSetError(f"dev set incomplete: {meta_path} not found")
    meta = pd.read_csv(meta_path)
    missing = {"name", "season", "horizon"} - set(meta.columns)
    if missing:
        raise DevSetError(f"{meta_path}: missing column(s) {', '.join(sorted(missing))}")
    known = [str(v) for v in meta["name"]]
    if names:
        unknown = [v for v in names if v not in known]
        if unknown:
            raise DevSetError(f"unknown series: {', '.join(unknown)} (the dev set has {', '.join(known)})")
    out = []
    for row in meta.itertuples(index=False):
        name = str(row.name)
        if names and name not in names:
            continue
        path = root / f"{name}.csv"
        if not path.is_file():
            raise DevSetError(f"dev set incomplete: {path} not found")
        frame = pd.read_csv(path)
        if "value" not in frame.columns:
            raise DevSetError(f"{path}: no 'value' column (expected date,value)")
        values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=np.float64)
        if not np.all(np.isfinite(values)):
            raise DevSetError(f"{path}: {int(np.sum(~np.isfinite(values)))} missing or non-numeric value(s)")
        season, horizon = int(row.season), int(row.horizon)
        if not 1 <= horizon < values.size:
            raise DevSetError(f"{name}: horizon {horizon} leaves no history in {values.size} points")
        n_meta = getattr(row, "n", None)
        if n_meta is not None and not pd.isna(n_meta) and int(n_meta) != values.size:
            print(
                f"warning: {name}: meta.csv says n={int(n_meta)}, the file has {values.size}", file=sys.stderr
            )
        source = str(getattr(row, "source", ""))
        out.append(DevSeries(name, source, max(1, season), horizon, values))
    return out


def parse_reference_table(text: str) -> tuple[str, dict[str, float]] | None:
    """The first Markdown table whose body has an all-numeric row: (caption, {column: value}).

    The caption is the last non-blank line before the table (e.g. "References on this protocol (...)").
    None when there is no such table.
    """
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].lstrip().startswith("|"):
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].lstrip().startswith("|"):
            j += 1
        block = [_cells(line) for line in lines[i:j]]
        if len(block) >= 3 and all(set(c) <= set("-: ") and c for c in block[1]):
            header = block[0]
            for row in block[2:]:
                values = [_number(c) for c in row]
                if len(row) == len(header) and all(v is not None for v in values):
                    caption = next((s.strip() for s in reversed(lines[:i]) if s.strip()), "")
                    return caption, dict(zip(header, values))
        i = j
    return None


def _cells(line: str) -> list[str]:
    s = line.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") else s
    return [c.strip() for c in s.split("|")]


def _number(cell: str) -> float | None:
    try:
        return float(cell.replace("*", "").strip())
    except ValueError:
        return None


def read_references(dev_dir: str | os.PathLike) -> tuple[str, dict[str, float]] | None:
    """``parse_reference_table`` of the dev set's README.md, or None when it or the table is missing."""
    path = Path(dev_dir) / "README.md"
    try:
        return parse_reference_table(path.read_text(encoding="utf-8"))
    except OSError:
        return None


# -- scoring ----------------------------------------------------------------------------------------------


def gmean(values) -> float:
    """Geometric mean of the finite, positive values (nan when there are none)."""
    v = np.asarray([x for x in values if np.isfinite(x) and x > 0], dtype=np.float64)
    return float(np.exp(np.mean(np.log(v)))) if v.size else float("nan")


_gmean = gmean  # the bundled report's name


def inside_interval(actual, lower, upper) -> np.ndarray:
    """Boolean (H,): each held-out point within [lower, upper]."""
    y = np.asarray(actual, dtype=np.float64)
    return (y >= np.asarray(lower, dtype=np.float64)) & (y <= np.asarray(upper, dtype=np.float64))


def pooled_coverage(hits: list[np.ndarray]) -> tuple[float, int]:
    """(percent of True, number of points) over every array in ``hits``."""
    n = sum(int(np.asarray(h).size) for h in hits)
    k = sum(int(np.sum(h)) for h in hits)
    return (100.0 * k / n if n else float("nan")), n


def coverage_by_step(hits: list[np.ndarray]) -> list[tuple[int, int, float]]:
    """[(h, points, percent covered)] for h = 1..longest, pooled over the arrays that have step h."""
    longest = max((int(np.asarray(h).size) for h in hits), default=0)
    out = []
    for step in range(longest):
        col = [bool(np.asarray(h)[step]) for h in hits if np.asarray(h).size > step]
        out.append((step + 1, len(col), 100.0 * sum(col) / len(col)))
    return out


def seasonal_naive_mase(history: np.ndarray, actual: np.ndarray, m: int) -> float:
    """MASE of the seasonal naive forecast (lag m; lag 1 when the history is shorter than a season)."""
    lag = m if history.size >= m else 1
    pred = SeasonalNaive(lag).fit(history).predict(actual.size, levels=()).mean
    return metrics.mase(actual, pred, history, m)


def cli_config(n: int, m: int, horizon: int, seed: int) -> tuple[ForecastConfig, str]:
    """The config ``python -m lstm_core forecast FILE --horizon H --seed S --season-length m`` builds.

    Uses the CLI's own parser and config function, so the benchmark follows its defaults; falls back to
    ``ForecastConfig.auto(n, m, horizon=H, seed=S)`` if that private helper changes shape. Returns
    (config, where it came from).
    """
    argv = ["forecast", "dev.csv", "--horizon", str(horizon), "--seed", str(seed), "--season-length", str(m)]
    try:
        from lstm_core import __main__ as cli

        args = cli.build_parser(cli._Text("en")).parse_args(argv)
        make = cli._config
    except Exception:  # the CLI's private helpers moved: same documented defaults through the public API
        fallback = ForecastConfig.auto(n, m, horizon=horizon, seed=seed)
        return fallback, "ForecastConfig.auto (CLI helper unavailable)"
    return make(args, n, m), "the CLI's config (lstm_core.__main__._config)"


@contextlib.contextmanager
def _blas_one_thread():
    """One BLAS thread for this block (threadpoolctl when present; the env vars cover fresh processes)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1):
        yield


def run_task(task: tuple) -> dict:
    """Fit + forecast one (series, seed) and score it; runs in a worker process with ``--jobs`` > 1.

    task = (name, history, actual, season, horizon, seed). Never raises: an error comes back in "error".
    """
    name, history, actual, m, H, seed = task
    out = {"name": name, "seed": seed, "mase": float("nan"), "cpu": float("nan"), "hits": {}, "error": None}
    try:
        cfg, source = cli_config(history.size, m, H, seed)
        out["config_source"] = source
        with warnings.catch_warnings(), _blas_one_thread():
            warnings.simplefilter("ignore")
            t0 = time.process_time()
            fc = Forecaster(cfg)
            fc.fit(history)
            f = fc.predict(H, levels=LEVELS)
            out["cpu"] = time.process_time() - t0
        out["mase"] = metrics.mase(actual, f.mean, history, m)
        out["hits"] = {
            lv: inside_interval(actual, f.lower[lv], f.upper[lv]) for lv in LEVELS if lv in f.lower
        }
    except Exception as exc:  # one broken series must not lose the other 33's minutes
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def run_dev(series: list[DevSeries], seeds: list[int], jobs: int = 1, progress=None) -> list[dict]:
    """Every (series, seed) through ``run_task``, in ``jobs`` spawned processes when jobs > 1."""
    tasks = [(s.name, *s.split(), s.season, s.horizon, seed) for s in series for seed in seeds]
    results: list[dict] = []
    if jobs <= 1:
        for task in tasks:
            results.append(run_task(task))
            if progress:
                progress(results[-1], len(results), len(tasks))
        return results
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed

    for var in BLAS_ENV:  # spawned workers inherit this before their NumPy loads
        os.environ[var] = "1"
    tasks.sort(key=lambda t: -t[1].size)  # longest first: fewer stragglers at the end
    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(run_task, t) for t in tasks]
        for fut in as_completed(futures):
            results.append(fut.result())
            if progress:
                progress(results[-1], len(results), len(tasks))
    return results


# -- the report -------------------------------------------------------------------------------------------


def _f(value: float, width: int = 7, digits: int = 3) -> str:
    return f"{value:{width}.{digits}f}" if np.isfinite(value) else f"{'—':>{width}s}"


def report(
    series: list[DevSeries],
    seeds: list[int],
    results: list[dict],
    references: tuple[str, dict[str, float]] | None,
    out=None,
) -> dict:
    """Print the tables; returns the figures (for tests and callers)."""
    out = out or sys.stdout

    def say(text: str = "") -> None:
        print(text, file=out)

    by = {(r["name"], r["seed"]): r for r in results}
    width = max([6, *(len(s.name) for s in series)])
    rows = []
    for s in series:
        hist, actual = s.split()
        scores = [by[(s.name, seed)]["mase"] for seed in seeds]
        finite = [v for v in scores if np.isfinite(v)]
        mean = float(np.mean(finite)) if finite else float("nan")
        sn = seasonal_naive_mase(hist, actual, s.season)
        cpus = [by[(s.name, seed)]["cpu"] for seed in seeds if np.isfinite(by[(s.name, seed)]["cpu"])]
        cpu = float(np.mean(cpus)) if cpus else float("nan")
        rows.append({"s": s, "scores": scores, "mean": mean, "sn": sn, "ratio": mean / sn, "cpu": cpu})

    say(
        "MASE on the last-horizon hold-out (default forecaster; seasonal naive = snaive; ratio = mean / snaive)"
    )
    seed_cols = " ".join(f"{'seed ' + str(seed):>7s}" for seed in seeds)
    say(
        f"{'series':{width}s} {'n':>5s} {'m':>3s} {'H':>3s} {seed_cols} {'mean':>7s} {'snaive':>7s} "
        f"{'ratio':>6s} {'cpu s':>6s}"
    )
    for r in rows:
        s = r["s"]
        cells = " ".join(_f(v) for v in r["scores"])
        say(
            f"{s.name:{width}s} {s.n:5d} {s.season:3d} {s.horizon:3d} {cells} {_f(r['mean'])} {_f(r['sn'])} "
            f"{_f(r['ratio'], 6, 2)} {_f(r['cpu'], 6, 2)}"
        )
    per_seed = [gmean([r["scores"][i] for r in rows]) for i in range(len(seeds))]
    mean_of_seeds = float(np.mean(per_seed)) if per_seed else float("nan")
    gm_sn = gmean([r["sn"] for r in rows])
    gm_means = gmean([r["mean"] for r in rows])
    say(
        f"{'geometric mean':{width + 14}s} {' '.join(_f(v) for v in per_seed)} {_f(gm_means)} {_f(gm_sn)} "
        f"{_f(gm_means / gm_sn, 6, 2)}"
    )
    n_ok = [sum(np.isfinite(r["scores"][i]) for r in rows) for i in range(len(seeds))]
    say()
    say(
        f"geomean MASE over {len(rows)} series: "
        + ", ".join(f"seed {k} {v:.3f}" for k, v in zip(seeds, per_seed))
    )
    spread = f" (seeds span {min(per_seed):.3f}–{max(per_seed):.3f})" if len(seeds) > 1 else ""
    say(f"  mean over {len(seeds)} seed(s): {mean_of_seeds:.3f}{spread}")
    if any(k < len(rows) for k in n_ok):
        say(f"  (failed fits are left out: series scored per seed {n_ok} of {len(rows)})")
    say(f"  seasonal naive, computed here: {gm_sn:.3f}")

    if references:
        caption, refs = references
        say("references, quoted from the dev set's README.md (not computed here):")
        if caption:
            say("  " + textwrap.shorten(caption, width=106, placeholder=" ..."))
        say("  " + "  ".join(f"{k} {v:.3f}" for k, v in refs.items()))
        say(f"  LSTM Lab here: {mean_of_seeds:.3f} (geomean, mean over seeds)")
    else:
        say("references not found (no numeric Markdown table in the dev set's README.md)")

    say()
    worst = sorted((r for r in rows if np.isfinite(r["ratio"])), key=lambda r: -r["ratio"])[:5]
    say("worst ratios to seasonal naive (mean MASE over seeds / snaive MASE):")
    for r in worst:
        say(f"  {r['s'].name:{width}s} {r['ratio']:6.2f}×  ({r['mean']:.3f} vs {r['sn']:.3f})")
    above = [r["s"].name for r in rows if np.isfinite(r["ratio"]) and r["ratio"] > 1.5]
    text = f"series above 1.5× seasonal naive: {len(above)} of {len(rows)}" + (
        f" ({', '.join(above)})" if above else ""
    )
    say(textwrap.fill(text, width=106, subsequent_indent="  "))

    say()
    hits = {lv: [r["hits"][lv] for r in results if lv in r["hits"]] for lv in LEVELS}
    pooled = {lv: pooled_coverage(hits[lv]) for lv in LEVELS}
    say(
        f"interval coverage over {pooled[LEVELS[0]][1]} held-out points (series × seeds): "
        + ", ".join(f"{lv} % interval {pooled[lv][0]:.1f} %" for lv in LEVELS)
    )
    steps = {lv: coverage_by_step(hits[lv]) for lv in LEVELS}
    if steps[LEVELS[0]]:
        say(f"{'h':>4s} {'points':>7s} " + " ".join(f"{str(lv) + ' %':>7s}" for lv in LEVELS))
        for i, (h, n, _) in enumerate(steps[LEVELS[0]]):
            say(f"{h:4d} {n:7d} " + " ".join(f"{steps[lv][i][2]:7.1f}" for lv in LEVELS))

    say()
    cpus = [r["cpu"] for r in rows if np.isfinite(r["cpu"])]
    single = [r["cpu"] for r in results if np.isfinite(r["cpu"])]
    if cpus:
        slowest = max(rows, key=lambda r: r["cpu"] if np.isfinite(r["cpu"]) else -1)
        say(
            f"CPU s of fit + forecast per series (mean over seeds): median {statistics.median(cpus):.2f}, "
            f"max {max(cpus):.2f} ({slowest['s'].name}); slowest single fit {max(single):.2f}"
        )
    failed = [r for r in results if r["error"]]
    for r in failed:
        say(f"FAILED {r['name']} seed {r['seed']}: {r['error']}")
    return {
        "rows": rows,
        "geomean_per_seed": per_seed,
        "geomean_mean": mean_of_seeds,
        "coverage": {lv: pooled[lv][0] for lv in LEVELS},
        "coverage_by_step": steps,
        "above_1_5": above,
        "failed": len(failed),
    }


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"seeds must be integers separated by commas, got {text!r}"
        ) from None
    if not seeds:
        raise argparse.ArgumentTypeError("at least one seed")
    return seeds


def main_dev(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy",
        description="Accuracy of the default forecaster on the forecasting dev set (see the module docstring); "
        "--bundled runs the older report on the bundled series.",
    )
    ap.add_argument(
        "--dev-dir", default=None, help=f"dev set directory (default: ${DEV_ENV} or {DEFAULT_DEV_DIR})"
    )
    ap.add_argument("--series", action="append", default=None, help="series name (repeatable; default: all)")
    ap.add_argument("--seeds", type=_seeds, default=[0, 1, 2], help="comma-separated seeds (default 0,1,2)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--quick", action="store_true", help="first seed only (smoke run)")
    ap.add_argument(
        "--bundled",
        action="store_true",
        help="the older report on the bundled series instead (options: --bundled --help)",
    )
    args = ap.parse_args(argv)
    seeds = args.seeds[:1] if args.quick else args.seeds
    dev_dir = resolve_dev_dir(args.dev_dir)
    try:
        series = load_dev_set(dev_dir, args.series)
    except DevSetError as exc:
        print(exc, file=sys.stderr)
        if not (dev_dir / "meta.csv").is_file():
            print(
                f"The forecasting dev set is expected at {DEFAULT_DEV_DIR} (beside the repository, never inside "
                f"it); point to it with --dev-dir PATH or ${DEV_ENV}.",
                file=sys.stderr,
            )
        return EXIT_NO_DATA
    if not series:
        print(f"no series in {dev_dir / 'meta.csv'}", file=sys.stderr)
        return EXIT_NO_DATA
    references = read_references(dev_dir)
    _, source = cli_config(series[0].n - series[0].horizon, series[0].season, series[0].horizon, seeds[0])
    print(
        f"dev set {dev_dir}: {len(series)} series, seed(s) {','.join(map(str, seeds))}, jobs {max(1, args.jobs)}"
    )
    print(f"config: {source}; intervals {', '.join(map(str, LEVELS))} %; BLAS at 1 thread")
    print("cpu s = time.process_time() of Forecaster(cfg).fit(history) + .predict(H), inside the worker")
    print(flush=True)
    t0 = time.perf_counter()

    def progress(r: dict, done: int, total: int) -> None:
        what = f"error {r['error']}" if r["error"] else f"MASE {r['mase']:.3f}, {r['cpu']:.1f} s cpu"
        print(
            f"[{done}/{total}] {r['name']} seed {r['seed']}: {what} ({time.perf_counter() - t0:.0f} s)",
            file=sys.stderr,
            flush=True,
        )

    results = run_dev(series, seeds, max(1, args.jobs), progress)
    figures = report(series, seeds, results, references)
    print(f"total wall time {time.perf_counter() - t0:.0f} s")
    return 1 if figures["failed"] == len(results) else 0


def main(argv: list[str] | None = None) -> int:
    """The dev-set report by default; ``--bundled`` hands the remaining options to the bundled-series report."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--bundled" in argv:
        return main_bundled([a for a in argv if a != "--bundled"])
    return main_dev(argv)


# -- the bundled series (``--bundled``) ------------------------------------------------------------------

NETS = {
    "lstm": {},
    "gru": {"cell": "gru"},
    "bilstm": {"bidirectional": True},
}
BASELINES = ("seasonal_naive", "naive", "drift", "moving_average")


def _statsforecast_models(m: int):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from statsforecast.models import AutoARIMA, AutoETS
    except Exception:
        return {}
    models = {"auto_ets": lambda: AutoETS(season_length=m if m <= 24 else 1)}
    if m <= 24:  # seasonal ARIMA with m = 52 or 365 takes minutes per fit; reported as nan instead
        models["auto_arima"] = lambda: AutoARIMA(season_length=m)
    return models


def _stats_forecast(make, history: np.ndarray, h: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make()
        model.fit(history.astype(np.float64))
        return np.asarray(model.predict(h=h)["mean"], dtype=np.float64)


def _gmean(values) -> float:
    v = np.asarray([x for x in values if np.isfinite(x) and x > 0])
    return float(np.exp(np.mean(np.log(v)))) if v.size else float("nan")


def evaluate_series(
    sid: str, nets: list[str], max_points: int, do_backtest: bool, origins: int, use_stats: bool = True
) -> dict:
    """MASE per method on the hold-out (and mean over backtest origins), plus network fit seconds."""
    info = datasets.info(sid)
    x = datasets.load(sid).to_numpy(dtype=np.float64)[-max_points:]
    m = int(info.season_length)
    base_cfg = ForecastConfig.auto(x.size, m)
    H = base_cfg.horizon
    hist, actual = x[:-H], x[-H:]
    out: dict = {"id": sid, "n": x.size, "m": m, "H": H, "holdout": {}, "backtest": {}, "fit_s": {}}
    stats = _statsforecast_models(m) if use_stats else {}
    for name in nets:
        cfg = dataclasses.replace(
            ForecastConfig.auto(hist.size, m, horizon=H, **NETS[name]), test_fraction=0.0
        )
        t0 = time.perf_counter()
        fc = Forecaster(cfg)
        fc.fit(hist)
        pred = fc.predict(H).mean
        out["fit_s"][name] = [time.perf_counter() - t0]
        out["holdout"][name] = metrics.mase(actual, pred, hist, m)
    for name, base in default_baselines(m).items():
        out["holdout"][name] = metrics.mase(actual, base.fit(hist).predict(H, levels=()).mean, hist, m)
    if use_stats and _statsforecast_models(1):
        out["holdout"].setdefault("auto_ets", float("nan"))
        out["holdout"].setdefault("auto_arima", float("nan"))
    for name, make in stats.items():
        try:
            out["holdout"][name] = metrics.mase(actual, _stats_forecast(make, hist, H), hist, m)
        except Exception:
            out["holdout"][name] = float("nan")
    if do_backtest:
        for name in nets:
            cfg = ForecastConfig.auto(x.size, m, horizon=H, **NETS[name])
            t0 = time.perf_counter()
            res = backtest(x, cfg, n_origins=origins, levels=(), season_length=m)
            out["fit_s"][name].append((time.perf_counter() - t0) / origins)
            out["backtest"][name] = res.mean["model"]["mase"]
            for b in BASELINES:
                out["backtest"][b] = res.mean[b]["mase"]
        for name, make in stats.items():
            scores = []
            for o in backtest_origins(x.size, H, origins):
                try:
                    scores.append(metrics.mase(x[o : o + H], _stats_forecast(make, x[:o], H), x[:o], m))
                except Exception:
                    scores.append(float("nan"))
            out["backtest"][name] = float(np.nanmean(scores))
        if stats and "auto_arima" not in stats:
            out["backtest"]["auto_arima"] = float("nan")
    return out


def main_bundled(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy --bundled",
        description="Accuracy of the default networks on the bundled series, against baselines and statsforecast.",
    )
    ap.add_argument("--series", action="append", default=None, help="series id (repeatable; default: all)")
    ap.add_argument("--models", default="lstm,gru,bilstm", help="networks to run, comma separated")
    ap.add_argument(
        "--max-points", type=int, default=800, help="use at most the last N points of each series"
    )
    ap.add_argument("--no-backtest", action="store_true", help="hold-out only (faster)")
    ap.add_argument("--origins", type=int, default=3)
    ap.add_argument(
        "--no-stats", action="store_true", help="skip AutoETS/AutoARIMA even if statsforecast exists"
    )
    args = ap.parse_args(argv)
    ids = args.series or [s.id for s in datasets.catalog()]
    nets = [n for n in args.models.split(",") if n]
    rows = []
    t0 = time.perf_counter()
    for sid in ids:
        r = evaluate_series(sid, nets, args.max_points, not args.no_backtest, args.origins, not args.no_stats)
        rows.append(r)
        parts = [
            f"{k}: " + " ".join(f"{name}={v:.3f}" for name, v in r[k].items())
            for k in ("holdout", "backtest")
        ]
        fits = " ".join(f"{name}={np.mean(v):.1f}s" for name, v in r["fit_s"].items())
        print(
            f"... {sid} ({time.perf_counter() - t0:.0f} s) | " + " | ".join(parts) + f" | fit {fits}",
            flush=True,
        )
    methods = list(rows[0]["holdout"])
    for kind in ("holdout", "backtest"):
        if not rows[0][kind]:
            continue
        title = (
            "last-horizon hold-out" if kind == "holdout" else f"{args.origins}-origin backtest (mean MASE)"
        )
        print(f"\nMASE, {title}")
        cols = [m for m in methods if m in rows[0][kind]]
        print(f"{'series':32s} {'n':>5s} {'m':>4s} {'H':>3s} " + " ".join(f"{c[:10]:>10s}" for c in cols))
        for r in rows:
            print(
                f"{r['id']:32s} {r['n']:5d} {r['m']:4d} {r['H']:3d} "
                + " ".join(f"{r[kind].get(c, math.nan):10.3f}" for c in cols)
            )
        print(
            f"{'geometric mean':49s} " + " ".join(f"{_gmean([r[kind][c] for r in rows]):10.3f}" for c in cols)
        )
        wins = [sum(r[kind][c] < r[kind]["seasonal_naive"] for r in rows) for c in cols]
        print(f"{'beats seasonal naive (series)':49s} " + " ".join(f"{w:10d}" for w in wins))
    print("\nmean fit + forecast seconds per network fit (hold-out, backtest origin):")
    for n in nets:
        hold = np.mean([r["fit_s"][n][0] for r in rows])
        bt = np.mean([r["fit_s"][n][1] for r in rows]) if len(rows[0]["fit_s"][n]) > 1 else math.nan
        print(f"  {n:8s} {hold:6.2f} s  {bt:6.2f} s")
    print(f"total {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
