"""Inside the cell: the cell's diagram and its equations in one block that steps through time in the browser.

Pure string building (no streamlit). :func:`cell_view` returns the HTML of one unit's whole window: the player bar
(``ui.components.player``), the diagram (``ui.cell_diagram``, drawn as SVG by ``cell_view.js``), the reading of
the step, and the equations (``ui.cell_text.equation_rows``) with every step's numbers embedded, so Play, Pause
and the step buttons change the numbers on the wires and in the equations with no Streamlit rerun. Pointing at
a term of an equation lights its wire and box, and the other way round (the "interactive formula view" of CNN
Explainer). Every visible word comes from the catalogs, in the language passed in.

The server renders the equations at the ``start`` step (what a reader sees before the script runs); the diagram
needs the script.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import plotly.colors as pc

from ui.cell_diagram import BOX_H, Diagram, diagram, term_color
from ui.cell_text import cell_reading, equation_rows, num, step_slots
from ui.cell_values import step_values
from ui.components import player
from ui.i18n import fmt_num, translate
from ui.plots import colors

CELL_JS = Path(__file__).with_name("cell_view.js").read_text(encoding="utf-8")
SCALE = 43.0  # px of the drawing per diagram unit, before the drawing is fitted to the page's width
DIGITS = 2  # decimals of the numbers on the wires (hover shows 6)
SPEEDS = (0.5, 1, 2, 4, 8)  # steps per second the player offers
SPEED = 2  # and starts with: slow enough to read the numbers

# Sizes are in the drawing's units: 636 of them fill the page's width, which is 564 px at 1024 px with the sidebar,
# so an 18.5 unit label is drawn at 16.4 px there and larger on wider screens (test_e2e_animation checks >= 16 px).
CSS = """
.cv { margin: 0.25rem 0 0.75rem; }
.cv-diagram { width: 100%; }
.cv-svg { display: block; width: 100%; max-width: 790px; height: auto; margin: 0.25rem 0; }
.cv-svg text { font-family: "Source Sans Pro", "Source Sans 3", sans-serif; }
.cv-val { font-size: 18.5px; }
.cv-box-label { font-size: 19.5px; font-weight: 700; }
.cv-op { font-size: 22px; }
.cv-op-word { font-size: 18.5px; }
.cv-el { transition: opacity 0.15s; cursor: pointer; }
.cv-hl .cv-svg .cv-el:not(.cv-on) { opacity: 0.16; }
.cv-svg .cv-on path { stroke-width: 8px; }
.cv-svg .cv-on rect, .cv-svg .cv-on circle { stroke-width: 5px; }
.cv-read { margin: 0.4rem 0 0.8rem; font-size: 1rem; }
.cv-eqs { border-top: 1px solid rgba(49, 51, 63, 0.15); padding-top: 0.5rem; }
.cv-eqs-title { font-size: 1.25rem; font-weight: 600; margin: 0.2rem 0 0.2rem; }
.cv-note { color: rgba(49, 51, 63, 0.7); font-size: 0.92rem; margin: 0.2rem 0 0.5rem; }
.cv-row { margin: 0 0 0.55rem; font-size: 1.08rem; line-height: 1.7; font-variant-numeric: tabular-nums; }
.cv-sym { font-family: "Source Serif Pro", "Source Serif 4", Georgia, serif; }
.cv-num { padding-left: 1.6rem; color: rgb(49, 51, 63); }
.cv-t { border-radius: 3px; padding: 0 1px; cursor: pointer; outline: none; }
.cv-t:focus-visible { box-shadow: 0 0 0 2px var(--c); }
.cv-hl .cv-eqs .cv-t.cv-on { background: color-mix(in srgb, var(--c) 24%, transparent); box-shadow: 0 0 0 2px var(--c); }
"""


def _fill(name: str, value: float) -> tuple[str, str]:
    """A box's fill on its gate's own heatmap scale (an open gate dark, a shut one pale), and a text colour that
    reads on it."""
    if name in colors.SIGMOID_GATES:
        fill = pc.sample_colorscale(colors.sequential_scale(name), [min(max(value, 0.0), 1.0)])[0]
    else:
        fill = pc.sample_colorscale(colors.DIVERGING, [min(max((value + 1.0) / 2.0, 0.0), 1.0)])[0]
    dark = sum(pc.unlabel_rgb(pc.convert_colors_to_same_type(fill, "rgb")[0][0])) < 3 * 140
    return fill, "#FFFFFF" if dark else "#000000"


def scene(d: Diagram, lang: str) -> dict:
    """The drawing as the script draws it: extent, scale, box size, the elements, each term's colour, a title."""
    hover = {"forget", "input", "candidate", "output", "update", "reset"}
    elements = []
    for e in d.elements:
        item = {"kind": e.kind, "name": e.name, "term": e.term, "color": e.color, "points": [list(p) for p in e.points],
                "at": list(e.at), "width": e.width, "symbol": e.symbol, "label": e.label, "radius": e.radius}
        if e.kind == "box" and e.term in hover:
            item["title"] = translate(lang, f"gate.{e.term}")
        elements.append(item)
    return {"x0": d.x0, "x1": d.x1, "y0": d.y0, "y1": d.y1, "scale": SCALE, "box_h": BOX_H,
            "elements": elements, "colors": {t: term_color(t, d.kind) for t in sorted(d.terms | _eq_terms(d.kind))},
            "title": translate(lang, "plot.cell.title_short", kind=d.kind)}


