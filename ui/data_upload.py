"""The Distill page's "your own data" box: a CSV or a zip of class folders becomes a dataset of this server."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kdlab import RunConfig
from kdlab.data.uploads import import_upload, stored_uploads
from ui.common import plain, runner, tr

SEEN_KEY = "distill_data_seen"  # session_state: (file id, the dataset it became or the message it got)


def data_upload_ui() -> None:
    """Offer the stored uploads on the dataset picker and take a new one; a bad file gets one message, and
    nothing is written. A good one is selected in the form (the page is drawn again)."""
    stored_uploads()  # registered, so the dataset picker lists them
    limits = runner().settings.upload_limits
    with st.expander(tr("distill.data_header")):
        file = st.file_uploader(tr("distill.data_upload"), type=["csv", "zip"], key="distill_data_file",
                                help=tr("distill.data_help", mb=f"{limits.max_bytes / 2**20:g}"))
    seen_id, seen = st.session_state.get(SEEN_KEY, (None, None))
    if file is None or file.file_id == seen_id:
        if file is not None and seen and seen[0] == "error":
            st.error(seen[1])
        elif file is not None and seen:
            st.success(tr("distill.data_ready", name=plain(seen[1])))
        return
    try:
        if file.size > limits.max_bytes:  # refused before a byte is read
            raise ValueError(f"the file is {file.size / 2**20:.1f} MB; at most {limits.max_bytes / 2**20:g} MB "
                             "are allowed")
        name = import_upload(file.name, file.getvalue(), limits)
    except ValueError as err:
        st.session_state[SEEN_KEY] = (file.file_id, ("error", tr("distill.data_invalid", message=str(err))))
        st.error(st.session_state[SEEN_KEY][1][1])
        return
    st.session_state[SEEN_KEY] = (file.file_id, ("ok", name))
    saved = st.session_state.get("distill_config", RunConfig())
    st.session_state["distill_config"] = replace(saved, dataset=name, exclude_classes=())
    for key in ("distill_dataset", "distill_teacher", "distill_student"):
        st.session_state.pop(key, None)  # the form takes the new dataset and models that read it
    st.rerun()
