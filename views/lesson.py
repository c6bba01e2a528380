"""Guided lesson: a 20-minute class path through the app (what to click, what to look at, a question, the reveal).

Every step links to the page it uses (``st.page_link``, keeping language and classroom mode), and its reveal
sits in an expander so the teacher opens it after the room has answered. One step reads real numbers: the
gradient reaching the first step of the untrained networks (``ui.vanishing_runs.first_step_share``).
"""

from __future__ import annotations

import streamlit as st

from ui import state, traces, widgets
from ui import vanishing_runs as runs
from ui.i18n import current_lang, t
from ui.lesson_text import about_my_network
from ui.vanishing_text import lesson_reveal

# (step id, page script it uses, minutes); the texts are lesson.steps.<id>.{title,click,look,ask,reveal}
STEPS: tuple[tuple[str, str, int], ...] = (
    ("data", "views/data.py", 2),
    ("train", "views/train.py", 3),
    ("gates", "views/gates.py", 4),
    ("cell", "views/cell.py", 3),
    ("clamp", "views/clamp.py", 3),
    ("vanishing", "views/vanishing.py", 4),
    ("replay", "views/replay.py", 1),
)
LESSON_LAG = runs.DEFAULT_LAG  # the lag of the vanishing step (the Vanishing page's default)

lang = current_lang()
values = state.get_series().series.to_numpy(dtype=float)
registered = {item.path for item in st.session_state.get(state.PAGES, ())}
st.title(t("nav.lesson"))
st.markdown(t("lesson.intro", minutes=sum(m for _, _, m in STEPS)))
if not state.is_classroom():
    st.info(t("lesson.classroom_tip"), icon=":material/co_present:")

for n, (step, page, minutes) in enumerate(STEPS, start=1):
    key = f"lesson.steps.{step}"
    with st.container(border=True):
        st.subheader(t("lesson.step_title", n=n, title=t(f"{key}.title"), minutes=minutes))
        if page in registered:
            st.page_link(page, label=t("lesson.open", page=t(f"nav.{step}")), icon=":material/arrow_forward:",
                         query_params=widgets.page_params())
        else:
            st.caption(t("lesson.page_missing", page=t(f"nav.{step}")))
        st.markdown(f"**{t('lesson.click')}** {t(f'{key}.click')}")
        st.markdown(f"**{t('lesson.look')}** {t(f'{key}.look')}")
        st.markdown(f"**{t('lesson.ask')}** {t(f'{key}.ask')}")
        with st.expander(t("lesson.reveal")):
            if step == "vanishing":
                st.markdown(lesson_reveal(runs.first_step_share(LESSON_LAG), LESSON_LAG, lang))
            else:
                st.markdown(t(f"{key}.reveal"))
                model = state.get_model()
                for line in about_my_network(step, model, state.get_replay(), values, lang,
                                             gates_of=lambda m=model: traces.first_window_gates(m, state.get_series())):
                    st.markdown(line)

st.subheader(t("lesson.wrap_title"))
st.markdown(t("lesson.wrap"))
widgets.glossary_link("long_term_dependency")
st.page_link("views/glossary.py", label=t("lesson.glossary"), icon=":material/menu_book:",
             query_params=widgets.page_params())
