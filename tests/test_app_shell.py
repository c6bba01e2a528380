"""The shell: language from URL / browser / sidebar, kept in the URL across pages; classroom mode; navigation."""


import pytest

from tests.conftest import assert_no_missing_keys, open_app, page_titles, visible_text
from ui import state
from ui.i18n import translate

NAV_KEYS = ("nav.home", "nav.data", "nav.glossary")


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_home_and_navigation_in_each_language(lang):
    at = open_app(lang)
    assert at.session_state[state.LANG] == lang
    titles = page_titles(at)
    for key in NAV_KEYS:
        assert translate(lang, key) in titles
    assert at.title[0].value == "LSTM Lab"
    assert translate(lang, "home.how_title") in [s.value for s in at.subheader]
    links = [link.value for link in at.get("page_link")]
    assert translate(lang, "nav.data") in links and translate(lang, "nav.glossary") in links
    assert_no_missing_keys(at)


def test_language_follows_browser_locale_without_url():
    at = open_app(None, locale="pt-BR")
    assert at.session_state[state.LANG] == "pt-BR"
    assert at.query_params["lang"] == "pt-BR"  # written back so that a reload keeps it
    at = open_app(None, locale="de-DE")
    assert at.session_state[state.LANG] == "en"


def test_url_wins_over_browser_locale():
    at = open_app("en", locale="pt-BR")
    assert at.session_state[state.LANG] == "en"
    assert translate("en", "nav.data") in page_titles(at)


def test_language_and_classroom_survive_page_switches():
    at = open_app("pt-BR", classroom=True)
    for page in ("views/glossary.py", "views/data.py", "views/home.py"):
        at.query_params.clear()  # the navigation menu clears the query string on a switch
        at.switch_page(page).run()
        assert not at.exception
        assert at.query_params.get("lang") == "pt-BR"
        assert at.query_params.get("classroom") == "1"
        assert at.session_state[state.CLASSROOM] is True


def test_sidebar_language_switch_translates_everything():
    at = open_app("en")
    at.sidebar.radio[0].set_value("pt-BR").run()
    assert not at.exception
    assert at.session_state[state.LANG] == "pt-BR"
    assert at.query_params["lang"] == "pt-BR"
    assert translate("pt-BR", "nav.glossary") in page_titles(at)
    assert translate("pt-BR", "home.how_title") in visible_text(at)


def test_classroom_mode_from_url_and_toggle():
    at = open_app("en", classroom=True)
    assert at.session_state[state.CLASSROOM] is True
    assert any("classroom mode" in m.value for m in at.markdown)  # the CSS block
    at.sidebar.toggle[0].set_value(False).run()
    assert at.session_state[state.CLASSROOM] is False
    assert "classroom" not in at.query_params
    assert not any("classroom mode" in m.value for m in at.markdown)
    at.sidebar.toggle[0].set_value(True).run()
    assert at.query_params.get("classroom") == "1"


def test_sidebar_status_shows_data_and_model():
    at = open_app("en")
    side = "\n".join(m.value for m in at.sidebar.caption)
    loaded = at.session_state[state.SERIES]
    assert f"({loaded.n} points)" in side
    assert translate("en", "sidebar.no_model") in side


def test_every_page_runs_inside_the_shell():
    """Each registered page runs through app.py: the sidebar (language, classroom mode) is there on every page."""
    at = open_app("en")
    items = at.session_state[state.PAGES]
    assert len(items) >= 3
    for item in items:
        at.switch_page(item.path).run()
        assert not at.exception, (item.path, [e.value for e in at.exception])
        assert len(at.sidebar.radio) == 1 and len(at.sidebar.toggle) == 1, item.path
        # the 'now loaded' status, also on pages that end early (widgets.stop_page)
        assert translate("en", "sidebar.status") in " ".join(str(m.value) for m in at.sidebar.markdown), item.path
        assert_no_missing_keys(at)


def test_sidebar_reports_a_trained_model_and_when_it_is_stale():
    from types import SimpleNamespace

    at = open_app("pt-BR")
    loaded = at.session_state[state.SERIES]
    cfg = SimpleNamespace(cell="gru", hidden_size=16)
    at.session_state[state.MODEL] = state.TrainedModel(forecaster=None, history=None, config=cfg, data_key=loaded.key)
    at.run()
    side = "\n".join(m.value for m in at.sidebar.caption)
    assert translate("pt-BR", "sidebar.model", cell="GRU", hidden=16) in side
    at.session_state[state.MODEL] = state.TrainedModel(forecaster=None, history=None, config=cfg, data_key="other")
    at.run()
    assert translate("pt-BR", "sidebar.model_stale") in "\n".join(m.value for m in at.sidebar.caption)
