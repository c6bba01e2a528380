"""Forecast page: default path, shareable-link round trip, downloads, model upload (good and bad), too-short
series, both languages and classroom mode. Training is kept tiny through the link's own settings."""

from __future__ import annotations

import io
import time

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, assert_no_missing_keys, open_app
from ui import export, run_link, state
from ui.forecasting import ForecastRun
from ui.i18n import translate

PAGE = "views/forecast.py"
TIMEOUT = 120
# a small synthetic run: 120-point sine, period 12; 3 epochs, 4 units, one network, horizon 6
LINK = {"src": "synthetic", "gen": "sine", "gseed": "3", "gp_length": "120", "gp_period": "12",
        "ep": "3", "hid": "4", "ens": "1", "h": "6"}


def _new_session(query: dict, lang: str = "en", classroom: bool = False) -> AppTest:
    """A session that opened the app with the link's query (on Home: the Forecast page is not run yet)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    if classroom:
        at.query_params["classroom"] = "1"
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    return at


def _open_link(query: dict, lang: str = "en", classroom: bool = False) -> AppTest:
    at = _new_session(query, lang, classroom)
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at: AppTest) -> ForecastRun:
    return at.session_state[state.FORECAST_RUN]


def _origins(at: AppTest, k: int) -> None:
    at.number_input(key=state.FORECAST_ORIGINS).set_value(k).run()


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_link_reproduces_the_run_and_verdict_shown(lang):
    at = _open_link(LINK, lang)
    run = _run(at)
    cfg = run.config
    assert (cfg.epochs, cfg.hidden_size, cfg.ensemble, cfg.horizon, cfg.test_fraction) == (3, 4, 1, 6, 0.0)
    loaded = at.session_state[state.SERIES]
    assert loaded.source == "synthetic" and loaded.ref["seed"] == 3 and loaded.n == 120
    assert run.backtest is not None and run.backtest.mean
    bt = run.backtest.mean
    assert {"model", "seasonal_naive", "naive"} <= set(bt)
    verdicts = [e.value for e in [*at.success, *at.warning]]
    ratio = bt["model"]["mase"] / bt["seasonal_naive"]["mase"]
    if ratio < 1 and round(100 * (1 - ratio)) >= 1:
        expected = translate(lang, "forecast.verdict.better", cell="LSTM", pct=round(100 * (1 - ratio)))
    elif ratio < 1:
        expected = translate(lang, "forecast.verdict.tie", cell="LSTM")
    else:
        best = min((k for k in bt if k != "model"), key=lambda k: bt[k]["mase"])
        expected = translate(lang, "forecast.verdict.worse", cell="LSTM", pct=round(100 * (ratio - 1)),
                             best=translate(lang, f"method.{best}"))
    assert expected in verdicts, verdicts
    assert [c.key for c in at.get("plotly_chart")] == ["forecast.fig", "forecast.bt_fig"]  # + backtest vs actuals
    assert run.backtest.cuts == (102, 108, 114) and all(set(p) == set(bt) for p in run.backtest.paths)
    assert all(p["model"].shape == (6,) for p in run.backtest.paths)  # what the backtest figure draws
    assert_no_missing_keys(at)

    # the page wrote its configuration back into the URL; a new session opened with it gives the same forecast
    written = {k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
               for k in at.query_params if run_link.is_link_key(k)}
    assert written["src"] == "synthetic" and written["ep"] == "3" and written["h"] == "6"
    again = _open_link(written, lang)
    run2 = _run(again)
    assert run2.config == cfg
    f1 = run.forecaster.predict(6).mean
    f2 = run2.forecaster.predict(6).mean
    np.testing.assert_array_equal(f1, f2)


def test_default_path_fit_button_and_downloads():
    at = open_app("en", page=PAGE, timeout=TIMEOUT)
    assert not at.exception
    assert at.session_state[state.SERIES].source == "synthetic"  # the teaching series
    assert at.query_params["src"] in ("synthetic", ["synthetic"])  # generated data: the link is shareable
    at = _open_link({"src": "bundled", "ds": state.default_dataset_id()})  # a monthly calendar for the CSV
    assert at.query_params["src"] in ("bundled", ["bundled"])  # bundled data: the link is shareable
    # shrink the run through the page's own widgets, then fit
    at.number_input(key=state.forecast_setting_key("epochs")).set_value(2).run()
    at.number_input(key=state.forecast_setting_key("hidden_size")).set_value(4).run()
    at.number_input(key=state.forecast_setting_key("ensemble")).set_value(1).run()
    _origins(at, 1)
    at.button(key="forecast.run_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    run = _run(at)
    cfg = run.config
    assert cfg.epochs == 2 and cfg.hidden_size == 4 and run.backtest.origins == 1
    side = "\n".join(c.value for c in at.sidebar.caption)  # the sidebar names the page's forecaster too
    assert translate("en", "sidebar.forecaster", cell="LSTM", n=1, hidden=4) in side
    loaded = at.session_state[state.SERIES]
    # the CSV continues the monthly calendar and keeps numbers as numbers
    fcst = run.forecaster.predict(cfg.horizon)
    import datasets

    future = datasets.future_index(loaded.series.index, cfg.horizon)
    df = pd.read_csv(io.BytesIO(export.forecast_csv(future, fcst)))
    assert list(df.columns) == ["date", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert pd.Timestamp(df["date"].iloc[0]) == loaded.series.index[-1] + pd.offsets.MonthBegin(1)
    assert df["forecast"].dtype.kind == "f"
    assert len(at.get("download_button")) == 3
    assert_no_missing_keys(at)


def _saved_model_bytes() -> bytes:
    from lstm_core.forecast import ForecastConfig, Forecaster

    fc = Forecaster(ForecastConfig(window=12, horizon=6, epochs=2, hidden_size=4, ensemble=1, season_length=12))
    fc.fit(np.sin(np.arange(120) * 2 * np.pi / 12))
    return export.model_bytes(fc)


def test_upload_good_model_then_bad_keeps_it():
    at = _open_link(LINK)
    before = _run(at)
    good = _saved_model_bytes()
    # AppTest has no file_uploader driver: hand the page an uploaded-file object the way Streamlit does
    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    def upload(data: bytes, file_id: str) -> None:
        rec = UploadedFileRec(file_id=file_id, name="model.npz", type="application/octet-stream", data=data)
        at.session_state[state.FORECAST_UPLOAD_SIG] = None
        handle_upload(at, UploadedFile(rec, None))

    upload(good, "f1")
    run = _run(at)
    assert run is not before and run.origin == "upload" and run.config.hidden_size == 4
    assert run.config.cell == "lstm" and not at.exception
    # a pickle, then a truncated file: translated error, previous model kept
    import pickle

    for bad, fid in ((pickle.dumps({"a": 1}), "f2"), (good[: len(good) // 2], "f3")):
        upload(bad, fid)
        assert not at.exception
        assert _run(at) is run
        assert any(translate("en", "forecast.upload_kept") in i.value for i in at.info)
        assert at.error, "a translated error is shown"
        assert "⟦" not in at.error[0].value
    # an uploaded model has no backtest until asked; the button runs it and the verdict replaces the question
    assert translate("en", "forecast.backtest_missing") in _visible(at)
    at.button(key="forecast.backtest_btn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _run(at) is run and run.backtest.origins == 3 and run.backtest.mean
    assert translate("en", "forecast.backtest_missing") not in _visible(at)


def handle_upload(at: AppTest, uploaded) -> None:
    """Run the page with ``uploaded`` as the file uploader's value (patched the way the widget returns it)."""
    import streamlit as st

    real = st.file_uploader

    def fake(label, *args, key=None, **kwargs):
        if key == state.FORECAST_UPLOAD:
            return uploaded
        return real(label, *args, key=key, **kwargs)

    st.file_uploader = fake
    try:
        at.run()
    finally:
        st.file_uploader = real


