"""The player bar the animated views share: Play / Pause, step back and forward, first / last, speed, a scrubber.

Pure string building (no streamlit): :func:`controls` returns the bar's markup, :func:`script` the JavaScript that
runs it (``player.js``, inlined: the app works offline, nothing is fetched). A view puts both in one ``st.html``
block with its own ``view`` (what a frame draws); the frames change in the browser, without a Streamlit rerun.
Every visible word comes from the catalogs (``player.*``), in the language passed in.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from pathlib import Path

from ui.i18n import fmt_num, translate

PLAYER_JS = (Path(__file__).with_name("player.js")).read_text(encoding="utf-8")
ACCENT = "#0072B2"  # the app's primary colour (.streamlit/config.toml), also the input gate's blue

CSS = f"""
.lstm-player {{ display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.5rem; margin: 0.25rem 0 0.5rem;
  padding: 0.4rem 0.6rem; border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; font-size: 1rem; }}
.lstm-player button {{ display: inline-flex; align-items: center; gap: 0.35rem; min-height: 2.2rem;
  padding: 0.2rem 0.65rem; border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.45rem; background: #fff;
  color: rgb(49, 51, 63); font: inherit; cursor: pointer; line-height: 1; }}
.lstm-player button:hover:not(:disabled) {{ border-color: {ACCENT}; color: {ACCENT}; }}
.lstm-player button:focus-visible, .lstm-player select:focus-visible, .lstm-player input:focus-visible {{
  outline: 2px solid {ACCENT}; outline-offset: 1px; }}
