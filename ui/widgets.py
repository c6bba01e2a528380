"""Shared Streamlit widgets: the sidebar controls, figure display, error boxes and small helpers pages reuse.

Everything visible goes through ``t()``; every session key through ``ui.state``; text a user chose (file and column
names, link values, a model file's settings) through ``ui.markup`` before it reaches Markdown.

Gotcha for ``format_func``: AppTest calls it outside the script run, where ``t()`` cannot see the session and
falls back to English, so ``set_value`` then fails in a pt-BR test. Bind the language instead:
``format_func=labeler("data.source_")`` or ``lambda v: translate(lang, ...)`` with ``lang = current_lang()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import FragmentHandledException

from ui import markup, state
from ui.i18n import LANGS, current_lang, normalize_lang, t, translate

CLASSROOM_CSS = """
<style>
/* classroom mode: larger type for a projector */
html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.2rem; }
[data-testid="stWidgetLabel"] p { font-size: 1.1rem; }
h1 { font-size: 2.8rem !important; }
h2 { font-size: 2.1rem !important; }
h3 { font-size: 1.7rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 1.6rem !important; }
/* the larger menu text needs a wider sidebar, or long page names are cut ("Desaparecimen...") */
section[data-testid="stSidebar"] { width: 22rem !important; }
</style>
"""

CLASSROOM_FIG_FONT = 17  # px: plotly text size in classroom mode (default 12)
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


# --- language and classroom mode (sidebar; called by app.py on every run) ----------------------------
def _query_flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def init_shell() -> None:
    """Decide language and classroom mode for this run, before any text is drawn.

    First run of a session: the URL (``?lang=``, ``?classroom=1``) wins, then the browser's locale
    (``st.context.locale``), then the default. Later runs: the session's value (the sidebar widgets change it).
    """
    if state.LANG not in st.session_state:
        lang = normalize_lang(st.query_params.get("lang"))
        if lang is None:
            lang = normalize_lang(getattr(st.context, "locale", None))
        st.session_state[state.LANG] = lang or "en"
    if state.CLASSROOM not in st.session_state:
        st.session_state[state.CLASSROOM] = _query_flag(st.query_params.get("classroom", "0"))


def sync_query_params() -> None:
    """Write language and classroom mode back into the URL.

    Streamlit clears the query string when the user switches page with the navigation menu, so this runs on
    every rerun: the URL then always carries them, and a reload or a shared link keeps both.
    """
    lang = state.init(state.LANG, "en")
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    if state.is_classroom():
        if st.query_params.get("classroom") != "1":
            st.query_params["classroom"] = "1"
    elif "classroom" in st.query_params:
        del st.query_params["classroom"]


def _on_lang_change() -> None:
    st.session_state[state.LANG] = st.session_state["_w.lang"]


def _on_classroom_change() -> None:
    st.session_state[state.CLASSROOM] = bool(st.session_state["_w.classroom"])


def language_and_classroom() -> None:
    """The sidebar's language switch and classroom toggle (their state lives in ``ui.state``)."""
    lang = current_lang()
    st.session_state["_w.lang"] = lang
    st.session_state["_w.classroom"] = state.is_classroom()
    st.sidebar.radio(
        translate(lang, "sidebar.language"),
        options=list(LANGS),
        format_func=lambda code: translate(code, f"lang.{code}"),
        key="_w.lang",
        horizontal=True,
        on_change=_on_lang_change,
    )
    st.sidebar.toggle(
        t("sidebar.classroom"),
        key="_w.classroom",
        help=t("sidebar.classroom_help"),
        on_change=_on_classroom_change,
    )
    if state.is_classroom():
        st.markdown(CLASSROOM_CSS, unsafe_allow_html=True)


