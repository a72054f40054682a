"""The Language page's parts, and the Attention page's view of a GPT: which runs are language models, the default
tinylang run, the prompt box (user text: checked by ``kdlab.viz.language.prompt_ids``, never shown as Markdown), and
a GPT's causal attention maps per layer and head."""
from __future__ import annotations

import streamlit as st

from kdlab import RunConfig
from kdlab.data import run_defaults
from kdlab.data.tokenizers import PROMPT_CHARS, prompt_ids, tokenizer_of
from kdlab.viz import figures
from kdlab.viz.attention import attention_map
from kdlab.viz.language import gpt_attention_maps, is_language_model, token_texts
from ui.common import error_text, runner, tr, worded
from ui.run_picker import browser_runs

DEMO = RunConfig(dataset="tinylang", **run_defaults("tinylang"))  # the settings the CLI's tinylang line takes
EXAMPLE_CHARS = 12  # of a validation text, as the prompt box's example


def language_records() -> list:
    """This browser's finished language-model runs and the selected one, newest first."""
    return [record for record in browser_runs() if is_language_model(record.config.get("student", ""))]


def is_language_run(run_id: str | None) -> bool:
    try:
        return run_id is not None and is_language_model(runner().store.get(run_id).config.get("student", ""))
    except ValueError:  # deleted meanwhile
        return False


def prompt_ui(key: str, splits, label: str) -> tuple[str, list[int] | None]:
    """The typed text and its ids (the corpus's start of sentence first, where it has one); a text the corpus cannot
    read is said in one line and gives no ids."""
    tokenizer = tokenizer_of(splits)
    first = splits.x_test[0, int(tokenizer.end_id is not None):].tolist()
    example = tokenizer.decode([i for i in first if i])[:EXAMPLE_CHARS].strip()
    typed = st.text_input(label, key=key, max_chars=PROMPT_CHARS, help=tr("language.prompt_help"),
                          placeholder=tr("language.prompt_placeholder", example=example))
    try:
        return typed, prompt_ids(tokenizer, typed)
    except ValueError as err:
        st.warning(tr("common.error", message=error_text(err)))
        return typed, None


def token_names(ids: list[int], splits) -> list[str]:
    return token_texts(tokenizer_of(splits), ids)


def _model_maps(role: str, name: str, maps, names: list[str], labels: dict, run_id: str):
    """One model's heading and layer and head pickers; its chosen map as a figure."""
    st.subheader(f"{tr(f'common.{role}')} · {name}")
    layers, heads = len(maps), maps[0].shape[0]
    pick_layer, pick_head = st.columns(2)
    layer = pick_layer.selectbox(tr("attention.layer"), range(layers), layers - 1, format_func=lambda i: str(i + 1),
                                 key=f"attention_gpt_{role}_layer_{run_id}")
    head = pick_head.selectbox(tr("attention.head"), range(-1, heads), key=f"attention_gpt_{role}_head_{run_id}",
                               format_func=worded(range(-1, heads),
                                                  lambda h: tr("attention.average") if h < 0 else str(h + 1)))
    matrix = attention_map([m[None] for m in maps], layer, None if head < 0 else head)
    return figures.attention_heatmap(matrix, names, names, tr("attention.gpt_map_title"), labels=labels)


def gpt_attention_ui(run, labels: dict) -> None:
    """The Attention page for a language-model run: a validation text or a typed one, and the teacher's and the
    student's causal maps side by side on one colour scale."""
    config, splits = run.config, run.splits
    st.caption(tr("attention.from_run", run_id=run.run_id, teacher=config.teacher, student=config.student,
                  dataset=config.dataset))
    st.markdown(tr("attention.gpt_intro"))
    n = len(splits.x_test)
    index = int(st.number_input(tr("attention.sample", last=n - 1), 0, n - 1, step=1, key="attention_gpt_sample"))
    typed, ids = prompt_ui("attention_gpt_text", splits, tr("attention.gpt_text"))
    if not typed or ids is None:
        ids = [i for i in splits.x_test[index].tolist() if i]
    context = min(getattr(run.models[role], "context", len(ids)) for role in ("teacher", "student"))
    ids = ids[-context:]
    names = token_names(ids, splits)
    st.markdown(tr("attention.words", words="".join(names)))
    columns, shown = st.columns(2), {}
    for column, role in zip(columns, ("teacher", "student")):
        with column:
            maps = gpt_attention_maps(run.models[role], ids)
            shown[role] = _model_maps(role, getattr(config, role), maps, names, labels, run.run_id)
    figures.same_colour_scale(shown["teacher"], shown["student"])
    for column, (role, fig) in zip(columns, shown.items()):
        column.plotly_chart(fig, width="stretch", key=f"attention_gpt_{role}_map")
        column.caption(tr("attention.map_help"))
