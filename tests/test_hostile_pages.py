"""The pages against hostile input (#18): links never run something other than what they say, user text never
becomes a live link or image, and no uncaught exception reaches the user.

- Links: an out-of-range or malformed value (``h=1e9``, ``hid=1024``, ``ep=1e9``, ``lr=1e308``, ``win=1e9``,
  ``gp_period=nan``, ``gp_length=inf``, ``gseed=-1``, the classroom link ``hid=1024&lay=8&ens=16&bi=1``) was
  quietly replaced by a widget's minimum, or crashed, or started a runaway job: now each gives a translated
  warning naming the parameter, the range and the default used, and nothing is fitted until the user asks.
- Markdown: a link's value, an uploaded file's name, a CSV column's name, a model file's config keys and a
  search query reach ``st.error``/``warning``/``info``/``success``/``caption``/``subheader``/``markdown``; the
  rendered values must hold no live link, image or HTML tag (``ui.markup``).
- Last resort: an error no page caught is a translated message (``ui.widgets.run_page``); the session's series
  and model stay, and Streamlit's st.stop / st.rerun still work through it.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

import budgets
from lstm_core.errors import CoreError
from lstm_core.io import load_arrays, save_arrays
from tests.conftest import open_app
from tests.test_page_forecast import _new_session
from tests.test_page_forecast_files import _file, _run_with
from ui import markup, state
from ui.i18n import translate

FORECAST = "views/forecast.py"
TIMEOUT = 120
PAYLOAD = ("[Session expired - click here](https://evil.example/login) ![t](http://127.0.0.1:9/track.png) "
           "<img src=x onerror=alert(1)>")
MARKERS = ("Session expired", "evil.example", "track.png", "onerror")  # the payload, however it was escaped
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash-escaped ASCII punctuation character: shown as itself


def live_markup(text: str) -> list[str]:
    """The link, image or HTML syntax still live in Markdown ``text`` (escaped characters are only text)."""
    bare = _ESCAPED.sub("", text)
    return [s for s in ("](", "<img", "<a ", "http://", "https://", "www.evil", "@evil") if s in bare]


def test_the_checker_sees_live_syntax_and_only_that():
    assert live_markup(PAYLOAD) == ["](", "<img", "http://", "https://"]
    assert live_markup(markup.escape(PAYLOAD)) == []
    assert live_markup(markup.escape("see www.evil.example or me@evil.example")) == []
    assert markup.escape("nile.csv") == "nile.csv" and markup.escape("no_such_series") == "no_such_series"


def _payload_elements(at: AppTest) -> list[str]:
    """Every Markdown-capable value of the last run (main area and sidebar) that holds some of the payload."""
    values = [str(e.value) for kind in TEXT_KINDS for e in at.get(kind)]
    values += [str(getattr(e, "label", "")) for kind in ("radio", "selectbox", "toggle", "button", "number_input",
                                                        "text_input", "file_uploader") for e in at.get(kind)]
    return [v for v in values if any(m in v for m in MARKERS)]


def _assert_inert(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    shown = _payload_elements(at)
    assert shown, "the hostile text reached the page (else this test checks nothing)"
    for value in shown:
        assert not live_markup(value), value


def _forecast_link(query: dict, lang: str = "en", classroom: bool = False) -> AppTest:
    at = _new_session(query, lang, classroom)
    at.switch_page(FORECAST).run()
    return at


@pytest.fixture
def fits(monkeypatch) -> list:
    """Every fit the Forecast page starts (none runs: a link that says something else must not start one)."""
    from ui import workers

    started: list = []

    def fit(values, cfg, **kwargs):
        started.append(cfg)
        raise CoreError("errors.engine.not_fitted")

    monkeypatch.setattr(workers, "fit", fit)
    return started


# --- links never run something other than what they say -------------------------------------------------------
def _slider(name: str) -> tuple[str, str]:
    """The range of the sine generator's slider ``name``, as the message writes it."""
    from datasets import synthetic

    spec = next(p for p in synthetic.GENERATORS["sine"].params if p.name == name)
    cast = int if spec.kind == "int" else float
    return f"{cast(spec.min):g}", f"{cast(spec.max):g}"


NILE = {"src": "bundled", "ds": "nile_yearly"}  # 100 yearly points: horizon up to 50, window up to 100
BAD_LINKS = [
    ({**NILE, "h": "1e9"}, "h", "1", "50"),
    ({**NILE, "hid": "1024"}, "hid", "1", "256"),
    ({**NILE, "ep": "1e9"}, "ep", "1", str(budgets.EPOCHS)),
    ({**NILE, "lr": "1e308"}, "lr", "1e-05", "1"),
    ({**NILE, "win": "1e9"}, "win", "2", "100"),
    ({**NILE, "ens": "many"}, "ens", "1", "8"),
    ({"src": "synthetic", "gen": "sine", "gp_period": "nan"}, "gp_period", *_slider("period")),
    ({"src": "synthetic", "gen": "sine", "gp_length": "inf"}, "gp_length", *_slider("length")),
    ({"src": "synthetic", "gen": "sine", "gseed": "-1"}, "gseed", "0", str(budgets.SEED)),
]


