"""The Cell page's texts: the cell's equations in symbols and with one step's numbers (LaTeX), and its reading.

Pure (no streamlit): every function takes the language ``lang`` ("pt-BR" | "en") explicitly. ``v`` is the dict
of :func:`ui.cell_values.step_values`, ``arrs`` the one of :func:`ui.cell_values.layer_arrays`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ui.i18n import fmt_num, translate


def percent(share: float, lang: str) -> str:
    """A share in 0..1 as a whole percentage with the language's decimal mark, e.g. ``87%``."""
    return fmt_num(100 * share, 0, lang) + "%"


def latex_num(v: float, lang: str, digits: int = 3) -> str:
    """A number for LaTeX in the language's decimal mark (the comma braced, so LaTeX adds no space after it)."""
    return fmt_num(v, digits, lang).replace(",", "{,}")


def _term(v: float, lang: str) -> str:
    """A number as a term of a sum or product: negatives in parentheses."""
    s = latex_num(v, lang)
    return f"({s})" if v < 0 else s


def _pre_sum(p: Mapping[str, float], x_all: np.ndarray, w_row: float | None, lang: str) -> str:
    """``W x + b + W h + b`` with numbers; for one input feature the product is written out (w·x)."""
    wx = f"{_term(w_row, lang)}\\cdot{_term(float(x_all[0]), lang)}" if w_row is not None else _term(p["wx"], lang)
    return f"{wx} + {_term(p['bi'], lang)} + {_term(p['wh'], lang)} + {_term(p['bh'], lang)}"


def latex_equations(kind: str) -> list[str]:
    """The cell's equations in symbols (PyTorch's naming of weights), one row per equation."""
    if kind == "LSTM":
        return [
            r"i_t = \sigma(W_{ii}\,x_t + b_{ii} + W_{hi}\,h_{t-1} + b_{hi})",
            r"f_t = \sigma(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf})",
            r"g_t = \tanh(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg})",
            r"o_t = \sigma(W_{io}\,x_t + b_{io} + W_{ho}\,h_{t-1} + b_{ho})",
            r"c_t = f_t \odot c_{t-1} + i_t \odot g_t",
            r"h_t = o_t \odot \tanh(c_t)",
        ]
    return [
        r"r_t = \sigma(W_{ir}\,x_t + b_{ir} + W_{hr}\,h_{t-1} + b_{hr})",
        r"z_t = \sigma(W_{iz}\,x_t + b_{iz} + W_{hz}\,h_{t-1} + b_{hz})",
        r"n_t = \tanh\big(W_{in}\,x_t + b_{in} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn})\big)",
        r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
    ]


def latex_numbers(v: Mapping[str, Any], arrs: Mapping[str, Any], lang: str) -> list[str]:
    """The same equations with this step's numbers for the chosen unit (pre-activations from the weights)."""
    H = arrs["W_hh"].shape[1]
    one_input = arrs["W_ih"].shape[1] == 1

    def num(x: float) -> str:
        return latex_num(x, lang)

    def term(x: float) -> str:
        return _term(x, lang)

    def w(k: int) -> float | None:
        return float(arrs["W_ih"][k * H + v["unit"], 0]) if one_input else None

    pre, x_all = v["pre"], v["x_all"]
    if v["kind"] == "LSTM":
        rows = []
        for k, (sym, name, fn) in enumerate((("i", "input", r"\sigma"), ("f", "forget", r"\sigma"),
                                             ("g", "candidate", r"\tanh"), ("o", "output", r"\sigma"))):
            rows.append(f"{sym}_t = {fn}({_pre_sum(pre[name], x_all, w(k), lang)}) = {fn}({num(pre[name]['a'])})"
                        f" = {num(v[name])}")
        rows.append(f"c_t = {num(v['forget'])}\\cdot{term(v['c_prev'])} + {num(v['input'])}\\cdot"
                    f"{term(v['candidate'])} = {num(v['kept'])} + {term(v['written'])} = {num(v['cell'])}")
        rows.append(f"h_t = {num(v['output'])}\\cdot\\tanh({num(v['cell'])}) = {num(v['output'])}\\cdot"
                    f"{term(v['tanh_c'])} = {num(v['hidden'])}")
        return rows
    rows = []
    for k, (sym, name) in enumerate((("r", "reset"), ("z", "update"))):
        rows.append(f"{sym}_t = \\sigma({_pre_sum(pre[name], x_all, w(k), lang)}) = \\sigma({num(pre[name]['a'])})"
                    f" = {num(v[name])}")
    n = pre["candidate"]
    wx = f"{term(w(2))}\\cdot{term(float(x_all[0]))}" if one_input else term(n["wx"])
    rows.append(f"n_t = \\tanh({wx} + {term(n['bi'])} + {num(v['reset'])}\\cdot({num(n['wh'])} + "
                f"{term(n['bh'])})) = \\tanh({num(n['a'])}) = {num(v['candidate'])}")
    rows.append(f"h_t = {num(v['one_minus_z'])}\\cdot{term(v['candidate'])} + {num(v['update'])}\\cdot"
                f"{term(v['h_prev'])} = {num(v['written'])} + {term(v['kept'])} = {num(v['hidden'])}")
    return rows


def aligned(rows: list[str]) -> str:
    """Equations ``a = b`` stacked and aligned on their first ``=`` (one LaTeX ``aligned`` block)."""
    return r"\begin{aligned}" + r" \\ ".join(row.replace("=", "&=", 1) for row in rows) + r"\end{aligned}"


def cell_reading(v: Mapping[str, Any], lang: str) -> str:
    """One sentence that reads this step's numbers for the learner."""
    def num(x: float) -> str:
        return fmt_num(x, 2, lang)

    if v["kind"] == "LSTM":
        return translate(lang, "cell.read.lstm", t=v["t"], unit=v["unit"], f=percent(v["forget"], lang),
                         i=percent(v["input"], lang), g=num(v["candidate"]), o=percent(v["output"], lang),
                         c=num(v["cell"]), h=num(v["hidden"]))
    return translate(lang, "cell.read.gru", t=v["t"], unit=v["unit"], z=percent(v["update"], lang),
                     r=percent(v["reset"], lang), n=num(v["candidate"]), h=num(v["hidden"]))
