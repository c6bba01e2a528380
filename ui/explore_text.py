"""The sentences and the table of the Explore page, built from its numbers (pure: no streamlit).

Drivers: how far back each network looks (``explore_drivers.reach``: the newest values holding ``MASS`` of the
|attribution|), its largest attribution, and whether it leans on the value one season before the forecast
point. Select and match: the units of a brushed stretch, as a table and a sentence, and the matches found.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ui import explore_drivers as drv
from ui.explore_select import MIN_JACCARD, MIN_SCORE, Match, UnitRanking
from ui.i18n import fmt_num, translate


def _pct(x: float, lang: str) -> str:
    return fmt_num(100 * x, 0, lang) + " %"


def gate_in_sentence(name: str, lang: str) -> str:
    """A gate's or state's catalog name for the middle of a sentence: its first letter in lower case."""
    label = translate(lang, f"gate.{name}")
    return label[:1].lower() + label[1:]


def names_text(names: Sequence[str], lang: str) -> str:
    """``"GRU and RNN"`` for two names, the name alone for one, commas before the last pair for more."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-2] + [translate(lang, "explore.pair", first=names[-2], second=names[-1])])


def units_text(units: Sequence[int], limit: int = 8) -> str:
    """``"3, 7, 12"``, cut after ``limit`` units with an ellipsis."""
    shown = ", ".join(str(int(u)) for u in list(units)[:limit])
    return shown + (" …" if len(units) > limit else "")


def drivers_lines(row: np.ndarray, step: int, season: int, lang: str) -> list[str]:
    """What one network's attributions of one step say: how far back it looks, its peak, and whether it leans on
    the value one season before the forecast point (when the window holds it: else ``season_note`` says why)."""
    W = int(np.asarray(row).size)
    n, peak = drv.reach(row), drv.peak_lag(row)
    lines = [translate(lang, "explore.drivers.reach", pct=_pct(drv.MASS, lang), n=n, window=W)]
    lines.append(translate(lang, "explore.drivers.peak_last") if peak == 0
                 else translate(lang, "explore.drivers.peak", lag=peak))
    lag = drv.season_lag(step, season, W)
    if lag is not None:
        key = "explore.drivers.leans" if drv.leans_on(row, lag) else "explore.drivers.not_leans"
        lines.append(translate(lang, key, lag=lag, season=season, pct=_pct(drv.share(row, lag), lang),
                               ratio=fmt_num(drv.share(row, lag) * W, 1, lang)))
    return lines


def season_note(step: int, season: int, window: int, lang: str) -> str | None:
    """Why no network can lean on the value one season back (no season, or older than the window), or None."""
    if season < 2:
        return translate(lang, "explore.drivers.no_season")
    if drv.season_lag(step, season, window) is None:
        return translate(lang, "explore.drivers.season_outside", season=season, window=window)
    return None


def completeness_line(total: float, difference: float, lang: str) -> str:
    """Integrated gradients' check: the bars add up to the forecast minus the flat window's forecast."""
    return translate(lang, "explore.drivers.completeness", total=fmt_num(total, 4, lang),
                     difference=fmt_num(difference, 4, lang))


def ranking_table(ranking: UnitRanking, lang: str, limit: int = 10) -> pd.DataFrame:
    """The best ``limit`` units of a ranking: unit, on inside, on around, score; ✓ for the stretch's units."""
    top = ranking.order[:limit]
    return pd.DataFrame({
        translate(lang, "explore.select.col_unit"): [translate(lang, "explore.unit_n", n=int(u)) for u in top],
        translate(lang, "explore.select.col_inside"): [_pct(ranking.inside[u], lang) for u in top],
        translate(lang, "explore.select.col_around"): [_pct(ranking.around[u], lang) for u in top],
        translate(lang, "explore.select.col_score"): [
            fmt_num(ranking.score[u], 2, lang) + (" ✓" if ranking.score[u] >= MIN_SCORE else "") for u in top],
    })


def units_line(ranking: UnitRanking, threshold_text: str, lang: str) -> str:
    """Which units track the stretch, or why none does."""
    units = ranking.units
    if units.size == 0:
        return translate(lang, "explore.select.no_units", threshold=threshold_text, score=fmt_num(MIN_SCORE, 1, lang))
    return translate(lang, "explore.select.units", n=int(units.size), units=units_text(units),
                     threshold=threshold_text, score=fmt_num(MIN_SCORE, 1, lang))


def matches_line(matches: Sequence[Match], stretch_steps: int, lang: str) -> str:
    """How many matches were found, with the rule that found them."""
    rule = dict(jaccard=fmt_num(MIN_JACCARD, 1, lang), min=max(1, -(-stretch_steps // 2)))
    if not matches:
        return translate(lang, "explore.match.none", **rule)
    return translate(lang, "explore.match.found", n=len(matches), **rule)


def match_label(match: Match, start: str, end: str, lang: str) -> str:
    """One match as a line: its time span, length and mean Jaccard index."""
    return translate(lang, "explore.match.item", start=start, end=end, steps=match.length,
                     score=fmt_num(match.score, 2, lang))