def test_too_short_series_shows_translated_message():
    for lang in ("en", "pt-BR"):
        at = _open_link({**LINK, "gp_length": "20", "h": "8"}, lang)
        assert at.error, "too short: an error box"
        assert "⟦" not in at.error[0].value
        assert at.error[0].value.startswith(translate(lang, "errors.engine.too_short")[:10])
        assert state.FORECAST_RUN not in at.session_state or at.session_state[state.FORECAST_RUN] is None


def test_classroom_hides_settings_and_bad_link_is_an_error():
    at = _open_link({**LINK, "ep": "2"}, "pt-BR", classroom=True)
    assert not at.get("expander") or all(
        e.label != translate("pt-BR", "forecast.settings") for e in at.get("expander"))
    assert _run(at).config.epochs == 2
    assert_no_missing_keys(at)
    bad = _open_link({"src": "bundled", "ds": "no_such_series"}, "en")
    assert any(translate("en", "errors.data.unknown_dataset", id="no_such_series") == e.value for e in bad.error)


def _visible(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("caption", "success", "warning") for e in at.get(kind))


def test_chart_and_downloads_come_before_the_backtest_which_resumes(monkeypatch):
    """The forecast is on screen while the backtest runs: a backtest stopped after its first origin leaves
    the chart, the downloads and the stored fit; the next rerun refits only the origins not done yet."""
    from ui import workers as engine  # the page runs each origin through the worker pool

    real = engine.backtest_origin
    calls: list[int] = []

    def first_then_stop(x, cfg_o, origin, *args, **kwargs):
        calls.append(origin)
        if len(calls) > 1:
            raise RuntimeError("backtest interrupted")
        return real(x, cfg_o, origin, *args, **kwargs)

    monkeypatch.setattr(engine, "backtest_origin", first_then_stop)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in {"lang": "en", **LINK, "ens": "4", "seed": "11"}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    # the second origin was interrupted: the app's last resort (ui.widgets.run_page) says so in the page's language
    assert not at.exception and calls == [102, 108]
    assert translate("en", "errors.unexpected", detail="RuntimeError") in [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == 1 and len(at.get("download_button")) == 3
    run = _run(at)
    assert run.backtest is None and run.backtest_pending and run.config.ensemble == 4
    fc = run.forecaster

    calls.clear()
    monkeypatch.setattr(engine, "backtest_origin", lambda *a, **kw: calls.append(a[2]) or real(*a, **kw))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    run = _run(at)
    assert run.forecaster is fc, "the fit was kept, not redone"
    assert len(calls) == 2 and calls == [108, 114], "only the two origins not finished were refitted"
    assert run.backtest.origins == 3 and run.backtest.members == 3  # BACKTEST_MEMBERS final networks, not 4
    assert translate("en", "forecast.backtest_single", k=3, held=2, members=4) in _visible(at)
    assert_no_missing_keys(at)


def _count_fits(monkeypatch) -> dict[str, int]:
    """Count the page's fits and backtest origins (both go through the worker pool, ``ui.workers``)."""
    from ui import workers

    counts = {"fit": 0, "origin": 0}
    real_fit, real_origin = workers.fit, workers.backtest_origin

    def counted_fit(*a, **kw):
        counts["fit"] += 1
        return real_fit(*a, **kw)

    def counted_origin(*a, **kw):
        counts["origin"] += 1
        return real_origin(*a, **kw)

    monkeypatch.setattr(workers, "fit", counted_fit)
    monkeypatch.setattr(workers, "backtest_origin", counted_origin)
    return counts


def test_language_switch_and_zoom_never_refit_and_a_second_session_reuses_the_backtest(monkeypatch):

    query = {**LINK, "seed": "12"}
    at = _open_link(query, "en")
    run = _run(at)
    bt = run.backtest
    assert bt is not None and bt.mean

    counts = _count_fits(monkeypatch)
    at.sidebar.radio(key="_w.lang").set_value("pt-BR").run()
    assert not at.exception, [e.value for e in at.exception]
    at.slider(key="forecast.show_last").set_value(60).run()
    assert not at.exception
    assert counts == {"fit": 0, "origin": 0}
    assert _run(at) is run and run.backtest is bt
    text, _ = __import__("ui.tables", fromlist=["verdict"]).verdict(bt.mean, "pt-BR", "LSTM")
    assert text in _visible(at), "the verdict is shown again, now in Portuguese"

    # another session opening the same link (a class following the teacher's link) refits nothing: the fit
    # and the backtest's origins are seeded, so both are shared by the server's sessions
    other = _open_link(query, "en")
    assert counts == {"fit": 0, "origin": 0}
    assert _run(other).forecaster is run.forecaster
    assert _run(other).backtest.mean == bt.mean


def test_a_class_opening_one_link_at_once_queues_behind_a_single_fit(monkeypatch):
    """Three sessions open the same link while the only training slot is taken: they all wait their turn, the
    first fits, the others find its result once they hold the slot (one fit, one set of origins in all)."""
    import threading

    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    from ui import workers

    # CPython 3.11.7's parser is not thread-safe ("AST constructor recursion depth mismatch" when threads parse
    # at once, fixed in later 3.11/3.12 releases); each AppTest compiles the page itself, so compile one at a time
    compiling = threading.Lock()
    real_get = ScriptCache.get_bytecode

    def one_at_a_time(self, script_path):
        with compiling:
            return real_get(self, script_path)

    monkeypatch.setattr(ScriptCache, "get_bytecode", one_at_a_time)
    slots = workers.TrainingSlots(1)
    monkeypatch.setattr(workers, "SLOTS", slots)
    counts = _count_fits(monkeypatch)
    assert slots.acquire("teacher", threading.Event())
    query = {**LINK, "seed": "21"}
    # AppTest is not thread-safe while it starts a session (a widget's format_func can be registered in another
    # session's state), so the three open the app one after the other; only the Forecast page runs at once
    sessions = [_new_session(query, "pt-BR") for _ in range(3)]
    threads = [threading.Thread(target=lambda at=at: at.switch_page(PAGE).run()) for at in sessions]
    for th in threads:
        th.start()
    deadline = time.monotonic() + 30
    while len(slots._queue) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(slots._queue) == 3, "all three sessions wait for the slot"
    slots.release("teacher")
    for th in threads:
        th.join(120)
    assert not any(th.is_alive() for th in threads) and counts["fit"] == 1, counts
    assert not any(at.exception for at in sessions), [e.value for at in sessions for e in at.exception]
    first = _run(sessions[0])
    assert all(_run(s).forecaster is first.forecaster for s in sessions)
    assert counts["origin"] == first.backtest.origins
    assert all(_run(s).backtest.mean == first.backtest.mean for s in sessions)
