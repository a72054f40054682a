"""Attention: where the teacher and the student look for one input, and how far apart they are (the attention
term, whose weight's letter, β, and symbol come from the registry)."""
import streamlit as st

from kdlab import RunConfig
from kdlab.data.text import encode, tokenize
from kdlab.evaluate import predict
from kdlab.losses import term
from kdlab.models import model_meta
from kdlab.runs.store import ACTIVE
from kdlab.viz import figures, numbers
from kdlab.viz.attention import attention_map, attention_term, cls_attention_grid, decode_tokens, patch_grid
from ui.common import error_text, runner, selected_run, submit, tr, worded
from ui.language_views import gpt_attention_ui

DEMOS = {  # both models attend, β is large enough to matter (L_att is ~1e-3), and each takes a minute or two on a CPU
    "image": RunConfig(dataset="digits", teacher="vit-small", student="vit-tiny", terms={"attention": 100.0},
                       teacher_epochs=15, epochs=10, baseline=False),
    "text": RunConfig(dataset="reviews", teacher="transformer-small", student="transformer-tiny",
                      terms={"attention": 100.0}, teacher_epochs=20, epochs=10, baseline=False)}
ATTENTION = term("attention")  # the term this page shows for one input
PENDING = "attention_demo_run"
MAPS = {"attentions", "activation_maps", "token_mask"}  # what predict must keep besides the logits
FIGURE_LABELS = ("key", "query", "attention_weight", "token", "pixel_x", "pixel_y", "input_title", "map_title")


@st.fragment(run_every=1.0)
def demo_progress(run_id: str) -> None:
    if runner().store.get(run_id).status not in ACTIVE:
        st.rerun()
    progress = min(max(runner().progress(run_id) or 0.0, 0.0), 1.0)
    st.progress(progress, text=tr("attention.demo_running", run_id=run_id, percent=f"{100 * progress:.0f}"))


def running_demo() -> str | None:
    """The one-click run this page started, while it trains; one that ended without finishing is said once."""
    pending = st.session_state.get(PENDING)
    if not pending:
        return None
    record = runner().store.get(pending)
    if record.status in ACTIVE:
        return pending
    del st.session_state[PENDING]
    if record.status != "finished":
        st.error(tr("attention.demo_ended", status=tr(f"history.status.{record.status}"), message=record.error or ""))
    return None


def demo_ui() -> None:
    """The one-click runs whose models both have attention maps."""
    for column, (name, config) in zip(st.columns(len(DEMOS)), DEMOS.items()):
        if column.button(tr(f"attention.demo_{name}"), key=f"attention_demo_{name}", help=tr("attention.demo_help")):
            try:
                run_id = submit(config, source="demo")
            except ValueError as err:
                st.error(tr("common.error", message=error_text(err)))
                return
            st.session_state[PENDING] = run_id
            st.rerun()


def input_ui(splits):
    """The input both models read: a test sample or, for text, a typed sentence; with its true label if known."""
    n = len(splits.x_test)
    index = int(st.number_input(tr("attention.sample", last=n - 1), 0, n - 1, step=1, key="attention_sample"))
    x, label = splits.x_test[index:index + 1], splits.class_names[int(splits.y_test[index])]
    if splits.modality == "tokens":
        typed = st.text_input(tr("attention.sentence"), key="attention_sentence", help=tr("attention.sentence_help"),
                              placeholder=tr("attention.sentence_placeholder"))
        if typed.strip() and tokenize(typed):
            x, label = encode([tokenize(typed)], splits.vocab, splits.input_shape[0]), None
        elif typed.strip():
            st.warning(tr("attention.no_words"))
        st.markdown(tr("attention.words", words=" ".join(decode_tokens(x[0], splits.vocab))))
    return x, label


