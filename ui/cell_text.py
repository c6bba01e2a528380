"""The Cell page's texts: the cell's equations in symbols and with one step's numbers, and the step's reading.

Pure (no streamlit): every function takes the language ``lang`` ("pt-BR" | "en") explicitly. ``v`` is the dict
of :func:`ui.cell_values.step_values`, ``arrs`` the one of :func:`ui.cell_values.layer_arrays`.

The equations are HTML (the Inside-the-cell view draws them beside the diagram): every symbol that stands for a
quantity is a ``<span data-term="...">`` with the term's name (a key of ``step_values``: ``forget``, ``c_prev``,
``kept`` ...), the same name its wire and box carry in ``ui.cell_diagram``, so that pointing at one lights the
other. Every number is a ``<span data-slot="...">``: :func:`step_slots` gives the text of every slot at one step,
and the view swaps them step by step in the browser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from ui.i18n import fmt_num, translate

DIGITS = 3  # decimals of the numbers in the equations


def percent(share: float, lang: str) -> str:
    """A share in 0..1 as a whole percentage with the language's decimal mark, e.g. ``87%``."""
    return fmt_num(100 * share, 0, lang) + "%"


def num(v: float, lang: str, digits: int = DIGITS) -> str:
    """A number in the language's decimal mark, with a true minus sign (none on a number that rounds to zero)."""
    text = fmt_num(v, digits, lang)
    if text.startswith("-") and not any(ch in "123456789" for ch in text):
        text = text[1:]
    return text.replace("-", "−")


def term_text(v: float, lang: str) -> str:
    """A number as a term of a sum or product: negatives in parentheses."""
    s = num(v, lang)
    return f"({s})" if s.startswith("−") else s


GATE_ROWS = {"LSTM": (("i", "input", "σ", "i"), ("f", "forget", "σ", "f"), ("g", "candidate", "tanh", "g"),
                      ("o", "output", "σ", "o")),
             "GRU": (("r", "reset", "σ", "r"), ("z", "update", "σ", "z"))}
GATE_KEYS = {"LSTM": ("input", "forget", "candidate", "output"), "GRU": ("reset", "update", "candidate")}


