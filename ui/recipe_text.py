"""The Forecast page's "how this forecast was made": the recipe's steps as the fitted model took them."""

from __future__ import annotations

from typing import Any

from locales import translate


def recipe_lines(forecaster: Any, lang: str) -> list[str]:
    """One sentence per step (transform, season, window, members), read from ``forecaster`` as it was fitted."""
    cfg = forecaster.config
    tr = forecaster.final.transform if forecaster.final is not None else forecaster.transform
    lines = [translate(lang, "forecast.how.log" if tr.log else "forecast.how.no_log")]
    m = int(cfg.season_length)
    if tr.deseasonalized:
        lines.append(translate(lang, "forecast.how.season", m=m))
    elif m > 1 and cfg.transform == "auto":
        lines.append(translate(lang, "forecast.how.no_season", m=m))
    anchor = "season_mean" if cfg.scaling == "season_mean" and m > 1 else "last"
    lines.append(translate(lang, f"forecast.how.window_{anchor}", window=cfg.window, m=m))
    if forecaster.final is not None:
        lines.append(translate(lang, "forecast.how.final", held=len(forecaster.models),
                               epochs=forecaster.final.epochs, members=len(forecaster.final.models)))
    else:
        lines.append(translate(lang, f"forecast.how.held_{cfg.combine}", members=len(forecaster.models)))
    return lines