.lstm-player button[data-act="play"] {{ min-width: 7.2rem; justify-content: center; background: {ACCENT};
  border-color: {ACCENT}; color: #fff; font-weight: 600; }}
.lstm-player button[data-act="play"]:hover {{ color: #fff; filter: brightness(1.1); }}
.lstm-player button:disabled {{ opacity: 0.4; cursor: default; }}
.lstm-ico {{ display: inline-block; position: relative; width: 0.9rem; height: 0.9rem; flex: none; }}
.lstm-ico::before, .lstm-ico::after {{ content: ""; position: absolute; top: 0.05rem; }}
.lstm-ico-play::before, .lstm-ico-fwd::before, .lstm-ico-last::before {{ left: 0.12rem; border-style: solid;
  border-width: 0.4rem 0 0.4rem 0.66rem; border-color: transparent transparent transparent currentColor; }}
.lstm-ico-back::before, .lstm-ico-first::after {{ right: 0.12rem; border-style: solid;
  border-width: 0.4rem 0.66rem 0.4rem 0; border-color: transparent currentColor transparent transparent; }}
.lstm-ico-pause::before, .lstm-ico-pause::after {{ width: 0.26rem; height: 0.8rem; background: currentColor; }}
.lstm-ico-pause::before {{ left: 0.1rem; }}
.lstm-ico-pause::after {{ right: 0.1rem; }}
.lstm-ico-first::before {{ left: 0.05rem; width: 0.16rem; height: 0.8rem; background: currentColor; }}
.lstm-ico-first::after {{ right: 0.05rem; }}
.lstm-ico-last::before {{ left: 0.05rem; }}
.lstm-ico-last::after {{ right: 0.05rem; width: 0.16rem; height: 0.8rem; background: currentColor; }}
.lstm-player label {{ display: inline-flex; align-items: center; gap: 0.35rem; color: rgba(49, 51, 63, 0.8); }}
.lstm-player select {{ min-height: 2.2rem; padding: 0 0.3rem; border: 1px solid rgba(49, 51, 63, 0.3);
  border-radius: 0.45rem; background: #fff; font: inherit; color: rgb(49, 51, 63); }}
.lstm-player input[type="range"] {{ flex: 1 1 9rem; min-width: 7rem; accent-color: {ACCENT}; }}
.lstm-player [data-role="label"] {{ flex: 1 1 100%; font-variant-numeric: tabular-nums; }}
"""



def _icon(name: str) -> str:
    """A small icon drawn by CSS (``.lstm-ico-*``): no icon font and no SVG, which ``st.html`` does not keep."""
    return f'<span class="lstm-ico lstm-ico-{name}" data-role="icon" aria-hidden="true"></span>'


def dom_id(key: str) -> str:
    """A DOM id for a player from a view's key (``"gates.heatmaps"`` → ``"lstm-player-gates-heatmaps"``)."""
    return "lstm-player-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def speeds_label(speed: float, lang: str) -> str:
    """A speed choice as the learner reads it: ``10``, ``0,5`` (the frames per second; the choice is labelled)."""
    return fmt_num(speed, 0 if float(speed).is_integer() else 1, lang)


def controls(key: str, n: int, start: int, labels: Sequence[str], *, speeds: Sequence[float], speed: float,
             unit: str, lang: str) -> str:
    """The bar's markup: first, back, Play/Pause, forward, last, the speed choice, a scrubber and the frame's label.

    ``n`` frames, ``start`` the one shown first (the server-side cursor), ``labels[k]`` what frame ``k`` is called
    (a date, an epoch); ``unit`` ("step" | "epoch") names the speed's unit (``player.speed_step``: steps per second).
    """
    if n < 1 or len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} frames")
    tr = lambda k, **p: html.escape(translate(lang, k, **p))  # noqa: E731
    start = min(max(int(start), 0), n - 1)

    def button(act: str, title_key: str) -> str:
        title = tr(title_key)
        return f'<button type="button" data-act="{act}" title="{title}" aria-label="{title}">{_icon(act)}</button>'

    options = "".join(
        f'<option value="{s:g}"{" selected" if s == speed else ""}>{html.escape(speeds_label(s, lang))}</option>'
        for s in speeds)
    return (
        f'<div class="lstm-player" id="{dom_id(key)}" data-lstm-player="{dom_id(key)}" role="group" '
        f'aria-label="{tr("player.group")}" data-frame="{start}" data-playing="0" data-shown="0" data-frames="{n}">'
        + button("first", "player.first") + button("back", "player.back")
        + f'<button type="button" data-act="play" aria-pressed="false">{_icon("play")}'
        + f'<span data-role="play-text">{tr("player.play")}</span></button>'
        + button("fwd", "player.fwd") + button("last", "player.last")
        + f'<label title="{tr("player.speed")}">{tr(f"player.speed_{unit}")}<select data-act="speed" '
        f'aria-label="{tr("player.speed")}">{options}</select></label>'
        + f'<input type="range" data-act="scrub" min="0" max="{n - 1}" step="1" value="{start}" '
        f'aria-label="{tr("player.scrub")}">'
        + f'<span data-role="label" aria-live="off">{html.escape(labels[start])}</span></div>'
    )


def js_value(value) -> str:
    """``value`` as a JavaScript literal that is safe inside a ``<script>`` element (no ``<`` at all)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


# Streamlit cleans st.html with DOMPurify, which drops a script whose text holds "<" before a letter or "/"
# (it could hide markup): a script built here must not, or it silently never runs.
MARKUP_IN_SCRIPT = re.compile(r"<[/\w!]")


def checked_script(body: str) -> str:
    """``<script>body</script>``, after checking that DOMPurify will keep it (:data:`MARKUP_IN_SCRIPT`)."""
    found = MARKUP_IN_SCRIPT.search(body)
    if found:
        raise ValueError(f"script text holds {body[found.start():found.start() + 20]!r}: st.html would drop it")
    return f"<script>{body}</script>"


def script(key: str, n: int, start: int, labels: Sequence[str], view_js: str, lang: str) -> str:
    """The ``<script>`` that runs the bar of :func:`controls` with ``key``; ``view_js`` defines ``view`` (``show(k)``,
    and optionally ``play``/``stop``: see ``player.js``).

    Streamlit may draw the same block twice while a rerun replaces it: the newest bar with this id is the one
    wired, once.
    """
    cfg = {"n": int(n), "start": min(max(int(start), 0), n - 1), "labels": list(labels),
           "play": translate(lang, "player.play"), "pause": translate(lang, "player.pause")}
    return checked_script(
        "(function () {\n"
        f"var roots = document.querySelectorAll('[data-lstm-player=\"{dom_id(key)}\"]');\n"
        "var root = roots[roots.length - 1];\n"
        "if (!root || root.dataset.wired) return;\n"
        "root.dataset.wired = '1';\n"
        f"var cfg = {js_value(cfg)};\n"
        f"{PLAYER_JS}\n{view_js}\n"
        "lstmLabPlayer(root, cfg, view);\n"
        "})();"
    )


def style() -> str:
    return f"<style>{CSS}</style>"
