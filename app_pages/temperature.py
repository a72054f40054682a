"""Temperature: how T softens a model's answer, and why the softened answer carries "dark knowledge"."""
import random
from types import SimpleNamespace

import numpy as np
import streamlit as st

from kdlab import RunConfig, figures
from kdlab.analysis import decode_tokens, kl_divergence, temperature_sweep, temperature_view
from kdlab.teachers import teacher_path
from kdlab.train import predict, prepare_teacher
from ui.common import lang, selected_run, tr

SWEEP = np.geomspace(0.5, 20.0, 50)
FIGURE_LABELS = ("class", "probability", "temperature", "sweep_title")


@st.cache_resource(show_spinner=False)
def default_teacher():
    teacher, splits = prepare_teacher(RunConfig())
    return {"teacher": teacher.cpu().eval()}, splits


@st.cache_resource(show_spinner=False, max_entries=16)
def test_logits(run_key: str, _models: dict, _x_test) -> dict:
    """Every model's test-set logits, once per run: moving T only recomputes softmaxes of these."""
    return {role: predict(model, _x_test).logits.float() for role, model in _models.items()}


def source():
    """The selected run's teacher and student, else the default teacher (trained here once, with a progress bar)."""
    run = selected_run()
    if run is not None:
        return run.run_id, {r: run.models[r] for r in ("teacher", "student")}, run.splits, run.config.temperature
    if not teacher_path(RunConfig()).exists():
        bar = st.progress(0.0, text=tr("common.training_teacher"))
        show = lambda event: bar.progress(event.progress, text=tr("common.training_teacher"))  # noqa: E731
        prepare_teacher(RunConfig(), [SimpleNamespace(on_step=show, on_epoch_end=show)])
        bar.empty()
    models, splits = default_teacher()
    return "default", models, splits, RunConfig().temperature


def controls_ui(n: int, default_t: float) -> tuple[int, float]:
    st.session_state.setdefault("temperature_sample", 0)
    st.session_state.setdefault("temperature_t", float(default_t))
    pick, dice, slider = st.columns([2, 1, 4], vertical_alignment="bottom")
    index = pick.number_input(tr("temperature.sample", n=n), 0, n - 1, step=1, key="temperature_sample")
    dice.button(tr("temperature.random"), key="temperature_random", on_click=st.session_state.update,
                kwargs={"temperature_sample": random.randrange(n)})
    t = slider.slider(tr("temperature.t"), 0.5, 20.0, step=0.5, key="temperature_t", help=tr("temperature.t_help"))
    return int(index), float(t)


def sample_figures(key: tuple, splits, index: int, logits: dict, views: dict, t: float) -> dict:
    """This session's charts for one sample, built once: moving T then only updates two of them in place, which
    keeps a slider move far below the cost of building plotly figures again."""
    held = st.session_state.get("temperature_figures")
    if held is None or held["key"] != key:
        labels = {name: tr(f"temperature.fig.{name}") for name in FIGURE_LABELS}
        names = [str(c) for c in splits.class_names]
        sweep = temperature_sweep(logits["teacher"][index], SWEEP)
        held = {"key": key, "sweep": figures.temperature_sweep_lines(SWEEP, sweep, names, t, labels=labels),
                "bars_1": figures.probability_bars(names, series(views, "1"), title=tr("temperature.at_one"),
                                                   labels=labels),
                "bars_t": figures.probability_bars(names, series(views, "t"), labels=labels)}
        if splits.modality == "image":
            held["image"] = figures.image_thumbnail(splits.x_test[index].numpy())
        st.session_state["temperature_figures"] = held
    figures.set_probabilities(held["bars_t"], series(views, "t"), title=tr("temperature.at_t", t=f"{t:g}"))
    figures.move_temperature_marker(held["sweep"], t)
    return held


def series(views: dict, suffix: str) -> dict:
    return {tr(f"common.{role}"): v[f"probs_{suffix}"] for role, v in views.items()}


def show_sample(splits, index: int, held: dict, answers: dict) -> None:
    x = splits.x_test[index]
    if "image" in held:
        st.plotly_chart(held["image"], width="content", key="temperature_image")
    elif splits.modality == "points":
        st.markdown(tr("temperature.point", x1=f"{x[0].item():.2f}", x2=f"{x[1].item():.2f}"))
    else:
        st.markdown(tr("temperature.text", words=" ".join(decode_tokens(x, splits.vocab))))
    names = splits.class_names
    said = tr("temperature.sep").join(tr("temperature.says", model=tr(f"common.{role}"), answer=names[a])
                                      for role, a in answers.items())
    st.caption(tr("temperature.truth", label=names[int(splits.y_test[index])], said=said))


st.title(tr("temperature.title"))
st.markdown(tr("temperature.intro"))
st.latex(r"p_i(T) = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}")
try:
    run_key, models, splits, default_t = source()
except ValueError as err:
    st.error(tr("common.error", message=str(err)))
    st.stop()
st.caption(tr("temperature.from_run", run_id=run_key) if run_key != "default" else tr("temperature.from_default"))
if "student" not in models:
    st.info(tr("temperature.no_student"))

logits = test_logits(run_key, models, splits.x_test)
index, t = controls_ui(len(splits.x_test), default_t)
views = {role: temperature_view(z[index], t) for role, z in logits.items()}
held = sample_figures((run_key, index, lang()), splits, index, logits, views, t)
show_sample(splits, index, held, {role: int(v["probs_1"].argmax()) for role, v in views.items()})
left, right = st.columns(2)
left.plotly_chart(held["bars_1"], width="stretch", key="temperature_bars_1")
right.plotly_chart(held["bars_t"], width="stretch", key="temperature_bars_t")

classes = len(splits.class_names)
entropy_help = tr("temperature.entropy_help", max=f"{np.log(classes):.3f}", classes=classes)
for role, v in views.items():
    st.markdown(f"**{tr(f'common.{role}')}**")
    cells = st.columns(4)
    for cell, (key, value, why) in zip(cells, (
            ("temperature.entropy_1", f"{v['entropy_1']:.3f}", entropy_help),
            ("temperature.entropy_t", f"{v['entropy_t']:.3f}", entropy_help),
            ("temperature.dark_1", f"{100 * v['dark_knowledge_1']:.1f} %", tr("temperature.dark_help")),
            ("temperature.dark_t", f"{100 * v['dark_knowledge_t']:.1f} %", tr("temperature.dark_help")))):
        cell.metric(tr(key, t=f"{t:g}"), value, help=why)
st.caption(entropy_help)
st.caption(tr("temperature.dark_help"))
if "student" in views:
    kl = kl_divergence(logits["teacher"][index], logits["student"][index], t)
    kl_help = tr("temperature.kl_help", t=f"{t:g}", t2=f"{t * t:g}", weighted=f"{t * t * kl:.4f}")
    st.metric(tr("temperature.kl", t=f"{t:g}"), f"{kl:.4f}", help=kl_help)
    st.caption(kl_help)

st.plotly_chart(held["sweep"], width="stretch", key="temperature_sweep")
st.caption(tr("temperature.sweep_help"))
