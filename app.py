"""LSTM Lab entry point: page config, language and classroom mode, sidebar status, and the navigation.

Run with ``streamlit run app.py``. This script only wires things together; each page is a thin script in
``views/`` and the shared pieces live in ``ui/``.
"""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from ui import state, widgets, workers
from ui.i18n import t


class NavItem(NamedTuple):
    """One page in the navigation: section key, script, title key, Material icon, URL path, Home blurb key."""

    section: str  # catalog key of the section header ("nav.start", "nav.learn", "nav.forecast")
    path: str  # page script, relative to this file
    title_key: str  # catalog key of the page title
    icon: str  # ":material/<name>:"
    url_path: str  # stable URL segment (not translated, so links work in every language)
    blurb_key: str  # catalog key of the one-line description Home shows next to the link


# The pages, in menu order. To add a page, add ONE line in its section (keep the sections' order).
# Only list pages whose script exists: no placeholders.
# The scripts live in views/, not pages/: a folder named pages/ beside this file puts a fresh server's first
# session in Streamlit's old pages-folder mode, where a shared deep link showed "Page not found"
# (tests/e2e/test_deep_link.py opens a deep link as a fresh server's very first request).
PAGES: tuple[NavItem, ...] = (
    # --- Start ---
    NavItem("nav.start", "views/home.py", "nav.home", ":material/home:", "welcome", "home.blurb.home"),
    NavItem("nav.start", "views/data.py", "nav.data", ":material/table_chart:", "choose-data", "home.blurb.data"),
    # --- Learn --- (train, gates, cell, clamp, vanishing, replay, lesson go here)
    NavItem("nav.learn", "views/train.py", "nav.train", ":material/model_training:", "train-network", "home.blurb.train"),
    NavItem("nav.learn", "views/gates.py", "nav.gates", ":material/grid_on:", "watch-gates", "home.blurb.gates"),
    NavItem("nav.learn", "views/cell.py", "nav.cell", ":material/memory:", "inside-the-cell", "home.blurb.cell"),
    NavItem("nav.learn", "views/clamp.py", "nav.clamp", ":material/lock:", "what-if-clamp", "home.blurb.clamp"),
    NavItem("nav.learn", "views/vanishing.py", "nav.vanishing", ":material/trending_down:", "vanishing-gradients", "home.blurb.vanishing"),
    NavItem("nav.learn", "views/replay.py", "nav.replay", ":material/replay:", "training-replay", "home.blurb.replay"),
    NavItem("nav.learn", "views/explore.py", "nav.explore", ":material/travel_explore:", "explore", "home.blurb.explore"),
    NavItem("nav.learn", "views/lesson.py", "nav.lesson", ":material/school:", "guided-lesson", "home.blurb.lesson"),
    NavItem("nav.learn", "views/glossary.py", "nav.glossary", ":material/menu_book:", "terms", "home.blurb.glossary"),
    # --- Forecast --- (compare, forecast go here)
    NavItem("nav.forecast", "views/compare.py", "nav.compare", ":material/compare_arrows:", "compare-cells", "home.blurb.compare"),
    NavItem("nav.forecast", "views/forecast.py", "nav.forecast_page", ":material/trending_up:", "forecast-series", "home.blurb.forecast"),
)

# An emoji favicon: a Material icon one (also the default from the pages' icons) is fetched from a font CDN,
# which fails offline with a console error; an emoji is drawn locally.
st.set_page_config(page_title="LSTM Lab", page_icon="🧠", layout="wide")
workers.warm()  # a training process ready before anyone presses Train (no-op once one is idle)

widgets.init_shell()  # language and classroom mode from the URL / browser on the first run
sections: dict[str, list] = {}
for item in PAGES:
    page = st.Page(item.path, title=t(item.title_key), icon=item.icon, url_path=item.url_path,
                   default=item.path == "views/home.py")
    sections.setdefault(t(item.section), []).append(page)
st.session_state[state.PAGES] = PAGES
current = st.navigation(sections, expanded=True)  # every page listed: Streamlit folds a menu of more than 12

widgets.language_and_classroom()
widgets.sync_query_params()  # after st.navigation: the menu clears the query string on a page switch
# The status is drawn after the page ran, so it shows what the page just loaded or trained; a page that ends early
# draws it in widgets.stop_page() (nothing drawn after st.stop() reaches the browser).
st.session_state[state.STATUS_SLOT] = [st.sidebar.container(), False]
widgets.run_page(current)  # the last resort: an uncaught error is a translated message, the session's data kept
widgets.draw_status()
