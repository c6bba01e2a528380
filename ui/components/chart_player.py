"""A player bar that animates Plotly charts already on the page through their frames, in the browser.

The charts are drawn by ``st.plotly_chart`` as usual, each with a ``key``; this bar, in an ``st.html`` block next to
them, shows frame ``k`` of every chart at once with the plotly.js that draws them: a Plotly frame of the chart
(``Plotly.animate``) or a small layout update such as a cursor line's position (``Plotly.relayout``, which redraws
the shapes only). While it plays, a chart with frames runs plotly.js's own animation loop and the others follow
it frame by frame.

Why a cursor is moved by relayout and not by frames: a frame that restyles a trace in a panel makes plotly.js
drop that panel's heatmap (its transitions only redraw scatter traces), and frames with a full redraw played a
six-heatmap grid at 5 frames per second. Moving the cursor or the epoch this way never reruns the script; the page's
server-side slider still picks the frame the bar starts from, and deep links keep working.

A chart is found by the CSS class Streamlit gives an element with a key (``st-key-<key>``); a chart not on the
page (or not drawn yet) is skipped, so a bar never breaks a page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ui.components import player


@dataclass(frozen=True)
class AnimatedChart:
    """One chart the bar drives, by its ``st.plotly_chart`` key, in one of two ways per player frame:

    - ``frames``: the name of the chart's own Plotly frame to show (``Plotly.animate``); ``redraw`` when a frame
      changes what only a full redraw shows (heatmap values), not just trace coordinates;
    - ``moves``: a ``Plotly.relayout`` update (e.g. a cursor line shape's x), which redraws only what it names.
    """

    key: str
    frames: Sequence[str] | None = None
    moves: Sequence[Mapping[str, Any]] | None = None
    redraw: bool = False

    def __post_init__(self) -> None:
        if (self.frames is None) == (self.moves is None):
            raise ValueError(f"{self.key}: give frames or moves, not both")

    def __len__(self) -> int:
        return len(self.frames if self.frames is not None else self.moves)


def key_class(key: str) -> str:
    """The CSS class Streamlit puts on the container of an element with ``key``."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


# Frame duration plotly.js is asked for, below 1 / speed: it starts a frame on the first animation frame after the
# duration has passed (every ~16 ms) and then draws it, so asking for exactly 1 / speed played 10 steps/s at 9.
RAF_MS = 16

VIEW_JS = """
function chartDiv(cls) {
  var els = document.querySelectorAll('.' + cls + ' .js-plotly-plot');
  return els.length ? els[els.length - 1] : null;
}
var NOW = {mode: 'immediate', transition: {duration: 0}};
function draw(c, gd, k) {
  var P = window.Plotly, out;
  if (c.moves) out = P.relayout(gd, c.moves[k]);
  else out = P.animate(gd, [c.frames[k]], Object.assign({frame: {duration: 0, redraw: c.redraw}}, NOW));
  return out.catch(function () { return null; });
}
var playing = null;  // {gd, handler} of the chart whose own animation loop is playing
var view = {
  show: function (k) {
    if (!window.Plotly) return null;
    return Promise.all(charts.map(function (c) { var gd = chartDiv(c.cls); return gd && gd.data ? draw(c, gd, k) : null; }));
  },
  play: function (from, fps, onFrame, onEnd) {
    // a chart with frames plays them on plotly.js's own clock, the others follow it; moves only: the player's clock
    var P = window.Plotly, lead = charts[0], gd = lead && chartDiv(lead.cls);
    if (!P || !lead.frames || !gd || !gd.data) return false;
    var index = {};
    lead.frames.forEach(function (name, j) { index[name] = j; });
    var handler = function (ev) {
      var j = index[ev && ev.name];
      if (j === undefined) return;
      onFrame(j);
      charts.slice(1).forEach(function (c) { var other = chartDiv(c.cls); if (other && other.data) draw(c, other, j); });
    };
    gd.on('plotly_animatingframe', handler);
    playing = {gd: gd, handler: handler};
    var mine = playing;
    P.animate(gd, lead.frames.slice(from + 1), Object.assign(
      {frame: {duration: Math.max(0, 1000 / fps - RAF_MS), redraw: lead.redraw}}, NOW))
      .then(function () { if (playing === mine) { view.stop(); onEnd(); } }, function () { return null; });
    return true;
  },
  stop: function () {
    if (!playing) return;
    var p = playing;
    playing = null;
    p.gd.removeListener('plotly_animatingframe', p.handler);
    window.Plotly.animate(p.gd, [null], Object.assign({frame: {duration: 0, redraw: false}}, NOW))
      .catch(function () { return null; });
  }
};
"""


def chart_player(key: str, charts: Sequence[AnimatedChart], labels: Sequence[str], start: int, *,
                 speeds: Sequence[float], speed: float, unit: str, lang: str) -> str:
    """The HTML (style, bar, script) of a bar over ``len(labels)`` frames that animates ``charts`` together."""
    n = len(labels)
    for chart in charts:
        if len(chart) != n:
            raise ValueError(f"{chart.key}: {len(chart)} frames for {n} labels")
    data = [{"cls": key_class(c.key), "frames": None if c.frames is None else list(c.frames),
             "moves": None if c.moves is None else [dict(m) for m in c.moves], "redraw": bool(c.redraw)}
            for c in charts]
    js = f"var charts = {player.js_value(data)};\nvar RAF_MS = {RAF_MS};\n{VIEW_JS}"
    return (player.style()
            + player.controls(key, n, start, labels, speeds=speeds, speed=speed, unit=unit, lang=lang)
            + player.script(key, n, start, labels, js, lang))
