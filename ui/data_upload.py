"""The Distill page's "your own data" box: a CSV, a zip of class folders or a UTF-8 text (a corpus for a language
model) becomes a dataset of this workspace, listed there and deletable by the browser that uploaded it."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kdlab import DATASETS, RunConfig
from kdlab.data.uploads import MODALITY_OF, PREFIX, Upload, check_size, delete_upload, import_upload, uploads_in
from kdlab.viz.numbers import nbytes
from ui.common import browser_key, error_text, runner, tr, workspace

SEEN_KEY = "distill_data_seen"  # session_state: (file id, the dataset it became or the message it got)
FORM_KEYS = ("distill_dataset", "distill_teacher", "distill_student")  # widgets that follow a new dataset


def _select(dataset: str) -> None:
    """Make ``dataset`` the form's dataset; the page is drawn again with it (and with models that read it)."""
    saved = st.session_state.get("distill_config", RunConfig())
    st.session_state["distill_config"] = replace(saved, dataset=dataset, exclude_classes=())
    for key in FORM_KEYS:
        st.session_state.pop(key, None)


def _kept_ui(uploads: list[Upload]) -> None:
    """This workspace's uploads, each with its source and size; a delete button on this browser's own."""
    if uploads:
        st.markdown(tr("distill.data_kept_header"))
    for upload in uploads:
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(tr("distill.data_kept", name=upload.name, source=upload.source, size=nbytes(upload.nbytes)))
        if upload.mine and right.button(tr("distill.data_delete"), key=f"distill_data_delete_{upload.name}"):
            try:
                delete_upload(upload.name, workspace(), browser_key())
            except ValueError as err:  # deleted a moment ago, from this browser's other tab
                st.error(tr("distill.data_not_deleted", message=error_text(err)))
                continue
            seen_id, seen = st.session_state.get(SEEN_KEY, (None, None))
            if seen == ("ok", upload.name):
                st.session_state[SEEN_KEY] = (seen_id, None)  # the file still in the box is not taken again
            if st.session_state.get("distill_config", RunConfig()).dataset == upload.name:
                _select(RunConfig().dataset)
            st.rerun()


def offered_datasets() -> list[str]:
    """What the dataset picker offers: the built-in datasets and this workspace's uploads (registered now), none
    of another workspace's, though every upload is registered in this server process once any session asks."""
    return [n for n in DATASETS.names() if not n.startswith(PREFIX)] + [u.name for u in uploads_in(workspace())]


def data_upload_ui() -> None:
    """Take a new upload and list this workspace's; a bad file gets one message, and nothing is written. A good
    one is selected in the form (the page is drawn again)."""
    limits = runner().settings.upload_limits
    with st.expander(tr("distill.data_header")):
        file = st.file_uploader(tr("distill.data_upload"), type=[kind.lstrip(".") for kind in MODALITY_OF],
                                key="distill_data_file",
                                help=tr("distill.data_help", mb=f"{limits.max_bytes / 2**20:g}"))
        _kept_ui(uploads_in(workspace(), browser_key()))
    seen_id, seen = st.session_state.get(SEEN_KEY, (None, None))
    if file is None or file.file_id == seen_id:
        if file is not None and seen and seen[0] == "error":
            st.error(seen[1])
        elif file is not None and seen:
            st.success(tr("distill.data_ready", name=seen[1]))
        return
    try:
        check_size(file.name, file.size, limits)  # refused before a byte is read
        file.seek(0)
        name = import_upload(file.name, file, limits, workspace(), browser_key())
    except ValueError as err:
        st.session_state[SEEN_KEY] = (file.file_id, ("error", tr("distill.data_invalid", message=error_text(err))))
        st.error(st.session_state[SEEN_KEY][1][1])
        return
    st.session_state[SEEN_KEY] = (file.file_id, ("ok", name))
    _select(name)
    st.rerun()
