"""Lessons: one-click presets, each showing one classic effect of distillation. Predict, then see: the setting and
the question come first; the claim, the measurements and the explanation once the learner has answered."""
import streamlit as st

from kdlab.lessons import LESSONS
from kdlab.viz import figures
from kdlab.measures import shifted_accuracy, unseen_class_recall
from ui.common import error_text, lang, run_logits, select_run, selected_run, submit, tr
from ui.lesson_classics import chain_caption, chain_run_ui, finished, paper_ui
from ui.lesson_views import measured_ui, outcome_ui, question_ui, remember_prediction, teachers_ui
from ui.live import live_run, loss_formula
from ui.loss_controls import AS_TYPED
from ui.weights import weights_text

RUNS_KEY = "lessons_runs"  # session_state: {lesson key: the run id of its latest Run click}
SHIFTS = [x / 2 for x in range(21)]  # 0, 0.5, …, 10
FIGURE_LABELS = ("student", "baseline", "recall", "overall_accuracy", "logit_shift", "recall_pct", "bias_shift_title")


def choose_ui():
    titles = {lesson.key: tr(f"lessons.{lesson.key}.title") for lesson in LESSONS}
    key = st.radio(tr("lessons.choose"), list(titles), format_func=titles.get, key="lessons_choice")
    return LESSONS[list(titles).index(key)]


def preset_caption(config) -> str:
    text = tr("lessons.preset", dataset=config.dataset, teacher=config.teacher, student=config.student,
              knobs=tr("lessons.preset_knobs", knobs=", ".join(f"{k}={v}" for k, v in config.student_kw.items()))
              if config.student_kw else "", t=f"{config.temperature:g}",
              weights=weights_text(config.to_dict(), lang()), epochs=config.epochs,
              fraction=f"{100 * config.train_fraction:g}")
    if config.exclude_classes:
        text += tr("lessons.preset_unseen", classes=", ".join(map(str, config.exclude_classes)))
    if config.extra_teachers:
        text += tr("lessons.preset_teachers", teachers=", ".join(config.teachers))
    if config.label_noise:
        text += tr("lessons.preset_noise", pct=f"{100 * config.label_noise:g}")
    if config.data_mode != "corpus":
        text += tr(f"lessons.preset_reads_{config.data_mode}", share=f"{100 * config.on_policy_share:g}")
    return text


def run_ui(lesson, prediction: str | None) -> str | None:
    """The Run button; returns the id of this lesson's latest run in this session, if any."""
    runs = st.session_state.setdefault(RUNS_KEY, {})
    if lesson.assistant is not None:  # a chain: the assistant's run first, then the student's
        return chain_run_ui(lesson, prediction, runs)
    if st.button(tr("lessons.run"), key=f"lessons_run_{lesson.key}", type="primary", help=tr("lessons.run_help")):
        try:
            runs[lesson.key] = submit(lesson.config, source="lesson")
            remember_prediction(runs[lesson.key], prediction)
        except ValueError as err:
            st.error(tr("common.error", message=error_text(err)))
    return runs.get(lesson.key)


def bias_shift_ui(run_id: str, cls: int) -> None:
    """Hinton et al. 2015 §3: raise the unseen class's logit and watch which student starts to recognise it."""
    select_run(run_id)
    try:
        run = selected_run()
    except ValueError as err:
        st.error(tr("common.error", message=error_text(err)))
        return
    if run is None or run.run_id != run_id:
        return
    logits = {role: z for role, z in run_logits(run).items() if role in ("student", "baseline")}
    y = run.splits.y_test
    name = run.splits.class_names[cls]
    st.subheader(tr("lessons.shift_title", cls=name))
    shift = st.slider(tr("lessons.shift", cls=name), 0.0, 10.0, 0.0, 0.5, key="lessons_shift",
                      help=tr("lessons.shift_help", cls=name), format=AS_TYPED)
    for column, (role, z) in zip(st.columns(len(logits)), logits.items()):
        column.metric(tr("lessons.recall_at", model=tr(f"common.{role}"), cls=name),
                      f"{100 * unseen_class_recall(z, y, cls, [shift])[0]:.0f} %")
        column.metric(tr("lessons.accuracy_at", model=tr(f"common.{role}")),
                      f"{100 * shifted_accuracy(z, y, cls, [shift])[0]:.1f} %")
    recalls = {role: unseen_class_recall(z, y, cls, SHIFTS) for role, z in logits.items()}
    accuracies = {role: shifted_accuracy(z, y, cls, SHIFTS) for role, z in logits.items()}
    labels = {key: tr(f"lessons.fig.{key}", cls=name) for key in FIGURE_LABELS}
    st.plotly_chart(figures.bias_shift_lines(SHIFTS, recalls, shift, accuracies=accuracies, labels=labels),
                    width="stretch", key="lessons_shift_chart")
    st.caption(tr("lessons.shift_chart_help", cls=name))


st.title(tr("lessons.title"))
st.markdown(tr("lessons.intro"))
lesson = choose_ui()
st.header(tr(f"lessons.{lesson.key}.title"))
st.markdown(tr(f"lessons.{lesson.key}.setup"))
st.caption(preset_caption(lesson.config) + chain_caption(lesson))
st.latex(loss_formula(lesson.config))
if lesson.page:
    page_name = tr("nav." + lesson.page.rsplit("/", 1)[-1].removesuffix(".py"))
    st.page_link(lesson.page, label=tr("lessons.open_page", page=page_name), icon=":material/arrow_forward:")
guess, revealed = question_ui(lesson)
if revealed:
    st.markdown(tr(f"lessons.{lesson.key}.text"))
    measured_ui(lesson)
    if lesson.paper is not None:
        paper_ui(lesson)
run_id = run_ui(lesson, guess)
if run_id:
    live_run(run_id)
    if finished(run_id):
        outcome_ui(run_id)
        if lesson.unseen_class is not None:
            bias_shift_ui(run_id, lesson.unseen_class)
if lesson.unseen_class is not None and lesson.contrast is not None:
    teachers_ui(lesson)  # last: it may wait for a worker to train a teacher
