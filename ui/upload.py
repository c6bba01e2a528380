"""A user's CSV on the Data page: the reading options they can override, how each is written for people,
and reading the file into the session's series (a failed read keeps the series the user had). A table dropped
on another page goes through the same reading (``take_file``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

import datasets
from datasets import DataError
from ui import state
from ui.i18n import catalog, translate

AUTO = "__auto__"  # option value meaning "let read_table detect it"
DETECTED = ("encoding", "delimiter", "decimal", "thousands", "header_row", "date_column", "value_column",
            "dayfirst", "frequency")  # the ``Detected`` fields shown and overridable, in the page's order
OPTIONS = (*DETECTED, "resample")  # every read_table override the page offers
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
DELIMS = (",", ";", "\t", "|")
THOUSANDS = ("", ".", ",", " ", "'")
FREQS = ("h", "D", "B", "W-SUN", "W-MON", "MS", "ME", "QS", "YS")


def freq_label(alias: str | None, lang: str, with_alias: bool = False) -> str:
    """A readable name ("monthly", or "monthly (MS)") for a pandas frequency alias; "steps" if there is none."""
    if not alias:
        return translate(lang, "data.steps")
    key = f"data.freq.{alias.split('-')[0]}"
    if key not in catalog(lang):
        return alias
    return f"{translate(lang, key)} ({alias})" if with_alias else translate(lang, key)


def option_text(option: str, value: Any, lang: str) -> str:
    """How a read_table setting is written for people (tab, none, line numbers, yes/no)."""
    if value is None or value == "":
        return translate(lang, "data.opt_none")
    if option == "delimiter" and value == "\t":
        return translate(lang, "data.opt_tab")
    if option == "thousands" and value == " ":
        return translate(lang, "data.opt_space")
    if option == "header_row":
        return translate(lang, "data.opt_line", line=int(value) + 1)
    if option == "frequency":
        return freq_label(value, lang, with_alias=True)
    if option == "dayfirst":
        return translate(lang, "data.opt_yes") if value else translate(lang, "data.opt_no")
    return str(value)


def detected_table(det: datasets.Detected, lang: str) -> dict[str, str]:
    """``{setting label: detected value}`` for every overridable setting."""
    return {translate(lang, f"data.opt.{option}"): option_text(option, getattr(det, option), lang)
            for option in DETECTED}


def forget_overrides() -> None:
    """A new file starts from detection: clear every override widget."""
    for option in OPTIONS:
        st.session_state.pop(state.read_opt_key(option), None)


def current_overrides() -> dict[str, Any]:
    """The overrides the user chose (from the widgets' last values): only those not left on 'detected'."""
    opts = {}
    for option in OPTIONS:
        value = st.session_state.get(state.read_opt_key(option), AUTO)
        if value != AUTO:
            opts[option] = value
    if opts.get("resample") and not opts.get("frequency"):
        opts.pop("resample")  # resampling needs a target frequency; the widget says so
    return opts


def read_upload(name: str, blob: bytes, file_id: str, opts: Mapping[str, Any]) -> None:
    """Read the upload with ``opts``; on success make it the current series, on failure keep the old one and
    store the error in ``state.DATA_UPLOAD_ERROR``. A file already read with the same options is not re-read."""
    sig = (file_id, tuple(sorted((k, str(v)) for k, v in opts.items())))
    same = st.session_state.get(state.DATA_UPLOAD_SIG) == sig
    failed = st.session_state.get(state.DATA_UPLOAD_ERROR) is not None
    if same and (failed or state.get_series().source == "upload"):
        return  # already read (or already refused); back on "Your file" after another source: read it again
    st.session_state[state.DATA_UPLOAD_SIG] = sig
    try:
        result = datasets.read_table(blob, **opts)
    except DataError as exc:
        st.session_state[state.DATA_UPLOAD_ERROR] = exc
        return
    st.session_state.pop(state.DATA_UPLOAD_ERROR, None)
    det = result.detected
    state.set_series(
        state.LoadedSeries(
            series=result.series,
            source="upload",
            ref={"file": name, "options": dict(opts)},
            name=name,
            frequency=det.frequency,
            season_length=int(det.season_length or 1),
            warnings=tuple(result.warnings),
            detected=det,
            extra={"file_id": file_id},
        )
    )


def take_file(name: str, blob: bytes, file_id: str) -> DataError | None:
    """A table dropped on another page (the Forecast page), read as the Data page reads a new file: kept as the
    Data page's upload (so "Your file" there shows what was detected and offers the overrides), the overrides
    reset, detection only. Returns the error when it cannot be read; the series the user had is then kept."""
    st.session_state[state.DATA_UPLOAD_BYTES] = (name, blob, file_id)
    forget_overrides()
    read_upload(name, blob, file_id, {})
    return st.session_state.get(state.DATA_UPLOAD_ERROR)
