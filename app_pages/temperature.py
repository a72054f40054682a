"""Temperature: how T softens a model's answer, and why the softened answer carries "dark knowledge"."""
import random

import numpy as np
import streamlit as st

from kdlab import RunConfig
from kdlab.viz import figures
from kdlab.viz.attention import decode_tokens
from kdlab.measures import fused_view, kl_divergence, logit_scale, temperature_sweep, temperature_view
from ui.common import error_text, lang, logits_of, run_logits, selected_run, teacher_of, tr
from ui.loss_controls import AS_TYPED

SWEEP = np.geomspace(0.5, 20.0, 50)
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SCALE_SWEEP = np.geomspace(0.5, 100.0, 80)  # wide enough to reach the T where a steep teacher's targets go flat
FIGURE_LABELS = ("class", "probability", "temperature", "sweep_title", "information", "information_title")
MOVED_BY_T = ("bars_t", "sweep", "information")  # the charts a session changes in place when T moves


def source():
    """The selected run's teacher and student logits, else the default teacher's (trained by a worker process the
    first time, with a progress bar; the server only reads it)."""
    run = selected_run()
    if run is not None:
        logits = run_logits(run)
        return run.run_id, {r: logits[r] for r in ("teacher", "student")}, run.splits, run.config.temperature
    teacher, splits = teacher_of(RunConfig())
    return "default", logits_of("default", {"teacher": teacher}, splits.x_test), splits, RunConfig().temperature


def controls_ui(n: int, default_t: float) -> tuple[int, float]:
    st.session_state.setdefault("temperature_sample", 0)
    st.session_state.setdefault("temperature_t", float(default_t))
    pick, dice, slider = st.columns([2, 1, 4], vertical_alignment="bottom")
    index = pick.number_input(tr("temperature.sample", last=n - 1), 0, n - 1, step=1, key="temperature_sample")
    dice.button(tr("temperature.random"), icon=":material/casino:", key="temperature_random",
                on_click=st.session_state.update, kwargs={"temperature_sample": random.randrange(n)})
    t = slider.slider(tr("temperature.t"), 0.5, 20.0, step=0.5, key="temperature_t", help=tr("temperature.t_help"),
                      format=AS_TYPED)
    return int(index), float(t)


@st.cache_resource(max_entries=64, show_spinner=False)
def shared_figures(key: tuple, _splits, index: int, _logits: dict, _views: dict, _t: float) -> dict:
    """One sample's charts, built once per server for every session that shows them (thirty students opening the
    page at once build them once, not thirty times: most of the page's CPU). Never changed: a session changes its
    own copies of the charts T moves. ``key``: (run, sample, language)."""
    labels = {name: tr(f"temperature.fig.{name}") for name in FIGURE_LABELS}
    names = [str(c) for c in _splits.class_names]
    sweep = temperature_sweep(_logits["teacher"][index], SWEEP)
    built = {"key": key, "sweep": figures.temperature_sweep_lines(SWEEP, sweep, names, _t, labels=labels),
             "bars_1": figures.probability_bars(names, series(_views, "1"), title=tr("temperature.at_one"),
                                                labels=labels),
             "bars_t": figures.probability_bars(names, series(_views, "t"), labels=labels)}
    if _splits.modality == "image":
        built["image"] = figures.image_thumbnail(_splits.x_test[index].numpy())
    built["scales"] = {role: logit_scale(z, SCALE_SWEEP) for role, z in _logits.items()}
    curves = {tr(f"common.{role}"): scale["information"] for role, scale in built["scales"].items()}
    built["information"] = figures.information_curves(SCALE_SWEEP, curves, _t, labels=labels)
    return built


def sample_figures(key: tuple, splits, index: int, logits: dict, views: dict, t: float) -> dict:
    """This session's charts for one sample: the shared ones, with copies of those T moves; moving T then only
    updates those copies in place, which keeps a slider move far below the cost of building plotly figures again."""
    held = st.session_state.get("temperature_figures")
    if held is None or held["key"] != key:
        shared = shared_figures(key, splits, index, logits, views, t)
        held = {**shared, **{name: figures.editable_copy(shared[name]) for name in MOVED_BY_T}}
        st.session_state["temperature_figures"] = held
    figures.set_probabilities(held["bars_t"], series(views, "t"), title=tr("temperature.at_t", t=f"{t:g}"))
    figures.move_temperature_marker(held["sweep"], t)
    figures.move_temperature_marker(held["information"], t)
    return held


