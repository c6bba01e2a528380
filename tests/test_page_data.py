"""Data page: bundled default, another series, synthetic (parameter, new seed), uploads, overrides, bad upload."""

import numpy as np
import pytest

from tests.conftest import assert_no_missing_keys, open_app
from ui import state, teaching
from ui.i18n import translate

PAGE = "views/data.py"
GOOD_CSV = "date,sales,price\n" + "".join(
    f"2020-{m:02d}-01,{100 + 10 * m},{m / 2}\n" for m in range(1, 13)
) + "".join(f"2021-{m:02d}-01,{200 + 10 * m},{m}\n" for m in range(1, 13))
SEMICOLON_CSV = "data;valor\n" + "".join(f"{d:02d}/03/2024;{d},5\n" for d in range(1, 29))


def _loaded(at) -> state.LoadedSeries:
    return at.session_state[state.SERIES]


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_teaching_series_is_the_default_and_says_why(lang):
    at = open_app(lang, page=PAGE)
    loaded = _loaded(at)
    assert loaded.source == "synthetic" and loaded.ref["generator"] == teaching.GENERATOR
    assert teaching.is_default(loaded.ref, loaded.source)
    assert at.radio(key=state.DATA_SOURCE).value == "synthetic"
    assert at.selectbox(key=state.DATA_SYNTH).value == teaching.GENERATOR
    assert translate(lang, "data.teaching_note") in [i.value for i in at.info]
    at.radio(key=state.DATA_SOURCE).set_value("bundled").run()
    assert translate(lang, "data.teaching_note") not in [i.value for i in at.info]
    assert_no_missing_keys(at)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_bundled_series_with_split_and_stats(lang):
    at = open_app(lang, page=PAGE)
    at.radio(key=state.DATA_SOURCE).set_value("bundled").run()
    loaded = _loaded(at)
    assert loaded.source == "bundled" and loaded.frequency == "MS" and loaded.season_length == 12
    assert len(at.get("plotly_chart")) == 1
    split_caption = [c.value for c in at.caption if c.value.startswith(translate(lang, "data.split")[:12])]
    assert split_caption, [c.value for c in at.caption]
    stats = {m.label: m.value for m in at.metric}
    assert translate(lang, "data.stat.mean") in stats
    assert stats[translate(lang, "data.stat.n")].replace(".", "").replace(",", "") == str(loaded.n)
    assert stats[translate(lang, "data.stat.frequency")] == translate(lang, "data.freq.MS")
    mean = float(stats[translate(lang, "data.stat.mean")].replace(".", "").replace(",", ".")) if lang == "pt-BR" \
        else float(stats[translate(lang, "data.stat.mean")].replace(",", ""))
    assert mean == pytest.approx(loaded.series.mean(), abs=1e-3)
    assert_no_missing_keys(at)


def test_switch_bundled_series():
    at = open_app("en", page=PAGE)
    at.radio(key=state.DATA_SOURCE).set_value("bundled").run()
    first = _loaded(at).ref["id"]
    other = next(o for o in at.selectbox(key=state.DATA_BUNDLED).options if o)
    ids = [i for i in __import__("datasets").catalog()]
    target = next(i.id for i in ids if i.id != first and i.frequency == "QS")
    at.selectbox(key=state.DATA_BUNDLED).set_value(target).run()
    assert not at.exception
    assert _loaded(at).ref == {"id": target} and _loaded(at).season_length == 4
    assert other  # the options are shown with names