def series_name(loaded: state.LoadedSeries, lang: str | None = None, *, markdown: bool = True) -> str:
    """The series' name in the current language (bundled and synthetic names are looked up again).

    Markdown-safe by default (an uploaded file's name is the user's: ``ui.markup.escape``); ``markdown=False``
    gives the name as it is, for a figure (``ui.markup.for_figure``) or a file."""
    name = _series_name(loaded, lang or current_lang())
    return markup.escape(name) if markdown else name


def _series_name(loaded: state.LoadedSeries, lang: str) -> str:
    if loaded.source == "bundled":
        try:
            import datasets

            names = datasets.info(loaded.ref["id"]).name
            return names.get(lang) or loaded.name
        except Exception:  # a stale id must not break the sidebar
            return loaded.name
    if loaded.source == "synthetic":
        return translate(lang, f"synthetic.generators.{loaded.ref.get('generator')}.label")
    return loaded.name


def draw_status() -> None:
    """Fill this run's sidebar status slot (made by app.py) once: at the end of the page, or just before it stops.

    Anything drawn after ``st.stop()`` is dropped, so a page that ends early calls ``stop_page()`` instead.
    """
    slot = st.session_state.get(state.STATUS_SLOT)
    if slot is None or slot[1]:
        return
    slot[1] = True
    status_box(slot[0])


def run_page(page: Any) -> None:
    """Run the page ``st.navigation`` chose, with the app's last resort around it.

    An exception no page caught shows the translated "something went wrong" (naming only the exception's type;
    a ``DataError``/``CoreError`` shows its own message) instead of Streamlit's English error box, and is logged
    for the developer. The session keeps everything it had: pages store a series, a model or a forecast only
    once it is complete, and nothing here clears them, so the next run starts from the same data and model.
    Streamlit's own control flow passes through untouched: ``st.stop``/``st.rerun``/``st.switch_page`` raise
    ``StopException``/``RerunException``, ``BaseException`` subclasses that ``except Exception`` never sees, and
    a fragment's failure (``FragmentHandledException``) was already reported by Streamlit itself."""
    try:
        page.run()
    except FragmentHandledException:
        raise
    except Exception as exc:
        logging.getLogger(__name__).exception("uncaught error in a page run")
        st.error(markup.error_md(exc), icon=":material/error:")


def stop_page() -> NoReturn:
    """``st.stop()`` for pages: the sidebar status is drawn first, so it is there on every page."""
    draw_status()
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover - st.stop() never returns in a script run


CELL_KINDS = ("LSTM", "GRU")  # the cells drawn by the Inside-the-cell and Clamping pages


def cell_kind_picker(key: str) -> tuple[str, state.TrainedModel | None, str | None]:
    """The LSTM/GRU choice of the cell pages, defaulting to the trained model's kind.

    Returns ``(kind, model, trained_kind)``: the trained model (or None) and its kind in capitals (or None); the
    page uses the trained network when ``trained_kind == kind``, else its untrained demo network.
    """
    model = state.get_model()
    trained_kind = str(getattr(model.config, "cell", "")).upper() if model is not None else None
    default = trained_kind if trained_kind in CELL_KINDS else CELL_KINDS[0]
    kind = st.radio(t("cell.kind"), CELL_KINDS, index=CELL_KINDS.index(default), key=key, horizontal=True)
    return kind, model, trained_kind


def status_box(slot=None) -> None:
    """Compact 'current data / current model' status, in ``slot`` (a sidebar container) or the sidebar."""
    loaded = state.get_series()
    box = (slot if slot is not None else st.sidebar).container(border=True)
    box.markdown(f"**{t('sidebar.status')}**")
    box.caption(t("sidebar.data", name=series_name(loaded), n=loaded.n))
    model = state.get_model(allow_stale=True)
    if model is None:
        box.caption(t("sidebar.no_model"))
    elif model.is_stale(loaded):
        box.caption(t("sidebar.model_stale"))
    else:
        cfg = model.config
        cell = str(getattr(cfg, "cell", "lstm"))
        box.caption(t("sidebar.model", cell=t(f"cell_kind.{cell}"), hidden=getattr(cfg, "hidden_size", "?")))
    run = st.session_state.get(state.FORECAST_RUN)  # the Forecast page's own forecaster, when it has one here
    if run is not None and getattr(run, "data_key", None) == loaded.key:
        cfg = run.config
        box.caption(t("sidebar.forecaster", cell=t(f"cell_kind.{cfg.cell}"), n=int(cfg.ensemble),
                      hidden=int(cfg.hidden_size)))


