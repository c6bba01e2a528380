"""Data: choose the series every other page works on — a bundled real series, a synthetic one, or an upload.

Thin page: widgets and layout here; loading in ``datasets`` and ``ui.state``; the chart in ``ui.plots.series``.
A bad upload shows a translated error and keeps the data that was loaded before.
"""

from __future__ import annotations

import secrets

import numpy as np
import streamlit as st

import datasets
from datasets import DataError, synthetic
from ui import markup, state, teaching, upload, widgets
from ui.i18n import current_lang, fmt_num, t, translate
from ui.plots.series import series_figure
from ui.reading import time_label

SOURCES = ("bundled", "synthetic", "upload")

lang = current_lang()


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
        format_func=lambda n: translate(lang, synthetic.GENERATORS[n].label_key),
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
    if loaded.source != "synthetic" or state.synthetic_ref_differs(loaded.ref, wanted):
        try:
            state.set_series(state.synthetic_series(name, params, int(seed)))
        except DataError as exc:
            widgets.show_error(exc)
    st.info(t(spec.watch_key), icon=":material/visibility:")


# --- upload -------------------------------------------------------------------------------------------
def _option_box(option: str, choices: list, detected_value, label_key: str, help_key: str | None = None) -> None:
    st.selectbox(
        t(label_key),
        [upload.AUTO, *choices],
        format_func=lambda v: translate(lang, "data.opt_auto", value=upload.option_text(option, detected_value, lang))
        if v == upload.AUTO else upload.option_text(option, v, lang),
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
        upload.forget_overrides()
    if stored is None:
        st.caption(t("data.upload_none"))
        return
    name, blob, file_id = stored
    upload.read_upload(name, blob, file_id, upload.current_overrides())
    error = st.session_state.get(state.DATA_UPLOAD_ERROR)
    if error is not None:
        widgets.show_error(error)
        st.caption(t("data.kept_previous"))
    current = state.get_series()
    det = current.detected if current.source == "upload" and current.extra.get("file_id") == file_id else None
    st.caption(markup.md("data.upload_file", name=name, size=fmt_num(len(blob) / 1024, 1)))
    if det is not None:
        widgets.stat_table(
            upload.detected_table(det, lang),
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
            _option_box("encoding", list(upload.ENCODINGS), get("encoding"), "data.opt.encoding")
            _option_box("delimiter", list(upload.DELIMS), get("delimiter"), "data.opt.delimiter")
            _option_box("decimal", [".", ","], get("decimal"), "data.opt.decimal")
            _option_box("thousands", list(upload.THOUSANDS), get("thousands"), "data.opt.thousands")
        with c2:
            _option_box("header_row", list(range(20)), get("header_row"), "data.opt.header_row")
            _option_box("date_column", ["", *columns], get("date_column"), "data.opt.date_column")
            _option_box("value_column", numeric or columns, get("value_column"), "data.opt.value_column")
        with c3:
            _option_box("dayfirst", [True, False], get("dayfirst"), "data.opt.dayfirst")
            _option_box("frequency", list(upload.FREQS), get("frequency"), "data.opt.frequency")
            st.selectbox(
                t("data.opt.resample"),
                [upload.AUTO, "sum", "mean"],
                format_func=lambda v: translate(lang, "data.resample_none" if v == upload.AUTO else f"data.resample_{v}"),
                key=state.read_opt_key("resample"),
                help=t("data.resample_help"),
            )


{"bundled": bundled_section, "synthetic": synthetic_section, "upload": upload_section}[source]()

# --- the chart and the numbers of whatever is loaded now ---------------------------------------------
loaded = state.get_series()
st.subheader(widgets.series_name(loaded, lang))
if teaching.is_teaching(loaded.ref, loaded.source):
    st.info(t("data.teaching_note"), icon=":material/school:")
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
    series_figure(loaded.series, split=split, lang=lang,
                  name=markup.for_figure(widgets.series_name(loaded, lang, markdown=False)), y_title=unit),
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
    "start": time_label(index[0]) if loaded.n else "—",
    "end": time_label(index[-1]) if loaded.n else "—",
    "frequency": upload.freq_label(loaded.frequency, lang),
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
