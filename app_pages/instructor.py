"""Instructor: every run of the class live (student aliases, settings, status, verdict), Stop for any run, the
class's results as CSV, and a class sweep whose map the class fills in. Listed only on a server with an instructor
key, and shown only to a browser that typed it."""
import streamlit as st

from ui.class_views import (class_map_ui, class_sweeps, class_ui, csv_ui, instructor_key, sign_in_ui, signed_in,
                            sweep_form_ui)
from ui.common import tr, workspace

st.title(tr("instructor.title"))
if not instructor_key():
    st.info(tr("instructor.disabled"))
    st.stop()
if not signed_in() and not sign_in_ui():
    st.stop()
st.caption(tr("instructor.intro", workspace=workspace()))
st.subheader(tr("instructor.runs_title"))
class_ui()
csv_ui()
st.subheader(tr("instructor.sweep_title"))
sweeps = class_sweeps()
current = sweeps.current(workspace())
sweep_form_ui(sweeps, current)
if current is not None:
    class_map_ui(current.id)
