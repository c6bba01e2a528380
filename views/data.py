"""Data: choose the series every other page works on — a bundled real series, a synthetic one, or an upload.

Thin page: widgets and layout here; loading in ``datasets`` and ``ui.state``; the chart in ``ui.plots.series``.
A bad upload shows a translated error and keeps the data that was loaded before.
"""

from __future__ import annotations

import secrets

import numpy as np
import pandas as pd
import streamlit as st

import datasets
from datasets import DataError, synthetic
from ui import state, widgets
from ui.i18n import catalog, current_lang, fmt_num, t, translate
from ui.plots.series import series_figure

AUTO = "__auto__"  # option value meaning "let read_table detect it"
SOURCES = ("bundled", "synthetic", "upload")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
DELIMS = (",", ";", "\t", "|")
THOUSANDS = ("", ".", ",", " ", "'")
FREQS = ("h", "D", "B", "W-SUN", "W-MON", "MS", "ME", "QS", "YS")

lang = current_lang()


def tr(key: str, **params) -> str:
    """``t()`` bound to this run's language: format_func callbacks may run outside the script (AppTest)."""
    return translate(lang, key, **params)


def _when(stamp) -> str:
    """A date without a midnight time, a timestamp with its hour, or a step number."""
    if isinstance(stamp, pd.Timestamp):
        return str(stamp.date()) if stamp == stamp.normalize() else stamp.strftime("%Y-%m-%d %H:%M")
    return str(stamp)


def _freq_label(alias: str | None, with_alias: bool = False) -> str:
    """A readable name ("monthly", or "monthly (MS)") for a pandas frequency alias; "steps" if there is none."""
    if not alias:
        return tr("data.steps")
    key = f"data.freq.{alias.split('-')[0]}"
    if key not in catalog(lang):
        return alias
    return f"{tr(key)} ({alias})" if with_alias else tr(key)


loaded = state.get_series()

st.title(t("nav.data"))
st.caption(t("data.intro"))

source = st.radio(
    t("data.source"),
    SOURCES,
    index=SOURCES.index(loaded.source),
    format_func=widgets.labeler("data.source_", lang),
    key=state.DATA_SOURCE,
    horizontal=True,
)


# --- bundled ------------------------------------------------------------------------------------------
def bundled_section() -> None:
    items = {item.id: item for item in datasets.catalog()}
    ids = list(items)
    current = loaded.ref.get("id") if loaded.source == "bundled" else state.default_dataset_id()
    chosen = st.selectbox(
        t("data.bundled_pick"),
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda i: items[i].name.get(lang) or i,
        key=state.DATA_BUNDLED,
    )
    if loaded.source != "bundled" or loaded.ref.get("id") != chosen:
        state.set_series(state.bundled_series(chosen, lang))
    meta = items[chosen]
    st.markdown(meta.description.get(lang, ""))
    st.caption(t("data.bundled_meta", source=meta.source, licence=meta.licence.get(lang, meta.licence['en']), origin=meta.url_or_package))


# --- synthetic ----------------------------------------------------------------------------------------
def _new_seed() -> None:
    st.session_state[state.DATA_SYNTH_SEED] = secrets.randbelow(1_000_000)


def synthetic_section() -> None:
    names = list(synthetic.GENERATORS)
    current = loaded.ref.get("generator") if loaded.source == "synthetic" else names[0]
    name = st.selectbox(
        t("data.synth_pick"),
        names,
        index=names.index(current) if current in names else 0,
        format_func=lambda n: tr(synthetic.GENERATORS[n].label_key),
        key=state.DATA_SYNTH,
    )
    spec = synthetic.GENERATORS[name]
    seed = state.init(state.DATA_SYNTH_SEED, int(loaded.ref.get("seed", 0)) if loaded.source == "synthetic" else 0)
    same = loaded.source == "synthetic" and loaded.ref.get("generator") == name
    params = {}
    cols = st.columns(2)
    for k, p in enumerate(spec.params):
        with cols[k % 2]:
            start = loaded.ref["params"].get(p.name) if same else None
            params[p.name] = widgets.param_input(
                p, t(p.label_key), key=state.synth_param_key(name, p.name), value=start
            )
    c1, c2 = st.columns([1, 3], vertical_alignment="center")
    c1.button(t("data.new_seed"), on_click=_new_seed, icon=":material/casino:", key="data.new_seed_btn")
    c2.caption(t("data.seed", seed=seed))
    wanted = {"generator": name, "params": {k: v for k, v in params.items()}, "seed": int(seed)}
    if loaded.source != "synthetic" or _ref_differs(loaded.ref, wanted):
        try:
            state.set_series(state.synthetic_series(name, params, int(seed)))
        except DataError as exc:
            widgets.show_error(exc)
    st.info(t(spec.watch_key), icon=":material/visibility:")


