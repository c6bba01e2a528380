"""Command line: ``python -m lstm_core forecast|backtest INPUT.csv ...``.

An edge like ``app.py``: it reads the table with ``datasets.read_table``, fits the default ``Forecaster`` and
writes the forecast (``forecast``) or prints a metrics table against the baselines (``backtest``). Messages
come from the ``cli`` / ``errors.*`` / ``warnings.*`` catalogs in English or Portuguese (``--lang``, default from
``LANG``): what the reading changed (gaps filled, irregular dates, ...) is printed on stderr. Bad input prints one
line on stderr and exits with status 2; nothing ever ends in a traceback. Sizes are bounded by ``budgets``: the
input is read only from a regular file and never beyond the upload limit, the horizon is checked before any work.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from typing import Any

import budgets
from locales import DEFAULT_LANG, normalize_lang, translate
from lstm_core.baselines import check_levels

EXIT_BAD_INPUT = 2
EXIT_UNEXPECTED = 1


class BadArguments(Exception):
    """argparse found a bad option; carries argparse's (English) detail."""


def _lang(argv: list[str]) -> str:
    """--lang from argv (before full parsing, so --help is translated too), else LANG, else English."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_lang(argv[i + 1]) or DEFAULT_LANG
        if arg.startswith("--lang="):
            return normalize_lang(arg.split("=", 1)[1]) or DEFAULT_LANG
    return normalize_lang(os.environ.get("LC_ALL") or os.environ.get("LANG")) or DEFAULT_LANG


class _Text:
    """``t(key, **params)`` bound to one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: Any) -> str:
        return translate(self.lang, key, **params)