@pytest.mark.parametrize("query,param,low,high", BAD_LINKS, ids=[b[1] for b in BAD_LINKS])
def test_a_bad_link_value_is_said_with_its_range_and_nothing_runs(fits, query, param, low, high):
    at = _forecast_link(query)
    assert not at.exception, [e.value for e in at.exception]
    said = [w.value for w in at.warning if f"“{param}”" in w.value]
    assert len(said) == 1, [w.value for w in at.warning]
    assert f"{low} to {high}" in said[0], said[0]
    assert "(" in said[0].split("default")[-1], said[0]  # the page's default, in parentheses
    assert fits == [] and state.FORECAST_RUN not in at.session_state, "nothing is fitted on page load"
    at.button(key="forecast.run_btn").click().run()  # the user's own press runs what the page shows
    assert not at.exception and len(fits) == 1
    cfg = fits[0]
    assert cfg.hidden_size <= 256 and cfg.epochs <= budgets.EPOCHS and cfg.window <= 100 and cfg.horizon <= 100


def test_a_good_link_still_runs_at_once(fits):
    _forecast_link({**NILE, "hid": "8", "ep": "3", "h": "5"})
    assert len(fits) == 1 and (fits[0].hidden_size, fits[0].epochs, fits[0].horizon) == (8, 3, 5)


def test_the_classroom_link_that_started_a_runaway_job_is_said_in_portuguese(fits):
    at = _forecast_link({**NILE, "hid": "1024", "lay": "8", "ens": "16", "bi": "1"}, "pt-BR", classroom=True)
    assert not at.exception
    said = " ".join(w.value for w in at.warning)
    for param, high in (("hid", 256), ("lay", 4), ("ens", 8)):
        assert f"“{param}”" in said and f"a {high}." in said, said
    assert "O padrão da página" in said and fits == []
    for name, high in (("hidden_size", 256), ("num_layers", 4), ("ensemble", 8)):
        assert at.session_state[state.forecast_setting_key(name)] <= high  # what a press would run: the defaults


def test_the_strict_reading_still_raises_for_scripts():
    from datasets import DataError
    from ui import run_link

    with pytest.raises(DataError):
        run_link.decode_run({"src": "synthetic", "gen": "sine", "gp_period": "nan"})
    with pytest.raises(CoreError):
        run_link.decode_run({**NILE, "h": "1e9"})


# --- user text never becomes a link or an image ----------------------------------------------------------------
@pytest.mark.parametrize("query", [{"src": "bundled", "ds": PAYLOAD}, {"src": "synthetic", "gen": PAYLOAD},
                                   {**NILE, "hid": PAYLOAD}, {**NILE, "cell": PAYLOAD}],
                         ids=["ds", "gen", "hid", "cell"])
def test_link_values_are_shown_inert(fits, query):
    _assert_inert(_forecast_link(query))


GOOD_CSV = "date,value\n" + "".join(f"2020-{m:02d}-01,{10 + m}\n" for m in range(1, 13)) + \
           "".join(f"2021-{m:02d}-01,{20 + m}\n" for m in range(1, 13))


def _data_upload(name: str, data: bytes, lang: str = "en") -> AppTest:
    at = open_app(lang, page="views/data.py")
    at.radio(key=state.DATA_SOURCE).set_value("upload").run()
    at.file_uploader(key=state.DATA_UPLOAD).upload(name, data, "text/csv").run()
    return at


def test_an_uploaded_file_name_is_shown_inert_on_every_page():
    at = _data_upload(PAYLOAD + ".csv", GOOD_CSV.encode())
    assert at.session_state[state.SERIES].name == PAYLOAD + ".csv"
    _assert_inert(at)  # the Data page's caption and subheader, the sidebar's status
    for page in ("views/train.py", "views/compare.py", FORECAST):
        at.switch_page(page).run()
        _assert_inert(at)


def test_a_file_dropped_on_the_forecast_page_is_shown_inert(fits):
    at = open_app("en", page=FORECAST, timeout=TIMEOUT)
    _run_with(at, {state.FORECAST_DROP: _file(PAYLOAD + ".csv", GOOD_CSV.encode(), "evil-1")})
    _assert_inert(at)