def _ref_differs(a: dict, b: dict) -> bool:
    if a.get("generator") != b.get("generator") or int(a.get("seed", -1)) != int(b.get("seed", -2)):
        return True
    pa, pb = a.get("params", {}), b.get("params", {})
    return any(not np.isclose(float(pa.get(k, np.nan)), float(v)) for k, v in pb.items())


# --- upload -------------------------------------------------------------------------------------------
def _show_opt(option: str, value) -> str:
    """How a read_table setting is written for people (tab, none, line numbers, yes/no)."""
    if value is None or value == "":
        return tr("data.opt_none")
    if option == "delimiter" and value == "\t":
        return tr("data.opt_tab")
    if option == "thousands" and value == " ":
        return tr("data.opt_space")
    if option == "header_row":
        return tr("data.opt_line", line=int(value) + 1)
    if option == "frequency":
        return _freq_label(value, with_alias=True)
    if option == "dayfirst":
        return tr("data.opt_yes") if value else tr("data.opt_no")
    return str(value)


def _current_opts() -> dict:
    """The overrides the user chose (from the widgets' last values): only those not left on 'detected'."""
    opts = {}
    for option in ("encoding", "delimiter", "decimal", "thousands", "header_row", "date_column",
                   "value_column", "dayfirst", "frequency", "resample"):
        value = st.session_state.get(state.read_opt_key(option), AUTO)
        if value != AUTO:
            opts[option] = value
    if opts.get("resample") and not opts.get("frequency"):
        opts.pop("resample")  # resampling needs a target frequency; the widget says so
    return opts


def _read_upload(name: str, blob: bytes, file_id: str, opts: dict) -> None:
    """Read the upload with ``opts``; on success make it the current series, on failure keep the old one."""
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
            ref={"file": name, "options": {k: v for k, v in opts.items()}},
            name=name,
            frequency=det.frequency,
            season_length=int(det.season_length or 1),
            warnings=tuple(result.warnings),
            detected=det,
            extra={"file_id": file_id},
        )
    )


def _option_box(option: str, choices: list, detected_value, label_key: str, help_key: str | None = None) -> None:
    st.selectbox(
        t(label_key),
        [AUTO, *choices],
        format_func=lambda v: tr("data.opt_auto", value=_show_opt(option, detected_value)) if v == AUTO
        else _show_opt(option, v),
        key=state.read_opt_key(option),
        help=t(help_key) if help_key else None,
    )