def scale_ui(held: dict, t: float) -> None:
    """Why the right T depends on the teacher: the spread of each model's logits, the T beyond which its soft
    targets are all but uniform, and the information left in them as T grows."""
    st.subheader(tr("temperature.scale_title"))
    st.markdown(tr("temperature.scale_intro"))
    for column, (role, scale) in zip(st.columns(len(held["scales"])), held["scales"].items()):
        column.metric(tr("temperature.scale_std", model=tr(f"common.{role}")), f"{scale['std']:.2f}",
                      help=tr("temperature.scale_std_help"))
        flat = scale["flat_from"]
        column.metric(tr("temperature.scale_flat", model=tr(f"common.{role}")),
                      "> 100" if flat is None else f"≈ {flat:.1f}", help=tr("temperature.scale_flat_help"))
    st.plotly_chart(held["information"], width="stretch", key="temperature_information")
    st.caption(tr("temperature.scale_help", t=f"{t:g}"))


def fusion_ui(splits, index: int, t: float) -> None:
    """For a run of several teachers: each teacher's softened answer next to the fused target the student learned
    from (the teachers are read from the cache, trained by a worker first if they are not there)."""
    run = selected_run()
    if run is None or not run.config.extra_teachers:
        return
    config = run.config
    models = {name: teacher_of(config.teacher_config(name))[0] for name in config.teachers}
    logits = logits_of(f"{run.run_id}-teachers", models, splits.x_test)
    view = fused_view({name: z[index] for name, z in logits.items()}, t, config.fusion, config.teacher_weights,
                      int(splits.y_test[index]))
    st.subheader(tr("temperature.fused_title"))
    series = {**{name: p for name, p in view.items() if name != "fused"}, tr("temperature.fused"): view["fused"]}
    names = [str(c) for c in splits.class_names]
    labels = {name: tr(f"temperature.fig.{name}") for name in FIGURE_LABELS}
    title = tr("temperature.at_t", t=f"{t:g}")
    st.plotly_chart(figures.probability_bars(names, series, title=title, labels=labels),
                    width="stretch", key="temperature_fused")
    st.caption(tr("temperature.fused_help", fusion=tr(f"temperature.fusion_{config.fusion}")))


def series(views: dict, suffix: str) -> dict:
    return {tr(f"common.{role}"): v[f"probs_{suffix}"] for role, v in views.items()}


def point_text(x, shown: int = 8) -> str:
    """A point's coordinates as "x₁ = 0.12, x₂ = -1.30", the first ``shown`` of them when there are more."""
    values = ", ".join(f"x{str(i + 1).translate(SUBSCRIPTS)} = {v:.2f}" for i, v in enumerate(x[:shown].tolist()))
    return values if len(x) <= shown else tr("temperature.point_more", values=values, more=len(x) - shown)


def show_sample(splits, index: int, held: dict, answers: dict) -> None:
    x = splits.x_test[index]
    if "image" in held:
        st.plotly_chart(held["image"], width="content", key="temperature_image")
    elif splits.modality == "points":  # an uploaded CSV may have one feature or many
        st.markdown(tr("temperature.point", values=point_text(x)))
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
    run_key, logits, splits, default_t = source()
except ValueError as err:
    st.error(tr("common.error", message=error_text(err)))
    st.stop()
st.caption(tr("temperature.from_run", run_id=run_key) if run_key != "default" else tr("temperature.from_default"))
if "student" not in logits:
    st.info(tr("temperature.no_student"))

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

fusion_ui(splits, index, t)
st.plotly_chart(held["sweep"], width="stretch", key="temperature_sweep")
st.caption(tr("temperature.sweep_help"))
scale_ui(held, t)
