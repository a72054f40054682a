"""A run's compressed variants, wherever a run is shown (Compress, History, Compare): their measured numbers and
their files (safetensors; ONNX exported on request and checked with onnxruntime)."""
import pandas as pd
import streamlit as st

from kdlab.compress.config import CompressRequest
from kdlab.compress.record import model_file
from ui.common import runner, tr

COLUMNS = ("accuracy_pct", "agreement_pct", "size_kib", "params", "nonzero", "mflops", "latency_1", "latency_64",
           "notes")


def variants_table(rows: list[dict], page: str) -> None:
    """A run's measured models (``RunStore.variants``): accuracy, size, FLOPs and CPU latency of each."""
    st.subheader(tr("compress.table_title"))
    table = pd.DataFrame([{
        "accuracy_pct": 100 * r["accuracy"], "agreement_pct": 100 * r["agreement"], "size_kib": r["bytes"] / 1024,
        "params": r["params"], "nonzero": r["nonzero_params"], "mflops": r["flops"] / 1e6,
        "latency_1": r["latency_ms_batch1"], "latency_64": r["latency_ms_batch64"], "notes": "; ".join(r["notes"]),
    } for r in rows], index=[r["name"] for r in rows])
    st.dataframe(table.rename(columns={c: tr(f"compress.col.{c}") for c in COLUMNS}), key=f"{page}_variants_table")
    st.caption(tr("compress.threads", repeats=rows[0].get("repeats", CompressRequest.repeats),
                  threads=rows[0]["threads"]))


@st.cache_data(max_entries=16, ttl=300, show_spinner=False)
def exported(run_id: str, name: str, what: str) -> tuple[bytes, str]:
    return model_file(runner().store, run_id, what, name)


def variant_downloads(run_id: str, rows: list[dict], page: str) -> None:
    """The run's students and every stored variant as safetensors, and as ONNX checked by onnxruntime against
    PyTorch (exported when asked: it takes a second or two)."""
    st.subheader(tr("compress.downloads"))
    stored = list(runner().store.weights(run_id))
    names = list(dict.fromkeys([*stored, *(r["name"] for r in rows if r["role"] != "teacher")]))
    name = st.selectbox(tr("compress.download_model"), names, key=f"{page}_download_model")
    stem = f"kdlab-{run_id}-{name.replace('/', '-')}"
    left, right = st.columns(2)
    left.download_button(tr("compress.download_safetensors"), exported(run_id, name, "safetensors")[0],
                         file_name=f"{stem}.safetensors", mime="application/octet-stream", on_click="ignore",
                         key=f"{page}_download_safetensors")
    if right.button(tr("compress.prepare_onnx"), key=f"{page}_prepare_onnx"):
        st.session_state[f"{page}_onnx"] = (run_id, name)
    if st.session_state.get(f"{page}_onnx") == (run_id, name):
        try:
            data, about = exported(run_id, name, "onnx")
        except ValueError as err:
            right.warning(tr("compress.onnx_failed", message=str(err)))
        else:
            right.caption(tr("compress.onnx_checked", message=about))
            right.download_button(tr("compress.download_onnx"), data, file_name=f"{stem}.onnx",
                                  mime="application/octet-stream", on_click="ignore", key=f"{page}_download_onnx")