def model_view(role: str, name: str, output, x, splits, run_id: str, labels: dict) -> dict:
    """One model's heading, its answer and its map pickers; returns its figures, ``{name: (figure, caption)}``,
    drawn once both models' are built so that they can share one colour scale."""
    views = {}
    st.subheader(f"{tr(f'common.{role}')} · {name}")
    st.caption(tr("attention.says", answer=splits.class_names[int(output.logits.argmax())]))
    kind = model_meta(name)["attention"]
    if kind is None:
        st.info(tr("attention.no_maps", model=name))
    elif kind == "spatial":
        maps = output.activation_maps
        stage = st.selectbox(tr("attention.stage"), range(len(maps)), len(maps) - 1, format_func=lambda i: str(i + 1),
                             key=f"attention_{role}_stage_{run_id}")
        heat = maps[stage][0].numpy()
        title = tr("attention.stage_title", stage=stage + 1, h=heat.shape[0], w=heat.shape[1])
        views["overlay"] = figures.image_and_map(x[0].numpy(), heat, title, labels=labels), tr("attention.spatial_help")
    else:
        layers, heads = len(output.attentions), output.attentions[0].shape[1]
        pick_layer, pick_head = st.columns(2)
        layer = pick_layer.selectbox(tr("attention.layer"), range(layers), layers - 1, format_func=lambda i: str(i + 1),
                                     key=f"attention_{role}_layer_{run_id}")
        head = pick_head.selectbox(tr("attention.head"), range(-1, heads), key=f"attention_{role}_head_{run_id}",
                                   format_func=worded(range(-1, heads),
                                                      lambda h: tr("attention.average") if h < 0 else str(h + 1)))
        amap = attention_map(output.attentions, layer, None if head < 0 else head)
        if splits.modality == "image":
            grid = patch_grid(amap.shape[-1] - 1, tuple(x.shape[-2:]))
            views["overlay"] = (figures.image_and_map(x[0].numpy(), cls_attention_grid(amap, grid),
                                                      tr("attention.cls_title"), labels=labels), tr("attention.cls_help"))
            names = ["CLS"] + [f"p{i + 1}" for i in range(amap.shape[-1] - 1)]
        else:
            names = ["CLS"] + decode_tokens(x[0], splits.vocab)
            amap = amap[: len(names), : len(names)]  # padding gets no attention: leave it out
            views["tokens"] = (figures.token_attention(names[1:], cls_attention_grid(amap, (1, len(names) - 1))[0],
                                                       title=tr("attention.cls_title"), labels=labels),
                               tr("attention.cls_help"))
        views["map"] = (figures.attention_heatmap(amap, names, names, tr("attention.map_title"), labels=labels),
                        tr("attention.map_help"))
    return views


st.title(tr("attention.title"))
st.markdown(tr("attention.intro"))
if pending := running_demo():  # only the new run: notes on the run shown before would be stale beside it
    demo_progress(pending)
    st.stop()
run = selected_run()
if run is not None and run.splits.modality == "sequence":  # a GPT's causal maps over characters; no β for them
    gpt_attention_ui(run, {name: tr(f"attention.fig.{name}") for name in FIGURE_LABELS})
    st.stop()
kinds = {} if run is None else {role: model_meta(getattr(run.config, role))["attention"]
                                 for role in ("teacher", "student")}
if run is None:
    st.info(tr("attention.no_run"))
comparable = bool(kinds) and kinds["teacher"] is not None and kinds["teacher"] == kinds["student"]
if run is not None and not comparable:  # e.g. cnn-large -> mlp-small: one side has nothing to compare with
    st.info(tr("attention.none_in_run"))
if not comparable:
    demo_ui()
if run is None:
    st.stop()

config, splits = run.config, run.splits
st.caption(tr("attention.from_run", run_id=run.run_id, teacher=config.teacher, student=config.student,
              dataset=config.dataset))
x, label = input_ui(splits)
if label is not None:
    st.caption(tr("attention.truth", label=label))
outputs = {role: predict(run.models[role], x, MAPS) for role in ("teacher", "student")}
labels = {name: tr(f"attention.fig.{name}") for name in FIGURE_LABELS}
try:
    columns, views = st.columns(2), {}
    for column, role in zip(columns, ("teacher", "student")):
        with column:
            views[role] = model_view(role, getattr(config, role), outputs[role], x, splits, run.run_id, labels)
    for name in views["teacher"].keys() & views["student"].keys():  # one colour means one weight in both
        figures.same_colour_scale(views["teacher"][name][0], views["student"][name][0])
    for column, (role, shown) in zip(columns, views.items()):
        for name, (fig, caption) in shown.items():
            column.plotly_chart(fig, width="stretch", key=f"attention_{role}_{name}")
            column.caption(caption)
    kind = kinds["teacher"] if kinds["teacher"] == kinds["student"] else None
    value = attention_term(kind, outputs["student"], outputs["teacher"])
except ValueError as err:
    st.error(tr("common.error", message=error_text(err)))
    st.stop()

letter, weight = ATTENTION.weight_letter, ATTENTION.weight_in(config)
st.subheader(tr("attention.term_title", letter=letter))
if value is None:
    st.info(tr("attention.term_none", letter=letter, teacher=config.teacher, student=config.student))
else:
    st.metric(tr("attention.term_value"), numbers.measured(value))
    st.latex(rf"{ATTENTION.weight_symbol} \cdot {ATTENTION.symbol} = {numbers.weight(weight)} \times "
             rf"{numbers.measured(value)} = {numbers.measured(weight * value)}")
    st.caption(tr(f"attention.term_help_{kind}", letter=letter))