def test_synthetic_parameter_and_new_seed():
    at = open_app("en", page=PAGE)
    at.radio(key=state.DATA_SOURCE).set_value("synthetic").run()
    assert not at.exception
    first = _loaded(at)
    assert first.source == "synthetic" and first.ref["seed"] == 0
    gen = first.ref["generator"]
    assert at.info, "the 'what to watch for' text is shown"
    at.slider(key=state.synth_param_key(gen, "length")).set_value(600).run()
    second = _loaded(at)
    assert second.n == 600 and second.ref["params"]["length"] == 600
    at.button(key="data.new_seed_btn").click().run()
    third = _loaded(at)
    assert third.ref["seed"] != 0 and third.n == 600
    assert not np.allclose(third.series.to_numpy(), second.series.to_numpy())
    # the choice survives a trip to another page and back
    at.switch_page("views/glossary.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert _loaded(at).ref == third.ref
    assert at.radio(key=state.DATA_SOURCE).value == "synthetic"


def _upload(at, name: str, data: bytes):
    at.radio(key=state.DATA_SOURCE).set_value("upload").run()
    at.file_uploader(key=state.DATA_UPLOAD).upload(name, data, "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]


def test_good_upload_then_override_value_column():
    at = open_app("en", page=PAGE)
    _upload(at, "shop.csv", GOOD_CSV.encode())
    loaded = _loaded(at)
    assert loaded.source == "upload" and loaded.n == 24 and loaded.frequency == "MS"
    assert loaded.series.iloc[0] == 110
    assert not at.error
    detected_table = at.dataframe[0].value
    assert "sales" in list(detected_table.iloc[:, 1])
    at.selectbox(key=state.read_opt_key("value_column")).set_value("price").run()
    assert not at.exception
    assert _loaded(at).series.iloc[0] == 0.5
    assert _loaded(at).ref["options"] == {"value_column": "price"}


def test_semicolon_decimal_comma_upload_with_overrides():
    at = open_app("pt-BR", page=PAGE)
    _upload(at, "diario.csv", SEMICOLON_CSV.encode("cp1252"))
    loaded = _loaded(at)
    assert loaded.n == 28 and loaded.series.iloc[0] == 1.5 and loaded.frequency == "D"
    # forcing the comma as delimiter reads the file differently (the decimal part becomes its own column)
    at.selectbox(key=state.read_opt_key("delimiter")).set_value(",").run()
    assert not at.exception and not at.error
    assert _loaded(at).ref["options"] == {"delimiter": ","}
    assert _loaded(at).series.iloc[0] == 5.0
    at.selectbox(key=state.read_opt_key("delimiter")).set_value("__auto__").run()
    assert _loaded(at).series.iloc[0] == 1.5
    # an impossible choice is reported in Portuguese and the data read before stays
    before = _loaded(at)
    at.selectbox(key=state.read_opt_key("date_column")).set_value("valor").run()
    assert not at.exception
    exc = at.session_state[state.DATA_UPLOAD_ERROR]
    assert exc.key.startswith("errors.data.")
    assert at.error and at.error[0].value == translate("pt-BR", exc.key, **exc.params)
    assert _loaded(at).key == before.key
    at.selectbox(key=state.read_opt_key("date_column")).set_value("__auto__").run()
    assert not at.error and _loaded(at).series.iloc[0] == 1.5


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
@pytest.mark.parametrize(("data", "key"), [(b"", "errors.data.empty_file"), (b"date,value\n", None)])
def test_bad_upload_shows_translated_error_and_keeps_previous(lang, data, key):
    at = open_app(lang, page=PAGE)
    before = _loaded(at)
    _upload(at, "bad.csv", data)
    assert _loaded(at).key == before.key
    assert len(at.error) == 1
    if key:
        assert at.error[0].value == translate(lang, key)
    assert not at.error[0].value.startswith("⟦")
    assert translate(lang, "data.kept_previous") in [c.value for c in at.caption]


def test_classroom_mode_hides_read_overrides():
    at = open_app("en", classroom=True, page=PAGE)
    _upload(at, "shop.csv", GOOD_CSV.encode())
    assert _loaded(at).source == "upload"
    assert not [e for e in at.expander if e.label == translate("en", "data.override_title")]
    at = open_app("en", page=PAGE)
    _upload(at, "shop.csv", GOOD_CSV.encode())
    assert [e for e in at.expander if e.label == translate("en", "data.override_title")]


def test_back_to_your_file_restores_the_upload():
    at = open_app("en", page=PAGE)
    _upload(at, "shop.csv", GOOD_CSV.encode())
    uploaded = _loaded(at).key
    at.radio(key=state.DATA_SOURCE).set_value("bundled").run()
    assert _loaded(at).source == "bundled"
    at.radio(key=state.DATA_SOURCE).set_value("upload").run()
    assert not at.exception
    assert _loaded(at).source == "upload" and _loaded(at).key == uploaded


def test_glossary_link_next_to_the_split():
    at = open_app("pt-BR", page=PAGE)
    labels = [link.value for link in at.get("page_link")]
    term = translate("pt-BR", "glossary.terms.validation.name")
    assert translate("pt-BR", "glossary.see", term=term) in labels


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_upload_warnings_are_listed_and_counted(lang):
    csv = "date,v\n" + "".join(f"2020-{m:02d}-01,{'' if m == 5 else m}\n" for m in range(1, 13)) + "".join(
        f"2021-{m:02d}-01,{m}\n" for m in range(1, 13)
    )
    at = open_app(lang, page=PAGE)
    _upload(at, "gap.csv", csv.encode())
    assert _loaded(at).series.iloc[4] == 5.0
    assert [w.value for w in at.warning] == [translate(lang, "warnings.data.missing_interpolated", n=1)]
    stats = {m.label: m.value for m in at.metric}
    assert stats[translate(lang, "data.stat.filled")] == "1"
