"""kdlab's entry point: navigation, the shared sidebar, and the home page (what KD is, the loss, a quick demo)."""
from dataclasses import replace

import streamlit as st

from kdlab import RunConfig
from kdlab.lessons import QUICK_DEMO, lesson
from kdlab.runs.store import StoreUnavailable
from kdlab.viz import numbers
from ui import class_views
from ui.common import error_text, latest_run, sidebar, store_problem, submit, tr
from ui.lesson_views import DEMO_SEED_KEY, draw_demo_seed, quick_demo_note
from ui.live import is_active, live_run, loss_formula

st.set_page_config(page_title="kdlab", page_icon=":material/science:", layout="wide")


def home() -> None:
    st.title(tr("app.title"))
    st.markdown(tr("home.intro"))
    st.markdown(tr("home.formula"))
    st.latex(loss_formula(st.session_state.get("distill_config", RunConfig())))
    busy = is_active(latest_run())
    demo = lesson(QUICK_DEMO).config
    if st.button(tr("home.quick_demo", teacher=demo.teacher, student=demo.student,
                    pct=numbers.weight(100 * demo.label_noise)), help=tr("home.quick_demo_help"), type="primary",
                 key="home_demo", disabled=busy or bool(store_problem())):
        seed = draw_demo_seed()
        try:
            submit(replace(demo, seed=seed), source="demo")
        except ValueError as err:
            st.error(tr("common.error", message=error_text(err)))
        else:
            st.session_state[DEMO_SEED_KEY] = seed
            st.rerun()  # drawn again from the top, so the button is disabled while the demo trains
    quick_demo_note()
    if latest_run():
        live_run(latest_run(), seen_active=busy)


pages = [
    st.Page(home, title=tr("nav.home"), icon=":material/home:", default=True, url_path="home"),
    st.Page("app_pages/temperature.py", title=tr("nav.temperature"), icon=":material/thermostat:",
            url_path="temperature"),
    st.Page("app_pages/distill.py", title=tr("nav.distill"), icon=":material/science:", url_path="distill"),
    st.Page("app_pages/methods.py", title=tr("nav.methods"), icon=":material/leaderboard:", url_path="methods"),
    st.Page("app_pages/attention.py", title=tr("nav.attention"), icon=":material/visibility:", url_path="attention"),
    st.Page("app_pages/language.py", title=tr("nav.language"), icon=":material/notes:", url_path="language"),
    st.Page("app_pages/compare.py", title=tr("nav.compare"), icon=":material/balance:", url_path="compare"),
    st.Page("app_pages/compress.py", title=tr("nav.compress"), icon=":material/compress:", url_path="compress"),
    st.Page("app_pages/lessons.py", title=tr("nav.lessons"), icon=":material/school:", url_path="lessons"),
    st.Page("app_pages/history.py", title=tr("nav.history"), icon=":material/history:", url_path="history"),
    st.Page("app_pages/sweep.py", title=tr("nav.sweep"), icon=":material/grid_on:", url_path="sweep"),
]
if class_views.instructor_key():  # listed only on a server with an instructor key
    pages.append(st.Page("app_pages/instructor.py", title=tr("nav.instructor"), icon=":material/co_present:",
                         url_path="instructor"))
navigation = st.navigation(pages)
sidebar()
if store_problem():  # one clear message; the pages that keep no run (home, Temperature) still work
    st.error(tr("common.store_broken", message=store_problem()))
try:
    navigation.run()
except StoreUnavailable:  # a page that needs the store stops here: the message above says why
    pass