# --- display helpers for pages ----------------------------------------------------------------------
def labeler(prefix: str, lang: str | None = None) -> Callable[[Any], str]:
    """A ``format_func`` showing option ``v`` as the text of catalog key ``prefix + str(v)`` in this run's language."""
    lang = lang or current_lang()
    return lambda value: translate(lang, f"{prefix}{value}")


def show_figure(fig: go.Figure, *, key: str | None = None) -> None:
    """Display a figure from ``ui.plots`` at full width with the app's plotly toolbar settings.

    In classroom mode the figure's text is enlarged (on a copy, so a cached figure is left as it was).
    """
    if state.is_classroom():
        fig = go.Figure(fig)
        fig.update_layout(font={"size": CLASSROOM_FIG_FONT})
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key=key)


def show_error(exc: Exception) -> None:
    """A translated error box for a ``DataError``/``CoreError`` (anything with ``.key``/``.params``); its
    parameters (a file's or a column's name, a link's value) are escaped."""
    st.error(markup.error_md(exc), icon=":material/error:")


def show_warnings(warnings, lang: str | None = None) -> None:
    """Ingestion warnings (objects with ``.key`` and ``.params``) as translated warning boxes, parameters escaped."""
    for w in warnings or ():
        st.warning(markup.warning_md(w, lang), icon=":material/warning:")


def glossary_link(term: str, label: str | None = None) -> None:
    """A link to the Glossary opened at ``term`` (an id such as ``"forget_gate"``)."""
    st.page_link(
        "views/glossary.py",
        label=label or t("glossary.see", term=t(f"glossary.terms.{term}.name")),
        icon=":material/menu_book:",
        query_params=page_params(term=term),
    )


def page_params(**extra: str) -> dict[str, str]:
    """Query params for ``st.page_link``/``st.switch_page``: language and classroom mode plus ``extra``."""
    params = {"lang": current_lang()}
    if state.is_classroom():
        params["classroom"] = "1"
    params.update({k: str(v) for k, v in extra.items()})
    return params


def param_input(spec: Any, label: str, *, key: str, value: float | None = None, help: str | None = None):
    """A slider for a numeric parameter spec (``name, default, min, max, step, kind``)."""
    is_int = getattr(spec, "kind", "float") == "int"
    cast = int if is_int else float
    current = spec.default if value is None else value
    current = min(max(cast(current), cast(spec.min)), cast(spec.max))
    return st.slider(
        label,
        min_value=cast(spec.min),
        max_value=cast(spec.max),
        value=cast(current),
        step=cast(spec.step),
        key=key,
        help=help,
    )


def stat_table(rows: Mapping[str, str], headers: tuple[str, str]) -> None:
    """A small two-column table of label → value (already formatted), with translated column headers."""
    st.dataframe(
        {headers[0]: list(rows.keys()), headers[1]: [str(v) for v in rows.values()]},
        hide_index=True,
        width="stretch",
    )


def slot_waiter(bar) -> Callable[[int], None]:
    """``on_wait`` for ``ui.workers``: while a run waits for a free training slot, its progress bar says where
    it stands in the queue. Redrawn when the place changes and twice a second anyway: Streamlit only notices
    a click (which must interrupt this script) when the script sends something."""
    import time

    shown = [0, 0.0]  # position drawn, when

    def on_wait(position: int) -> None:
        now = time.monotonic()
        if position != shown[0] or now - shown[1] >= 0.5:
            shown[0], shown[1] = position, now
            bar.progress(0.0, text=t("train.live.waiting", position=position))

    return on_wait
