"""The Forecast page's uploads: any file is taken and routed by what it is, a table to the session's series (read
exactly as the Data page reads it, ``ui.upload``), a saved model to the page's run. Nothing is refused with
Streamlit's untranslated "file type not allowed"; a file that cannot be used gives a translated error and
changes nothing the user had. Each file is handled once; what happened is kept, so the message stays while the
file sits in the uploader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import streamlit as st

from datasets import DataError
from lstm_core.errors import CoreError
from ui import forecasting, markup, state, upload, widgets
from ui.i18n import current_lang, t, translate

NPZ_MAGIC = b"PK\x03\x04"  # a model file is a zip archive...
NPZ_MARK = b"__config__.npy"  # ...holding this member (``lstm_core.io.CONFIG_KEY``)


def is_model_file(name: str, blob: bytes) -> bool:
    """True for a saved model (``.npz``, or a zip holding a model's config); anything else is read as a table
    (a spreadsheet file, also a zip, then gets the ingestion's own "save it as CSV" message)."""
    return name.lower().endswith(".npz") or (blob[:4] == NPZ_MAGIC and NPZ_MARK in blob)


@dataclass(frozen=True)
class Received:
    """One file handled: what it was and, when it could not be used, why."""

    file_id: str
    name: str
    kind: Literal["table", "model"]
    error: Exception | None = None


def receive(up, sig_key: str) -> Received | None:
    """Handle the uploader's file ``up`` once (``sig_key`` keeps the last one handled) and return what happened
    with it, also on later reruns while it stays in the uploader; None when the uploader is empty.

    A table that reads becomes the series of every page and asks the page for a fit (``FORECAST_AUTORUN``); a
    model becomes the page's run for the series loaded now. On any failure the series and the run are kept.
    """
    if up is None:
        return None
    done = st.session_state.get(sig_key)
    if isinstance(done, Received) and done.file_id == up.file_id:
        return done
    blob = up.getvalue()
    if is_model_file(up.name, blob):
        error: Exception | None = None
        try:
            st.session_state[state.FORECAST_RUN] = forecasting.from_upload(blob, state.get_series())
        except (CoreError, DataError) as exc:
            error = exc
        done = Received(up.file_id, up.name, "model", error)
    else:
        error = upload.take_file(up.name, blob, up.file_id)
        if error is None:
            st.session_state[state.FORECAST_AUTORUN] = True
        done = Received(up.file_id, up.name, "table", error)
    st.session_state[sig_key] = done
    return done


def show(done: Received | None) -> None:
    """The message of a handled file: what was read (and the ingestion's warnings), or the translated error
    and what was kept."""
    if done is None:
        return
    lang = current_lang()
    if done.kind == "model":
        run = st.session_state.get(state.FORECAST_RUN)
        if done.error is not None:
            widgets.show_error(done.error)
            st.info(t("forecast.upload_kept"), icon=":material/info:")
        elif run is not None and run.origin == "upload":
            cfg = run.config
            st.success(t("forecast.upload_ok", cell=translate(lang, f"cell_kind.{cfg.cell}"), window=cfg.window,
                         horizon=cfg.horizon))
        return
    if done.error is not None:
        widgets.show_error(done.error)
        st.info(t("forecast.drop.table_kept"), icon=":material/info:")
        st.page_link("views/data.py", label=t("forecast.drop.table_fix"), icon=":material/tune:",
                     query_params=widgets.page_params())
        return
    loaded = state.get_series()
    if loaded.source == "upload" and loaded.extra.get("file_id") == done.file_id:
        st.success(markup.md("forecast.drop.table_ok", n=loaded.n, name=done.name,
                             freq=upload.freq_label(loaded.frequency, lang)), icon=":material/check_circle:")
        widgets.show_warnings(loaded.warnings, lang)