def upload_section() -> None:
    up = st.file_uploader(t("data.upload_pick"), type=["csv", "txt", "tsv"], key=state.DATA_UPLOAD,
                          help=t("data.upload_help"))
    st.caption(t("limits.upload_max", mb=fmt_num(datasets.ingest.MAX_BYTES / 2**20, 0)))  # = server.maxUploadSize
    stored = st.session_state.get(state.DATA_UPLOAD_BYTES)
    if up is not None and (stored is None or stored[2] != up.file_id):
        stored = (up.name, up.getvalue(), up.file_id)
        st.session_state[state.DATA_UPLOAD_BYTES] = stored
        for option in ("encoding", "delimiter", "decimal", "thousands", "header_row", "date_column",
                       "value_column", "dayfirst", "frequency", "resample"):
            st.session_state.pop(state.read_opt_key(option), None)  # a new file starts from detection
    if stored is None:
        st.caption(t("data.upload_none"))
        return
    name, blob, file_id = stored
    _read_upload(name, blob, file_id, _current_opts())
    error = st.session_state.get(state.DATA_UPLOAD_ERROR)
    if error is not None:
        widgets.show_error(error)
        st.caption(t("data.kept_previous"))
    current = state.get_series()
    det = current.detected if current.source == "upload" and current.extra.get("file_id") == file_id else None
    st.caption(t("data.upload_file", name=name, size=fmt_num(len(blob) / 1024, 1)))
    if det is not None:
        widgets.stat_table(
            {
                t("data.opt.encoding"): _show_opt("encoding", det.encoding),
                t("data.opt.delimiter"): _show_opt("delimiter", det.delimiter),
                t("data.opt.decimal"): _show_opt("decimal", det.decimal),
                t("data.opt.thousands"): _show_opt("thousands", det.thousands),
                t("data.opt.header_row"): _show_opt("header_row", det.header_row),
                t("data.opt.date_column"): _show_opt("date_column", det.date_column),
                t("data.opt.value_column"): _show_opt("value_column", det.value_column),
                t("data.opt.dayfirst"): _show_opt("dayfirst", det.dayfirst),
                t("data.opt.frequency"): _show_opt("frequency", det.frequency),
            },
            headers=(t("data.setting_col"), t("data.detected_col")),
        )
    if state.is_classroom():
        return
    get = (lambda f: getattr(det, f)) if det is not None else (lambda f: None)
    columns = list(det.all_columns) if det is not None else []
    numeric = list(det.numeric_columns) if det is not None else []
    with st.expander(t("data.override_title"), expanded=error is not None, icon=":material/tune:"):
        st.caption(t("data.override_help"))
        c1, c2, c3 = st.columns(3)
        with c1:
            _option_box("encoding", list(ENCODINGS), get("encoding"), "data.opt.encoding")
            _option_box("delimiter", list(DELIMS), get("delimiter"), "data.opt.delimiter")
            _option_box("decimal", [".", ","], get("decimal"), "data.opt.decimal")
            _option_box("thousands", list(THOUSANDS), get("thousands"), "data.opt.thousands")
        with c2:
            _option_box("header_row", list(range(20)), get("header_row"), "data.opt.header_row")
            _option_box("date_column", ["", *columns], get("date_column"), "data.opt.date_column")
            _option_box("value_column", numeric or columns, get("value_column"), "data.opt.value_column")
        with c3:
            _option_box("dayfirst", [True, False], get("dayfirst"), "data.opt.dayfirst")
            _option_box("frequency", list(FREQS), get("frequency"), "data.opt.frequency")
            st.selectbox(
                t("data.opt.resample"),
                [AUTO, "sum", "mean"],
                format_func=lambda v: tr("data.resample_none") if v == AUTO else tr(f"data.resample_{v}"),
                key=state.read_opt_key("resample"),
                help=t("data.resample_help"),
            )


{"bundled": bundled_section, "synthetic": synthetic_section, "upload": upload_section}[source]()

# --- the chart and the numbers of whatever is loaded now ---------------------------------------------
loaded = state.get_series()
st.subheader(widgets.series_name(loaded, lang))
if loaded.source == "upload":
    widgets.show_warnings(loaded.warnings, lang)

split = None
try:
    from lstm_core.forecast import ForecastConfig
    from lstm_core.windows import chronological_split

    cfg = ForecastConfig.auto(n_points=loaded.n, season_length=loaded.season_length)
    split = chronological_split(loaded.n, cfg.val_fraction, cfg.test_fraction)
except Exception as exc:  # a series too short to split is still shown, with the reason
    widgets.show_error(exc)
unit = None
if loaded.source == "bundled":
    unit = datasets.info(loaded.ref["id"]).unit.get(lang) or None
widgets.show_figure(
    series_figure(loaded.series, split=split, lang=lang, name=widgets.series_name(loaded, lang), y_title=unit),
    key="data.chart",
)
if split is not None:
    train_end, val_end = split
    st.caption(t("data.split", train=train_end, val=val_end - train_end, test=loaded.n - val_end))
    widgets.glossary_link("validation")



values = loaded.series.to_numpy(dtype=float)
index = loaded.series.index
filled = sum(int(w.params.get("n", 0)) for w in loaded.warnings if w.key == "warnings.data.missing_interpolated")
stats = {
    "n": f"{loaded.n:,}".replace(",", "." if lang == "pt-BR" else ","),
    "start": _when(index[0]) if loaded.n else "—",
    "end": _when(index[-1]) if loaded.n else "—",
    "frequency": _freq_label(loaded.frequency),
    "season": str(loaded.season_length),
    "mean": fmt_num(np.nanmean(values), 3, lang),
    "std": fmt_num(np.nanstd(values), 3, lang),
    "min": fmt_num(np.nanmin(values), 3, lang),
    "max": fmt_num(np.nanmax(values), 3, lang),
    "filled": str(filled),
}
st.markdown(f"**{t('data.stats_title')}**")
with st.container(key="data-stats"):
    keys = list(stats)
    for row in (keys[:5], keys[5:]):
        for col, k in zip(st.columns(5), row):
            col.metric(t(f"data.stat.{k}"), stats[k])
