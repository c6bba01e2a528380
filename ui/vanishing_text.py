"""The sentences of the Vanishing gradients page and of the lesson's vanishing step that read measured numbers.

Pure (no streamlit, no plotly): numbers in, text in ``lang`` out, through ``ui.i18n.translate``.
A gradient share is a ratio ``‖∂L/∂h_1‖ / ‖∂L/∂h_T‖`` (``lstm_core.memory.StepGradients``); results
are the ``lstm_core.memory.KindResult`` of each kind in ``KINDS``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from lstm_core.memory import KINDS, KindResult
from ui.i18n import fmt_num, translate

SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
POWER_BELOW = 0.05  # ratio_text writes smaller ratios as a power of ten
LEARNED, PARTLY_ABOVE_CHANCE = 0.8, 0.15  # verdict_key's thresholds on test accuracy


def ratio_text(x: float, lang: str, *, power: bool = True) -> str:
    """A positive ratio for a sentence; zero, negative or non-finite ones are "0".

    ``power=True``: below ``POWER_BELOW`` as the nearest power of ten, 0.0003 → "10⁻⁴", else two decimals,
    0.4 → "0,40"/"0.40". ``power=False``: as a decimal with enough digits to show the first significant one,
    0.0002 → "0,0002"/"0.0002".
    """
    if not (x > 0 and math.isfinite(x)):
        return "0"
    if not power:
        digits = 1
        while digits < 12 and round(x, digits) == 0:
            digits += 1
        return fmt_num(x, digits, lang)
    if x >= POWER_BELOW:
        return fmt_num(x, 2, lang)
    return "10" + str(round(math.log10(x))).translate(SUPERSCRIPTS)


def kind_label(kind: str, lang: str) -> str:
    """``"RNN"`` → the catalog's name of a network kind (``cell_kind.rnn``)."""
    return translate(lang, f"cell_kind.{kind.lower()}")


def kind_ratios(ratios: Mapping[str, float], lang: str, *, power: bool = True) -> dict[str, str]:
    """``{"rnn": ..., "lstm": ..., "gru": ...}``: one ratio per kind as ``ratio_text``, for a catalog sentence."""
    return {k.lower(): ratio_text(float(ratios[k]), lang, power=power) for k in KINDS}


def _first_step(profiles: Mapping[str, np.ndarray], lang: str) -> dict[str, str]:
    """Each kind's share at the first step of its profile, as a power of ten."""
    return kind_ratios({k: profiles[k][0] for k in KINDS}, lang)


def init_sentence(profiles: Mapping[str, np.ndarray], lag: int, lang: str) -> str:
    """What reaches the first step of the untrained networks (``profiles``: kind -> relative ‖∂L/∂h_t‖)."""
    return translate(lang, "vanishing.read.init", lag=lag, **_first_step(profiles, lang))


def verdict_key(accuracy: float, chance: float) -> str:
    """Catalog key saying whether one network learned the task (clearly above guessing) or not."""
    if accuracy >= LEARNED:
        return "vanishing.read.learned"
    if accuracy >= chance + PARTLY_ABOVE_CHANCE:
        return "vanishing.read.partly"
    return "vanishing.read.guessing"


def trained_reading(results: Mapping[str, KindResult], lag: int, epochs: int, lang: str) -> str:
    """The trained networks in words: the task and chance level, then one bullet per kind with its verdict."""
    lines = [translate(lang, "vanishing.read.trained_intro", lag=lag, epochs=epochs,
                       chance=fmt_num(100 * results["RNN"].chance, 0, lang))]
    for k in KINDS:
        r = results[k]
        lines.append("- " + translate(lang, verdict_key(r.accuracy, r.chance), kind=kind_label(k, lang),
                                      acc=fmt_num(100 * r.accuracy, 0, lang)))
    return "\n".join(lines)


def trained_gradient_sentence(profiles: Mapping[str, np.ndarray], lag: int, measure: str, lang: str) -> str:
    """What reaches the first step after training; ``measure`` is "dh" (‖∂L/∂h_t‖) or "dx" (‖∂L/∂x_t‖)."""
    return translate(lang, "vanishing.read.trained_grad", lag=lag, **_first_step(profiles, lang),
                     measure=translate(lang, f"vanishing.measure_opts.{measure}"))


def timing_text(results: Mapping[str, KindResult], lag: int, lang: str) -> str:
    """Training time of each kind at one lag: "RNN 0.4 s · LSTM 1.1 s · GRU 0.9 s"."""
    times = " · ".join(f"{kind_label(k, lang)} {fmt_num(results[k].seconds, 1, lang)} s" for k in KINDS)
    return translate(lang, "vanishing.trained.timing", lag=lag, times=times)


def lesson_reveal(shares: Mapping[str, float], lag: int, lang: str) -> str:
    """The lesson's vanishing reveal with the measured first-step shares (kind -> share) as decimals."""
    return translate(lang, "lesson.steps.vanishing.reveal", lag=lag,
                     **kind_ratios(shares, lang, power=False))
