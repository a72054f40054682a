"""Sweep: a grid or an Optuna search of settings x seeds on the server's training processes (or its Ray cluster);
the figure fills in as runs finish, its cells open on Compare, and the best settings fill the Distill form."""
import streamlit as st

from kdlab import RunConfig
from kdlab.runs.sweep_store import SweepRecords
from ui.common import error_text, runner, tr
from ui.sweep_views import chosen_sweep, follow_link, form_ui, launch, live, plural, ray_address, show

follow_link()
st.title(tr("sweep.title"))
st.markdown(tr("sweep.intro"))
base = st.session_state.get("distill_config", RunConfig())
st.caption(plural("sweep.base", base.epochs, dataset=base.dataset, teacher=base.teacher, student=base.student))
if ray_address():
    st.caption(tr("sweep.on_ray", address=ray_address()))
make_spec = form_ui(base)
if st.button(tr("sweep.launch"), type="primary", key="sweep_launch"):
    launch(make_spec)
chosen = chosen_sweep()
if not chosen:
    st.info(tr("sweep.empty"))
    st.stop()
try:
    record = SweepRecords(runner().store).get(chosen)
except ValueError as err:
    st.error(tr("common.error", message=error_text(err)))
    st.stop()
if record.status == "running" and record.driven():
    live(chosen)
else:
    show(chosen)