def number(text: str) -> float:
    """An option written as a number in any notation (``12``, ``1e9``); its range is checked later, with the
    limit named. Anything else is argparse's "invalid number value"."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, our exit status, no usage dump
        raise BadArguments(message)


def build_parser(t: _Text) -> argparse.ArgumentParser:
    """Both sub-commands with translated help texts."""
    parser = _Parser(prog="python -m lstm_core", description=t("cli.description"))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("input", metavar="INPUT.csv", help=t("cli.help.input"))
        p.add_argument("--horizon", type=number, default=None, help=t("cli.help.horizon"))
        p.add_argument("--column", default=None, help=t("cli.help.column"))
        p.add_argument("--date-column", default=None, help=t("cli.help.date_column"))
        p.add_argument("--cell", choices=("lstm", "gru", "rnn"), default="lstm", help=t("cli.help.cell"))
        p.add_argument("--bidirectional", action="store_true", help=t("cli.help.bidirectional"))
        p.add_argument("--level", type=int, action="append", default=None, help=t("cli.help.level"))
        p.add_argument("--seed", type=int, default=0, help=t("cli.help.seed"))
        p.add_argument("--epochs", type=int, default=None, help=t("cli.help.epochs"))
        p.add_argument("--ensemble", type=int, default=None, help=t("cli.help.ensemble"))
        p.add_argument("--season-length", type=int, default=None, help=t("cli.help.season_length"))
        p.add_argument("--quiet", action="store_true", help=t("cli.help.quiet"))
        p.add_argument("--lang", default=None, help=t("cli.help.lang"))

    fc = sub.add_parser("forecast", help=t("cli.help.forecast"), description=t("cli.help.forecast"))
    common(fc)
    fc.add_argument("--output", default=None, help=t("cli.help.output"))
    fc.add_argument("--save-model", default=None, help=t("cli.help.save_model"))
    bt = sub.add_parser("backtest", help=t("cli.help.backtest"), description=t("cli.help.backtest"))
    common(bt)
    bt.add_argument("--origins", type=int, default=3, help=t("cli.help.origins"))
    return parser


class Progress:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self, t: _Text, enabled: bool, width: int = 24) -> None:
        self.t, self.enabled, self.width = t, enabled, width
        self.stream = sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.drawn = False

    def __call__(self, info) -> None:
        if not self.enabled:
            return
        members = max(1, info.members) * max(1, getattr(info, "origins", 1))
        done_members = getattr(info, "origin", 0) * max(1, info.members) + info.member
        frac = min(1.0, (done_members + info.epoch / max(1, info.epochs)) / members)
        fill = int(round(frac * self.width))
        val = "—" if info.val_loss is None or not math.isfinite(info.val_loss) else f"{info.val_loss:.4f}"
        text = self.t(
            "cli.progress",
            member=done_members + 1,
            members=members,
            epoch=info.epoch,
            epochs=info.epochs,
            loss=f"{info.train_loss:.4f}",
            val=val,
            eta=f"{info.eta_s:.0f}",
        )
        clear = "\x1b[K" if self.tty else ""  # erase the rest of the line on terminals only
        self.stream.write(f"\r[{'#' * fill}{'.' * (self.width - fill)}] {text}{clear}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def _read(args, t: _Text) -> tuple[Any, int]:
    """(pandas Series, season length) from the input table; what the reading changed is printed on stderr."""
    import datasets

    result = datasets.read_table(args.input, date_column=args.date_column, value_column=args.column)
    for warning in result.warnings:
        print(t(warning.key, **dict(warning.params or {})), file=sys.stderr)
    m = args.season_length or result.detected.season_length or 1
    return result.series, int(m)


def _horizon(args) -> int | None:
    """``--horizon`` as a whole number within ``budgets.HORIZON``, checked before the input is even read."""
    horizon = args.horizon
    if horizon is None:
        return None
    if not (horizon.is_integer() and 1 <= horizon <= budgets.HORIZON):
        from lstm_core.errors import CoreError

        raise CoreError("errors.engine.bad_horizon", value=f"{horizon:g}", max=budgets.HORIZON)
    return int(horizon)


def _config(args, n: int, m: int):
    from lstm_core.forecast import ForecastConfig

    overrides: dict[str, Any] = {"cell": args.cell, "bidirectional": bool(args.bidirectional), "seed": args.seed}
    if args.epochs is not None:
        overrides["epochs"] = args.epochs
    if args.ensemble is not None:
        overrides["ensemble"] = args.ensemble
    return ForecastConfig.auto(n, m, horizon=_horizon(args), **overrides)


def _fmt(value: float) -> str:
    return f"{value:.10g}"


def _labels(index, future) -> list[str]:
    import pandas as pd

    if isinstance(future, pd.DatetimeIndex):
        normal = bool((future == future.normalize()).all())
        return list(future.strftime("%Y-%m-%d" if normal else "%Y-%m-%d %H:%M:%S"))
    return [str(v) for v in future]


def _future(index, horizon: int):
    """The forecast's labels after ``index``, refused with the budget's last year when its calendar cannot hold
    them (pandas' nanosecond timestamps end in 2262)."""
    from pandas.errors import OutOfBoundsDatetime

    import datasets

    try:
        return datasets.future_index(index, horizon)
    except (OutOfBoundsDatetime, OverflowError):
        raise datasets.DataError("errors.data.calendar_overflow", max=budgets.LAST_YEAR) from None


def run_forecast(args, t: _Text) -> int:
    from lstm_core.forecast import Forecaster

    levels = check_levels(args.level or (80, 95))
    _horizon(args)  # a bad horizon is refused before the input is read
    series, m = _read(args, t)
    values = series.to_numpy(dtype=float)
    cfg = _config(args, values.size, m)
    future = _future(series.index, cfg.horizon)  # before the fit: a calendar that cannot go on costs nothing
    progress = Progress(t, not args.quiet)
    fc = Forecaster(cfg)
    try:
        hist = fc.fit(values, callback=progress)
    finally:
        progress.close()
    if not args.quiet:
        print(t(hist.message_key, **hist.message_params), file=sys.stderr)
    f = fc.predict(cfg.horizon, levels)
    rows = [",".join(["date", *f.as_dict().keys()])]
    cols = list(f.as_dict().values())
    for i, label in enumerate(_labels(series.index, future)):
        rows.append(",".join([label, *(_fmt(c[i]) for c in cols)]))
    text = "\n".join(rows) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        if not args.quiet:
            print(t("cli.wrote", horizon=cfg.horizon, path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(text)
    if args.save_model:
        fc.save(args.save_model)
    return 0


METHODS = ("model", "seasonal_naive", "theta", "damped_es", "naive", "drift", "moving_average")


def run_backtest(args, t: _Text) -> int:
    from lstm_core.backtest import backtest

    levels = check_levels(args.level or (80, 95))
    _horizon(args)  # a bad horizon is refused before the input is read
    series, m = _read(args, t)
    values = series.to_numpy(dtype=float)
    cfg = _config(args, values.size, m)
    if args.origins < 1:
        from lstm_core.errors import CoreError

        raise CoreError("errors.engine.bad_config", field="origins", value=str(args.origins))
    progress = Progress(t, not args.quiet)
    t0 = time.perf_counter()
    try:
        res = backtest(values, cfg, n_origins=args.origins, levels=levels, callback=progress, season_length=m)
    finally:
        progress.close()
    cols = ["mae", "rmse", "smape", "mase", *[f"coverage_{lv}" for lv in levels]]
    header = [t("cli.table.method"), *[t(f"cli.table.{c.split('_')[0]}", level=c.split("_")[-1]) for c in cols]]
    rows = []
    for name in METHODS:
        if name in res.mean:
            label = t("cli.method.model", cell=cfg.cell.upper()) if name == "model" else t(f"method.{name}")
            rows.append([label, *(f"{res.mean[name][c]:.3f}" for c in cols)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(t("cli.backtest_title", origins=len(res.origins), horizon=res.horizon, m=m))
    for r in [header, *rows]:
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))))
    ratio = res.ratio_to("seasonal_naive")
    if math.isfinite(ratio):
        if ratio < 1:
            print(t("cli.verdict_better", pct=f"{100 * (1 - ratio):.0f}"))
        else:
            print(t("cli.verdict_worse", pct=f"{100 * (ratio - 1):.0f}"))
    print(t("cli.elapsed", seconds=f"{time.perf_counter() - t0:.1f}"), file=sys.stderr)
    return 0


def one_blas_thread() -> None:
    """One BLAS thread for this process (``threadpoolctl``, when installed).

    The core multiplies small matrices, where extra OpenBLAS threads only spin: on this 2-core machine a
    threaded BLAS made a training step 3.6× slower. ``python -m lstm_core`` loads NumPy with the package,
    before this module runs, so the limit is set at run time rather than through OPENBLAS_NUM_THREADS.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 bad input, 1 unexpected)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    one_blas_thread()
    t = _Text(_lang(argv))
    try:
        args = build_parser(t).parse_args(argv)
        if args.lang is not None:
            t = _Text(_lang(["--lang", args.lang]))
        return run_forecast(args, t) if args.command == "forecast" else run_backtest(args, t)
    except BadArguments as exc:
        print(t("cli.bad_argument", detail=str(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # every error we raise on purpose has a key; anything else is unexpected
        key = getattr(exc, "key", None)
        if key:
            print(t(key, **dict(getattr(exc, "params", {}) or {})), file=sys.stderr)
            return EXIT_BAD_INPUT
        if isinstance(exc, OSError):
            print(t("cli.file_error", detail=str(exc)), file=sys.stderr)
            return EXIT_BAD_INPUT
        from pandas.errors import OutOfBoundsDatetime

        if isinstance(exc, OutOfBoundsDatetime):  # a calendar past pandas' last date, wherever it arose
            print(t("errors.data.calendar_overflow", max=budgets.LAST_YEAR), file=sys.stderr)
            return EXIT_BAD_INPUT
        print(t("errors.unexpected", detail=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    sys.exit(main())