def step_slots(v: Mapping[str, Any], arrs: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The text of every number slot of :func:`equations_html` at one step (``v``) for its unit.

    Slots: ``<gate>.w`` (input weight, one input feature) or ``<gate>.wx`` (W·x as one sum), ``<gate>.bi``,
    ``<gate>.wh`` (recurrent weights times the previous hidden state), ``<gate>.bh``, ``<gate>.a`` (their sum);
    ``n:<name>`` a value as a result, ``p:<name>`` the same value as a term (negatives in parentheses).
    """
    H = arrs["W_hh"].shape[1]
    one_input = arrs["W_ih"].shape[1] == 1
    out: dict[str, str] = {}
    for k, name in enumerate(GATE_KEYS[v["kind"]]):
        p = v["pre"][name]
        if one_input:
            out[f"{name}.w"] = term_text(float(arrs["W_ih"][k * H + v["unit"], 0]), lang)
        else:
            out[f"{name}.wx"] = term_text(p["wx"], lang)
        out[f"{name}.bi"] = term_text(p["bi"], lang)
        out[f"{name}.wh"] = term_text(p["wh"], lang)
        out[f"{name}.bh"] = term_text(p["bh"], lang)
        out[f"{name}.a"] = num(p["a"], lang)
    out["p:x"] = term_text(float(v["x_all"][0]), lang)
    names = ("input", "forget", "candidate", "output", "cell", "hidden", "c_prev", "h_prev", "kept", "written",
             "tanh_c") if v["kind"] == "LSTM" else ("reset", "update", "candidate", "hidden", "h_prev", "kept",
                                                     "written", "one_minus_z", "hn", "r_hn")
    for name in names:
        out[f"n:{name}"] = num(v[name], lang)
        out[f"p:{name}"] = term_text(v[name], lang)
    if v["kind"] == "GRU":
        out["n:candidate.wh"] = num(v["pre"]["candidate"]["wh"], lang)
    return out


def _t(term: str, body: str) -> str:
    """A symbol or group of the equations that stands for ``term``."""
    return f'<span class="cv-t" data-term="{term}">{body}</span>'


def _n(slots: Mapping[str, str], slot: str, term: str | None = None) -> str:
    """A number slot (its text at the step shown), linked to ``term`` when it is one."""
    data = f' data-term="{term}"' if term else ""
    cls = "cv-n cv-t" if term else "cv-n"
    return f'<span class="{cls}" data-slot="{slot}"{data}>{html.escape(slots[slot])}</span>'


X = _t("x", "x<sub>t</sub>")
HP = "h<sub>t−1</sub>"


def _gate_row(kind: str, sym: str, name: str, fn: str, sub: str, slots: Mapping[str, str],
              one_input: bool) -> tuple[str, str]:
    symbols = (f"{_t(name, f'{sym}<sub>t</sub>')} = {fn}(W<sub>i{sub}</sub> {X} + b<sub>i{sub}</sub> + "
               f"{_t('h_prev', f'W<sub>h{sub}</sub> {HP}')} + b<sub>h{sub}</sub>)")
    wx = (f"{_n(slots, f'{name}.w')}·{_n(slots, 'p:x', 'x')}" if one_input else _n(slots, f"{name}.wx", "x"))
    numbers = (f"= {fn}({wx} + {_n(slots, f'{name}.bi')} + {_n(slots, f'{name}.wh', 'h_prev')} + "
               f"{_n(slots, f'{name}.bh')}) = {fn}({_n(slots, f'{name}.a', name)}) = "
               f"<b>{_n(slots, f'n:{name}', name)}</b>")
    return symbols, numbers


def equation_rows(v: Mapping[str, Any], arrs: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The cell's equations, one ``(symbols, numbers)`` pair of HTML per equation (PyTorch's naming of weights),
    the numbers those of step ``v``; see the module docstring for the ``data-term`` / ``data-slot`` spans."""
    slots = step_slots(v, arrs, lang)
    one_input = arrs["W_ih"].shape[1] == 1
    kind = v["kind"]
    rows = [_gate_row(kind, sym, name, fn, sub, slots, one_input) for sym, name, fn, sub in GATE_ROWS[kind]]
    if kind == "LSTM":
        f, i, g, o = (_t(n, f"{s}<sub>t</sub>") for n, s in (("forget", "f"), ("input", "i"), ("candidate", "g"),
                                                            ("output", "o")))
        c, c_prev = _t("cell", "c<sub>t</sub>"), _t("c_prev", "c<sub>t−1</sub>")
        rows.append((f"{c} = {_t('kept', f'{f} ⊙ {c_prev}')} + {_t('written', f'{i} ⊙ {g}')}",
                     f"= {_t('kept', _n(slots, 'n:forget', 'forget') + '·' + _n(slots, 'p:c_prev', 'c_prev'))} + "
                     f"{_t('written', _n(slots, 'n:input', 'input') + '·' + _n(slots, 'p:candidate', 'candidate'))}"
                     f" = {_n(slots, 'n:kept', 'kept')} + {_n(slots, 'p:written', 'written')} = "
                     f"<b>{_n(slots, 'n:cell', 'cell')}</b>"))
        rows.append((f"{_t('hidden', 'h<sub>t</sub>')} = {o} ⊙ {_t('tanh_c', f'tanh({c})')}",
                     f"= {_n(slots, 'n:output', 'output')}·{_t('tanh_c', 'tanh(' + _n(slots, 'n:cell', 'cell') + ')')}"
                     f" = {_n(slots, 'n:output', 'output')}·{_n(slots, 'p:tanh_c', 'tanh_c')} = "
                     f"<b>{_n(slots, 'n:hidden', 'hidden')}</b>"))
        return rows
    r, z, n = (_t(nm, f"{s}<sub>t</sub>") for nm, s in (("reset", "r"), ("update", "z"), ("candidate", "n")))
    hn = _t("hn", f"W<sub>hn</sub> {_t('h_prev', HP)} + b<sub>hn</sub>")
    wx = (f"{_n(slots, 'candidate.w')}·{_n(slots, 'p:x', 'x')}" if one_input else _n(slots, "candidate.wx", "x"))
    rows.append((f"{n} = tanh(W<sub>in</sub> {X} + b<sub>in</sub> + {_t('r_hn', f'{r} ⊙ ({hn})')})",
                 f"= tanh({wx} + {_n(slots, 'candidate.bi')} + {_t('r_hn', _n(slots, 'n:reset', 'reset') + '·(' + _t('hn', _n(slots, 'n:candidate.wh', 'h_prev') + ' + ' + _n(slots, 'candidate.bh')) + ')')})"
                 f" = tanh({_n(slots, 'candidate.a', 'candidate')}) = <b>{_n(slots, 'n:candidate', 'candidate')}</b>"))
    one_minus = _t("one_minus_z", f"(1 − {z})")
    rows.append((f"{_t('hidden', 'h<sub>t</sub>')} = {_t('written', f'{one_minus} ⊙ {n}')} + "
                 f"{_t('kept', f'{z} ⊙ ' + _t('h_prev', HP))}",
                 f"= {_t('written', _n(slots, 'n:one_minus_z', 'one_minus_z') + '·' + _n(slots, 'p:candidate', 'candidate'))}"
                 f" + {_t('kept', _n(slots, 'n:update', 'update') + '·' + _n(slots, 'p:h_prev', 'h_prev'))} = "
                 f"{_n(slots, 'n:written', 'written')} + {_n(slots, 'p:kept', 'kept')} = "
                 f"<b>{_n(slots, 'n:hidden', 'hidden')}</b>"))
    return rows


def equations_text(rows: list[tuple[str, str]]) -> list[str]:
    """The rows as plain text (symbols, then numbers), without the HTML: what a reader sees."""

    def plain(s: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", s))

    return [f"{plain(a)} {plain(b)}" for a, b in rows]


def cell_reading(v: Mapping[str, Any], lang: str) -> str:
    """One sentence that reads this step's numbers for the learner."""
    def n2(x: float) -> str:
        return num(x, lang, 2)

    if v["kind"] == "LSTM":
        return translate(lang, "cell.read.lstm", t=v["t"], unit=v["unit"], f=percent(v["forget"], lang),
                         i=percent(v["input"], lang), g=n2(v["candidate"]), o=percent(v["output"], lang),
                         c=n2(v["cell"]), h=n2(v["hidden"]))
    return translate(lang, "cell.read.gru", t=v["t"], unit=v["unit"], z=percent(v["update"], lang),
                     r=percent(v["reset"], lang), n=n2(v["candidate"]), h=n2(v["hidden"]))