def _eq_terms(kind: str) -> set[str]:
    return ({"x", "h_prev", "c_prev", "input", "forget", "candidate", "output", "kept", "written", "cell", "tanh_c",
             "hidden"} if kind == "LSTM" else
            {"x", "h_prev", "reset", "update", "candidate", "hn", "r_hn", "one_minus_z", "kept", "written", "hidden"})


def _hover_name(term: str, lang: str) -> str:
    """What a number on a wire is, for its hover: a gate or state by name, or the formula it computes."""
    if term in colors.GATE_COLORS:
        return translate(lang, f"gate.{term}")
    names = {"c_prev": "gate.cell", "h_prev": "gate.hidden", "kept": "plot.cell.kept", "written": "plot.cell.written",
             "x": "plot.cell.input"}
    if term in names:
        return translate(lang, names[term])
    return {"tanh_c": "tanh(c(t))", "one_minus_z": "1 − z", "hn": "W_hn·h(t−1) + b_hn",
            "r_hn": "r · (W_hn·h(t−1) + b_hn)"}.get(term, term)


def step_data(arrs: Mapping[str, Any], t: int, unit: int, d: Diagram, lang: str) -> dict:
    """Everything that changes at step ``t``: the wires' numbers (and their 6-digit hover), the boxes' fills, the
    equations' number slots and the reading sentence."""
    v = step_values(arrs, t, unit)
    vals = {e.term: num(v[e.term], lang, DIGITS) for e in d.elements if e.kind == "val"}
    hover = {e.term: f"{_hover_name(e.term, lang)}: {fmt_num(v[e.term], 6, lang)}" for e in d.elements
             if e.kind == "val"}
    fills = {e.term: _fill(e.term, v[e.term]) for e in d.elements if e.kind == "box"}
    return {"vals": vals, "hover": hover, "fills": fills, "slots": step_slots(v, arrs, lang),
            "read": cell_reading(v, lang)}


def cell_view(key: str, arrs: Mapping[str, Any], unit: int, start: int, labels: Sequence[str], lang: str, *,
              speeds: Sequence[float] = SPEEDS, speed: float = SPEED) -> str:
    """The HTML of the whole view for ``unit`` over the window of ``arrs`` (``ui.cell_values.layer_arrays``),
    showing step ``start`` first; ``labels[t]``: what step ``t`` is called (``cell.step_of``)."""
    T = arrs["gates"]["hidden"].shape[0]
    if len(labels) != T:
        raise ValueError(f"{len(labels)} labels for {T} steps")
    start = min(max(int(start), 0), T - 1)
    d = diagram(arrs["kind"])
    rows = equation_rows(step_values(arrs, start, unit), arrs, lang)
    equations = "".join(f'<div class="cv-row"><div class="cv-sym">{a}</div><div class="cv-num">{b}</div></div>'
                        for a, b in rows)
    shown = set(re.findall(r'data-slot="([^"]+)"', equations))  # only the slots the rows show travel
    steps = []
    for t in range(T):
        data = step_data(arrs, t, unit, d, lang)
        data["slots"] = {k: text for k, text in data["slots"].items() if k in shown}
        steps.append(data)
    tr = lambda k, **p: html.escape(translate(lang, k, **p))  # noqa: E731
    dom = player.dom_id(key)
    body = (
        f'<div class="cv" data-cell-view="{dom}" data-step="{start}" data-term="">'
        + player.controls(key, T, start, labels, speeds=speeds, speed=speed, unit="step", lang=lang)
        + '<div class="cv-diagram" data-role="diagram"></div>'
        + f'<p class="cv-read" data-role="read">{html.escape(steps[start]["read"])}</p>'
        + '<div class="cv-eqs">'
        + f'<div class="cv-eqs-title">{tr("cell.equations")}</div>'
        + f'<div class="cv-note">{tr("cell.symbols")} {tr("cell.link_hint")}</div>'
        + equations
        + f'<div class="cv-note">{tr("cell.weights_note")}</div></div></div>'
    )
    cfg = {"n": T, "start": start, "labels": list(labels), "play": translate(lang, "player.play"),
           "pause": translate(lang, "player.pause")}
    script = player.checked_script(
        "(function () {\n"
        f"var views = document.querySelectorAll('[data-cell-view=\"{dom}\"]');\n"
        "var root = views[views.length - 1];\n"
        "if (!root || root.dataset.wired) return;\n"
        "root.dataset.wired = '1';\n"
        f"var cfg = {player.js_value(cfg)};\n"
        f"var scene = {player.js_value(scene(d, lang))};\n"
        f"var steps = {player.js_value(steps)};\n"
        f"{player.PLAYER_JS}\n{CELL_JS}\n"
        "var view = lstmLabCellView(root, scene, steps);\n"
        "view.show(cfg.start);\n"
        "lstmLabPlayer(root.querySelector('[data-lstm-player]'), cfg, view);\n"
        "})();"
    )
    return player.style() + f"<style>{CSS}</style>" + body + script
