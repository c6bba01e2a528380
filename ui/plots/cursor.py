"""The time cursor of the gate figures: a dotted line through every panel and its time stamp, as layout images.

Pure Plotly. Why images and not a line shape or an annotation: the page's player moves the cursor in the browser
with ``Plotly.relayout``, and a layout image's position is redrawn on its own, while moving a shape or an
annotation recomputes the whole figure (170 ms per step for a six-heatmap grid: a sweep at 5 steps per second),
and a Plotly frame that moves a trace makes plotly.js drop the heatmaps of that panel. The line and the label are
small SVG pictures written here (data URIs: nothing is fetched).

- :func:`add_cursor` draws the cursor at a step of a figure (``labelled``: with the step's time stamp, from
  ``ui.reading.time_label``, at the top of the line);
- :func:`set_cursor` moves it (a cached figure is moved, not rebuilt);
- :func:`cursor_moves` gives, per step, the ``Plotly.relayout`` update that moves it there in the browser.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ui.plots.series import is_time_axis
from ui.reading import time_label

LINE = "cursor"  # name of the line image
LABEL = "cursor_label"  # name of the label image
COLOR = "#31333F"  # dark: the cursor must show on every gate's colours, pale and dark
LABEL_PX = 17  # height of the label's box (px); its text is 13 px
CHAR_PX = 7.6  # width of one character of the label's 13 px text, to size its picture


def _uri(svg: str) -> str:
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(svg)


LINE_SOURCE = _uri(
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="1000" viewBox="0 0 10 1000">'
    f'<line x1="5" y1="0" x2="5" y2="1000" stroke="{COLOR}" stroke-width="2.6" stroke-dasharray="7 5"/></svg>'
)


def label_source(text: str, anchor: str = "left") -> str:
    """The label's picture: ``text`` in the cursor's colour on a pale box, drawn at the ``anchor`` side of the
    image's box (the picture aligns itself: browsers centre a picture in its box whatever Plotly asks)."""
    width = round(len(text) * CHAR_PX + 10)
    align = "xMinYMin" if anchor == "left" else "xMaxYMin"
    return _uri(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {LABEL_PX}" preserveAspectRatio="{align} meet">'
        f'<rect width="{width}" height="{LABEL_PX}" rx="3" fill="#FFFFFF" fill-opacity="0.85"/>'
        f'<text x="5" y="13" font-family="Source Sans Pro, DejaVu Sans, sans-serif" font-size="13" '
        f'fill="{COLOR}">{html.escape(text)}</text></svg>'
    )


def x_value(x: np.ndarray, k: int):
    """The x coordinate of step ``k`` as Plotly takes it: an ISO date string, or a number."""
    k = int(np.clip(k, 0, len(x) - 1))
    return str(np.datetime_as_string(x[k], unit="s")) if is_time_axis(x) else float(x[k])


def side(k: int, n: int) -> str:
    """Where the label goes so it stays inside the figure: right of the line in the left 70 %, else left."""
    return "left" if k < 0.7 * max(n - 1, 1) else "right"


def _span(x: np.ndarray) -> float:
    """The x axis' length in its own units (milliseconds on a date axis), for sizes given in those units."""
    if len(x) < 2:
        return 1.0
    if is_time_axis(x):
        lo, hi = (x[0].astype("datetime64[ms]").astype(np.int64), x[-1].astype("datetime64[ms]").astype(np.int64))
        return float(max(hi - lo, 1))
    return float(max(abs(float(x[-1]) - float(x[0])), 1e-9))


def _indices(fig: go.Figure) -> tuple[int | None, int | None]:
    line = label = None
    for k, image in enumerate(fig.layout.images):
        if image.name == LINE:
            line = k
        elif image.name == LABEL:
            label = k
    return line, label


def add_cursor(fig: go.Figure, x: np.ndarray, k: int | None, *, labelled: bool = False,
               plot_px: float = 400.0) -> go.Figure:
    """Draw the cursor of ``fig`` (x values ``x``) at step ``k`` (None: none), in place; ``plot_px``: the height
    of the plot area in px (the label's picture is sized from it). Returns ``fig``."""
    fig.layout.images = [im for im in fig.layout.images if im.name not in (LINE, LABEL)]
    if k is None:
        return fig
    x = np.asarray(x)
    k = int(np.clip(k, 0, len(x) - 1))
    value = x_value(x, k)
    fig.add_layout_image(source=LINE_SOURCE, name=LINE, xref="x", yref="paper", x=value, y=1, sizex=_span(x),
                         sizey=1, xanchor="center", yanchor="top", sizing="contain", layer="above")
    if labelled:
        fig.add_layout_image(source=label_source(time_label(x[k]), side(k, len(x))), name=LABEL, xref="x", yref="paper", x=value,
                             y=1, sizex=_span(x) / 2, sizey=LABEL_PX / max(plot_px, 1.0), xanchor=side(k, len(x)),
                             yanchor="top", sizing="contain", layer="above")
    return fig


def set_cursor(fig: go.Figure, x: np.ndarray, k: int | None) -> go.Figure:
    """Move the cursor of ``fig`` to step ``k`` (None removes it); ``fig``. A figure whose ``layout.meta`` says
    ``labelled_cursor`` (and ``cursor_px``, its plot height) gets the label when the cursor is drawn anew."""
    line, label = _indices(fig)
    if k is None or line is None:
        meta = fig.layout.meta or {}
        return add_cursor(fig, x, k, labelled=bool(meta.get("labelled_cursor")),
                          plot_px=float(meta.get("cursor_px", 400.0)))
    x = np.asarray(x)
    k = int(np.clip(k, 0, len(x) - 1))
    fig.layout.images[line].x = x_value(x, k)
    if label is not None:
        image = fig.layout.images[label]
        image.x, image.xanchor = x_value(x, k), side(k, len(x))
        image.source = label_source(time_label(x[k]), image.xanchor)
    return fig


def cursor_moves(fig: go.Figure, x: np.ndarray, steps: Sequence[int]) -> list[dict]:
    """For each of ``steps``, the ``Plotly.relayout`` update that moves the cursor of ``fig`` there (its line, and
    its label with the step's time stamp): what the page's player sends to plotly.js, frame by frame."""
    line, label = _indices(fig)
    if line is None:
        raise ValueError("the figure has no cursor to move")
    x = np.asarray(x)
    moves = []
    for k in steps:
        value = x_value(x, int(k))
        move = {f"images[{line}].x": value}
        if label is not None:
            move[f"images[{label}].x"] = value
            anchor = side(int(k), len(x))
            move[f"images[{label}].source"] = label_source(time_label(x[int(k)]), anchor)
            move[f"images[{label}].xanchor"] = anchor
        moves.append(move)
    return moves
