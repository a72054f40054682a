"""Language models: the next-token distributions of teacher, student and baseline at T (and the truth on tinylang),
where on a validation text the student departs from the teacher, and what each model writes — for a finished
language-model run, or the default tinylang teacher alone (trained by a worker; the server never trains)."""
import pandas as pd
import streamlit as st

from kdlab.data.tokenizers import tokenizer_of
from kdlab.language import generate_text
from kdlab.viz import figures, numbers
from kdlab.viz.language import (answer_rows, likeliest_tokens, next_token_distributions, sentence_state, token_kl,
                                true_next_distribution)
from ui.common import SELECTED_KEY, error_text, latest_run, loaded, select_run, submit, teacher_of, tr
from ui.language_views import DEMO, is_language_run, language_records, prompt_ui, token_names
from ui.live import is_active, live_run
from ui.loss_controls import AS_TYPED
from ui.run_picker import pick_run

ROLES = ("teacher", "student", "baseline")
FIGURE_LABELS = ("next_token", "probability", "kl_nats", "kl_strip_title", "truth")
T_RANGE = (0.25, 4.0)


def demo_ui(busy: bool) -> None:
    if st.button(tr("language.demo"), key="language_demo", help=tr("language.busy") if busy else
                 tr("language.demo_help"), disabled=busy):
        try:
            submit(DEMO, source="demo")
        except ValueError as err:
            st.error(tr("common.error", message=error_text(err)))
            return
        st.session_state.pop("language_run", None)  # the new run is picked once it finishes
        st.rerun()


def source():
    """The chosen finished language-model run's models and data, else the default teacher's alone."""
    records = language_records()
    run_id = pick_run("language_run", records, st.session_state.get(SELECTED_KEY)) if records else None
    if run_id is None:
        st.info(tr("language.no_run"))
        teacher, splits = teacher_of(DEMO)  # a worker trains it the first time, with a progress bar
        st.caption(tr("language.from_default", teacher=DEMO.teacher, dataset=DEMO.dataset))
        return "default", {"teacher": teacher}, splits, DEMO.temperature
    if run_id != st.session_state.get(SELECTED_KEY):
        select_run(run_id)
    run = loaded(run_id)
    config = run.config
    st.caption(tr("language.from_run", run_id=run_id, teacher=config.teacher, student=config.student,
                  dataset=config.dataset))
    return run_id, {role: run.models[role] for role in ROLES if role in run.models}, run.splits, config.temperature


def next_token_ui(models: dict, splits, typed: str, ids: list[int], t: float, labels: dict) -> None:
    st.subheader(tr("language.next_title"))
    st.markdown(tr("language.after", prompt=typed) if typed else tr("language.after_start"))
    answers = next_token_distributions(models, ids, t)
    series = {tr(f"common.{role}"): p for role, p in answers.items()}
    tokenizer = tokenizer_of(splits)
    truth = true_next_distribution(splits.grammar, tokenizer, typed)
    if truth is not None:
        series[labels["truth"]] = truth
    elif splits.grammar is not None and tokenizer.per_character:
        st.info(tr("language.no_truth"))
    shown = likeliest_tokens(series)
    st.plotly_chart(figures.probability_bars(token_names(shown, splits),
                                             {name: p[shown] for name, p in series.items()},
                                             title=tr("language.bars_title", t=numbers.weight(t)), labels=labels),
                    width="stretch", key="language_bars")
    rows = {tr(f"common.{row['role']}"): {
        tr("language.col_top"): token_names([row["top"]], splits)[0],
        **({tr("language.col_kl_teacher"): numbers.measured(row["kl_teacher"])} if len(answers) > 1 else {}),
        **({tr("language.col_kl_truth"): numbers.measured(row["kl_truth"])} if truth is not None else {})}
        for row in answer_rows(answers, truth)}
    st.dataframe(pd.DataFrame.from_dict(rows, orient="index"))
    st.caption(tr("language.bars_help"))


def strip_ui(models: dict, splits, t: float, labels: dict) -> None:
    st.subheader(tr("language.strip_title"))
    if "student" not in models:
        st.info(tr("language.strip_none"))
        return
    n = len(splits.x_test)
    index = int(st.number_input(tr("language.sample", last=n - 1), 0, n - 1, step=1, key="language_sample"))
    tokens, kl = token_kl(models["teacher"], models["student"], splits.x_test[index], splits.y_test[index], t)
    names = token_names(tokens, splits)
    st.plotly_chart(figures.kl_strip(names, kl, labels=labels), width="stretch", key="language_strip")
    top = int(kl.argmax())
    st.caption(tr("language.strip_help", t=numbers.weight(t), mean=numbers.measured(kl.mean()),
                  largest=numbers.measured(kl[top]), token=names[top]))


@st.cache_data(show_spinner=False, max_entries=64)
def written(run_key: str, _models: dict, _splits, typed: str, sampling_t: float, seed: int) -> dict[str, str]:
    """What each model writes, sampled once per run, prompt, temperature and seed (the same inputs write the same
    text): moving T or the strip's text then costs no sampling."""
    tokenizer = tokenizer_of(_splits)
    return {role: generate_text(model, tokenizer, typed, _splits.input_shape[0], sampling_t, seed)
            for role, model in _models.items()}


def writing_ui(run_key: str, models: dict, splits, typed: str) -> None:
    st.subheader(tr("language.write_title"))
    left, right = st.columns(2)
    sampling_t = left.slider(tr("language.sampling_t"), 0.0, 2.0, 1.0, 0.1, key="language_sampling_t",
                             help=tr("language.sampling_t_help"), format=AS_TYPED)
    seed = int(right.number_input(tr("language.seed"), 0, 2**31 - 1, 0, step=1, key="language_seed",
                                  help=tr("language.seed_help")))
    texts = written(run_key, models, splits, typed, sampling_t, seed)
    for column, (role, text) in zip(st.columns(len(texts)), texts.items()):
        column.markdown(f"**{tr(f'common.{role}')}**")
        column.code(typed + text, language=None, wrap_lines=True)
        if splits.grammar is not None:
            column.caption(tr(f"language.state.{sentence_state(splits.grammar, typed + text)}"))
    st.caption(tr("language.write_help"))


st.title(tr("language.title"))
st.markdown(tr("language.intro"))
latest = latest_run()
busy = is_active(latest)
if busy and is_language_run(latest):
    live_run(latest)
demo_ui(busy)
try:
    run_key, models, splits, default_t = source()
except ValueError as err:
    st.error(tr("common.error", message=error_text(err)))
    st.stop()
labels = {key: tr(f"language.fig.{key}") for key in FIGURE_LABELS} | {"class": tr("language.fig.next_token")}
t = st.slider(tr("language.t"), *T_RANGE, min(max(round(4 * default_t) / 4, T_RANGE[0]), T_RANGE[1]), 0.25,
              key="language_t", help=tr("language.t_help"), format=AS_TYPED)
typed, ids = prompt_ui("language_prompt", splits, tr("language.prompt"))
if ids is not None:
    next_token_ui(models, splits, typed, ids, t, labels)
strip_ui(models, splits, t, labels)
if ids is not None:
    writing_ui(run_key, models, splits, typed)