def test_column_names_in_errors_and_warnings_are_shown_inert():
    missing = f"date,{PAYLOAD}\n" + "".join(f"2020-{m:02d}-01,NA\n" for m in range(1, 13))
    at = _data_upload("missing.csv", missing.encode())
    assert at.error
    _assert_inert(at)
    old_years = f"{PAYLOAD},value\n" + "".join(f"{1600 + i},{i % 5}\n" for i in range(30))  # a calendar warning
    at = _data_upload("old.csv", old_years.encode(), "pt-BR")
    assert any("1678" in w.value for w in at.warning)
    _assert_inert(at)


def test_a_model_file_with_hostile_config_keys_is_shown_inert():
    from tests.test_page_forecast import _saved_model_bytes

    arrays, meta = load_arrays(_saved_model_bytes())
    meta["config"][PAYLOAD] = 1
    out = io.BytesIO()
    save_arrays(out, arrays, meta)
    at = open_app("en", page=FORECAST, timeout=TIMEOUT)
    _run_with(at, {state.FORECAST_UPLOAD: _file("model.npz", out.getvalue(), "evil-model")})
    assert at.error
    _assert_inert(at)


def test_a_glossary_search_is_shown_inert():
    at = open_app("en", page="views/glossary.py")
    at.text_input(key=state.GLOSSARY_QUERY).input(PAYLOAD).run()
    _assert_inert(at)


def test_a_figure_gets_the_file_name_html_escaped():
    at = _data_upload("<a href='https://evil.example'>x</a>.csv", GOOD_CSV.encode())
    fig = at.get("plotly_chart")[0].proto.spec
    assert "<a href" not in fig and "&lt;a href" in fig


# --- the last resort -----------------------------------------------------------------------------------------------
def test_an_uncaught_error_is_a_translated_message_and_the_session_keeps_its_data(monkeypatch):
    at = open_app("pt-BR", page="views/data.py")
    series = at.session_state[state.SERIES]

    def broken(*a, **kw):
        raise RuntimeError("internal detail that must not be shown")

    monkeypatch.setattr("ui.widgets.show_figure", broken)  # a bug in the middle of the Data page
    at.run()
    assert not at.exception, [e.value for e in at.exception]  # before: Streamlit's English error box
    assert translate("pt-BR", "errors.unexpected", detail="RuntimeError") in [e.value for e in at.error]
    assert "internal detail" not in " ".join(e.value for e in at.error)
    assert at.session_state[state.SERIES] is series
    assert len(at.sidebar.caption) >= 2  # the sidebar status is still drawn after the failed page
    monkeypatch.undo()
    at.run()
    assert not at.exception and not at.error and at.session_state[state.SERIES] is series


def test_streamlit_control_flow_is_not_caught_by_the_last_resort():
    from streamlit.errors import FragmentHandledException
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    for control in (StopException, RerunException):  # BaseException: ``except Exception`` lets them through
        assert not issubclass(control, Exception)
    assert issubclass(FragmentHandledException, Exception)  # re-raised by name in ui.widgets.run_page
    at = open_app("en", page="views/train.py")  # pages that end with widgets.stop_page() (st.stop) still do
    assert not at.error and translate("en", "train.none_yet") in [i.value for i in at.info]


# --- model files and calendars on the Forecast page -----------------------------------------------------------------
def test_a_model_file_over_the_budget_names_the_limit():
    from tests.test_hostile_input import _config, _npy_header
    from ui import forecasting

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("__config__.npy", _config())
        zf.writestr("weight_ih_l0.npy", _npy_header((10**6, 10**6)) + b"\0" * 64)  # 7 TiB declared
    with pytest.raises(CoreError) as err:
        forecasting.from_upload(buf.getvalue(), state.bundled_series("nile_yearly"))
    assert err.value.key == "errors.core.model_file_too_big"
    for lang in ("en", "pt-BR"):
        assert str(budgets.MODEL_FILE_BYTES // 2**20) in translate(lang, err.value.key, **err.value.params)


def test_a_calendar_past_what_pandas_holds_falls_back_to_steps_with_a_message(monkeypatch):
    import pandas as pd
    from pandas.errors import OutOfBoundsDatetime

    import datasets
    from ui import forecasting

    def overflow(index, horizon, freq=None):
        raise OutOfBoundsDatetime("Out of bounds nanosecond timestamp: 2262-05-01")

    monkeypatch.setattr(datasets, "future_index", overflow)
    loaded = state.bundled_series("nile_yearly")
    future, problem = forecasting.future_index(loaded, 4)
    assert isinstance(future, pd.RangeIndex) and list(future) == [loaded.n + k for k in range(4)]
    assert problem.key == "errors.data.calendar_overflow" and problem.params["max"] == budgets.LAST_YEAR
