"""Compare: teacher, baseline and distilled student of the selected run, side by side — accuracy, mistakes,
agreement, calibration, cost, and on point data the decision boundaries (two features) or the predictions in the
data's principal plane (more). Past a few dozen classes the per-class views show the most confused ones."""
import pandas as pd
import streamlit as st

from kdlab.viz import figures
from kdlab.viz.data_views import is_plane, most_confused, principal_plane
from kdlab.measures import LATENCY_BATCH, batch_latencies, comparison_rows, confusion_matrix, decision_grid, reliability
from kdlab.viz.numbers import comparison_text
from ui.common import SELECTED_KEY, error_text, loaded, run_logits, runner, select_run, tr
from ui.run_picker import browser_runs, models_line, pick_run
from ui.variants import variants_table

ROLES = ("teacher", "baseline", "student")
FIGURE_LABELS = ("class", "accuracy_pct", "teacher", "baseline", "student", "per_class_title", "predicted", "true",
                 "count", "perfect_calibration", "ece", "confidence", "accuracy", "reliability_title", "feature_1",
                 "feature_2", "decision_title", "projection_title", "component_1", "component_2")
COLUMNS = ("accuracy_pct", "macro_f1_pct", "agreement_pct", "ece", "params", "size_kb", "latency_ms")


@st.cache_data(show_spinner=False, max_entries=32)
def latencies(run_id: str, _models: dict, _x_test) -> dict:
    """For a run that did not measure its latencies when it trained (an imported run, or one from before): measured
    here once per run (timing again on every rerun would be slow)."""
    return batch_latencies({role: _models[role] for role in ROLES if role in _models}, _x_test)


@st.cache_data(show_spinner=False, max_entries=16)
def grids(run_id: str, _models: dict, _points) -> dict:
    return {role: decision_grid(_models[role], _points) for role in ROLES if role in _models}


def name(role: str) -> str:
    return tr(f"common.{role}")


st.title(tr("compare.title"))
st.markdown(tr("compare.intro"))
records = browser_runs()
if not records:
    st.info(tr("common.no_run"))
    st.stop()
run_id = pick_run("compare_run", records, st.session_state.get(SELECTED_KEY))
if run_id is None:
    st.stop()
if run_id != st.session_state.get(SELECTED_KEY):
    select_run(run_id)
try:
    run = loaded(run_id)
except ValueError as err:
    st.error(tr("common.error", message=error_text(err)))
    st.stop()

config, splits = run.config, run.splits
st.caption(tr("compare.source", run_id=run.run_id, dataset=config.dataset, teacher=config.teacher,
              student=config.student) + " " + models_line(runner().store.get(run.run_id)))
labels = {key: tr(f"compare.fig.{key}") for key in FIGURE_LABELS}
with st.spinner(tr("compare.measuring")):
    all_logits = run_logits(run)
    logits = {role: all_logits[role] for role in ROLES if role in all_logits}
    latency = run.summary.get("latency_ms") or latencies(run.run_id, run.models, splits.x_test)
batch = min(LATENCY_BATCH, len(splits.x_test))

st.subheader(tr("compare.table_title"))
table = pd.DataFrame([comparison_text(row) for row in comparison_rows(logits, splits.y_test, run.models, latency)])
table.index = [name(role) for role in table.pop("role")]
st.dataframe(table.rename(columns={c: tr(f"compare.col.{c}") for c in COLUMNS}))
st.markdown("\n".join(f"- **{tr(f'compare.col.{c}')}**: {tr(f'compare.col_help.{c}', batch=batch)}"
                      for c in COLUMNS))

matrices = {role: confusion_matrix(z, splits.y_test, splits.num_classes) for role, z in logits.items()}
shown = most_confused(matrices.values())  # None: every class is drawn
classes = range(splits.num_classes) if shown is None else shown
class_names = [splits.class_names[c] for c in classes]
st.subheader(tr("compare.per_class_title"))
if shown is not None:
    st.caption(tr("compare.many_classes", shown=len(shown), classes=splits.num_classes))
per_class = run.summary.get("per_class_acc") or {}
bars = {r: None if per_class.get(r) is None else [per_class[r][c] for c in classes] for r in logits}
st.plotly_chart(figures.per_class_bars(class_names, bars, labels=labels), width="stretch", key="compare_per_class")
st.caption(tr("compare.per_class_help"))

st.subheader(tr("compare.confusion_title"))
for column, (role, matrix) in zip(st.columns(len(matrices)), matrices.items()):
    column.plotly_chart(figures.confusion_heatmap(matrix[classes][:, classes], class_names, name(role), labels=labels),
                        width="stretch", key=f"compare_confusion_{role}")
st.caption(tr("compare.confusion_help") if shown is None else
           tr("compare.confusion_help_many", shown=len(shown), classes=splits.num_classes))

st.subheader(tr("compare.calibration_title"))
diagrams = {role: reliability(z, splits.y_test) for role, z in logits.items()}
st.plotly_chart(figures.reliability_diagram(diagrams, labels=labels), width="stretch", key="compare_reliability")
st.caption(tr("compare.calibration_help"))

if splits.modality == "points" and is_plane(splits.x_test):
    st.subheader(tr("compare.decision_title"))
    fig = figures.decision_boundaries(grids(run.run_id, run.models, splits.x_test), splits.x_test.numpy(),
                                      splits.y_test.numpy(), class_names=splits.class_names, labels=labels)
    st.plotly_chart(fig, width="stretch", key="compare_decision")
    st.caption(tr("compare.decision_help"))
elif splits.modality == "points" and splits.x_test.shape[1] > 2:  # one feature: the views above say it all
    st.subheader(tr("compare.projection_title"))
    coords, explained = principal_plane(splits.x_test)
    predicted = {role: z.argmax(-1).numpy() for role, z in logits.items()}
    st.plotly_chart(figures.projected_predictions(coords, predicted, splits.class_names, explained, labels=labels),
                    width="stretch", key="compare_projection")
    st.caption(tr("compare.projection_help", features=splits.x_test.shape[1]))

if variants := runner().store.variants(run.run_id):  # the run's compressed students (the Compress page)
    variants_table(variants, "compare")
