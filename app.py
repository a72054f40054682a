"""kdlab's entry point: navigation, the shared sidebar, and the home page (what KD is, the loss, a quick demo)."""
import streamlit as st

from kdlab import RunConfig
from ui.common import latest_run, sidebar, submit, tr
from ui.live import live_run, loss_formula

st.set_page_config(page_title="kdlab", page_icon=":material/science:", layout="wide")


def home() -> None:
    st.title(tr("app.title"))
    st.markdown(tr("home.intro"))
    st.markdown(tr("home.formula"))
    st.latex(loss_formula(st.session_state.get("distill_config", RunConfig())))
    if st.button(tr("home.quick_demo"), help=tr("home.quick_demo_help"), type="primary", key="home_demo"):
        submit(RunConfig())
    if latest_run():
        live_run(latest_run())


pages = [
    st.Page(home, title=tr("nav.home"), icon=":material/home:", default=True, url_path="home"),
    st.Page("app_pages/temperature.py", title=tr("nav.temperature"), icon=":material/thermostat:",
            url_path="temperature"),
    st.Page("app_pages/distill.py", title=tr("nav.distill"), icon=":material/science:", url_path="distill"),
    st.Page("app_pages/attention.py", title=tr("nav.attention"), icon=":material/visibility:", url_path="attention"),
    st.Page("app_pages/compare.py", title=tr("nav.compare"), icon=":material/balance:", url_path="compare"),
    st.Page("app_pages/lessons.py", title=tr("nav.lessons"), icon=":material/school:", url_path="lessons"),
    st.Page("app_pages/history.py", title=tr("nav.history"), icon=":material/history:", url_path="history"),
]
navigation = st.navigation(pages)
sidebar()
navigation.run()
