"""Distill: the design card (dataset, teacher, student, T, α, β, γ, Run) on one screen, everything else one click
away behind expanders; then the run, live."""
from dataclasses import replace

import streamlit as st

from kdlab import DATASETS, RunConfig
from kdlab.config import parse_knobs
from kdlab.config_io import (
    APP_QUERY_KEYS,
    clamp_to_bounds,
    config_from_json,
    config_from_query,
    config_to_query,
)
from kdlab.data import class_names_of, run_defaults
from kdlab.method_choice import form_config, one_method
from kdlab.models import models_for
from kdlab.policy.admission import admit
from ui.class_views import class_cell
from ui.common import error_text, latest_run, runner, submit, tr, worded
from ui.data_upload import data_upload_ui, offered_datasets
from ui.distill_sources import MIXUP_RANGE, chosen_run, mixup_ui, run_teacher_ui, teacher_candidates, teacher_run_ui
from ui.live import is_active, live_run, loss_formula
from ui.loss_controls import addon_weight_ui, addons, addons_ui, knobs_ui, method_ui, method_weight_ui, nearest
from ui.loss_controls import form_state as loss_state
from ui.loss_controls import AS_TYPED, teachers_ui, temperature_ui

LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
BATCH_SIZES = (16, 32, 64, 128, 256)
KEEP = ("distill_config", "distill_link_read", "distill_upload", "distill_upload_seen", "distill_notes")


def bounds() -> dict:
    """The widgets' ranges: a linked or uploaded value beyond a slider's end falls back to its default."""
    top = runner().settings.max_epochs
    return dict(temperature=(1.0, 20.0), train_fraction=(0.05, 1.0), epochs=(1, top), teacher_epochs=(1, top),
                seed=(0, 10_000), mixup=MIXUP_RANGE)


def read_link() -> list[str]:
    """On a session's first visit, a shared link's settings seed the form; returns the link's problems."""
    if st.session_state.get("distill_link_read"):
        return []
    st.session_state["distill_link_read"] = True
    if all(key in APP_QUERY_KEYS for key in st.query_params):
        return []
    linked, problems = config_from_query(st.query_params.to_dict(), bounds())
    st.session_state["distill_config"], stacked = one_method(linked)
    return [tr("distill.link_problem", message=error_text(problem)) for problem in problems] + [
        tr("distill.one_method", message=error_text(problem)) for problem in stacked]


def upload_ui() -> None:
    """A config JSON fills the form once per uploaded file (the file stays in the widget on every rerun)."""
    st.caption(tr("distill.upload_intro"))
    file = st.file_uploader(tr("distill.upload"), type="json", key="distill_upload", help=tr("distill.upload_help"))
    seen_id, seen_error = st.session_state.get("distill_upload_seen", (None, None))
    if file is None or file.file_id == seen_id:
        if file is not None and seen_error:
            st.error(seen_error)
        return
    try:
        uploaded = config_from_json(file.getvalue())  # one too big is refused before it is parsed
        admit(uploaded, runner().settings, from_user_file=True)  # what this server would refuse to run
        loaded, outside = clamp_to_bounds(uploaded, bounds())
        loaded, stacked = one_method(loaded)
    except ValueError as err:
        st.session_state["distill_upload_seen"] = (file.file_id, tr("distill.upload_invalid", message=error_text(err)))
        st.error(st.session_state["distill_upload_seen"][1])
        return
    st.session_state["distill_upload_seen"] = (file.file_id, None)
    for key in [key for key in st.session_state if key.startswith("distill_") and key not in KEEP]:
        del st.session_state[key]
    st.session_state.update(form_state(loaded))  # set through the Session State API, so the browser's widgets
    st.session_state["distill_config"] = loaded  # take the values too (a widget keeps its own value otherwise)
    st.session_state["distill_notes"] = [tr("distill.upload_problem", message=error_text(p)) for p in outside] + [
        tr("distill.one_method", message=error_text(p)) for p in stacked]
    st.rerun()


def form_state(config: RunConfig) -> dict:
    """The value of every widget of the form below, by key, that shows ``config``."""
    return {"distill_dataset": config.dataset, "distill_teacher": config.teacher, "distill_student": config.student,
            "distill_teacher_kw": knobs_text(config.teacher_kw), "distill_student_kw": knobs_text(config.student_kw),
            **loss_state(config), "distill_epochs": config.epochs,
            "distill_lr": nearest(LEARNING_RATES, config.lr), "distill_seed": config.seed,
            "distill_batch_size": nearest(BATCH_SIZES, config.batch_size), "distill_device": config.device,
            "distill_teacher_epochs": config.teacher_epochs, "distill_fraction": float(config.train_fraction),
            "distill_mixup": float(config.mixup), "distill_teacher_run": config.teacher_run or "",
            f"distill_exclude_{config.dataset}": list(config.exclude_classes)}


def knobs_text(knobs: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in knobs.items())


@st.cache_data(show_spinner=False)
def class_names(dataset: str) -> list[str]:
    return class_names_of(dataset)


def pick(options, value) -> int:
    return list(options).index(value) if value in options else 0


def model_ui(role: str, choices: list[str], dataset: str) -> str:
    """The saved teacher or student when this data can use it, else the one the dataset suggests (a language
    model's corpus suggests a GPT pair), else the first that reads this data."""
    saved_model = getattr(saved, role)
    preferred = saved_model if saved_model in choices else run_defaults(dataset).get(role)
    return st.selectbox(tr(f"distill.{role}"), choices, index=pick(choices, preferred),
                        key=f"distill_{role}", help=tr(f"distill.{role}_help"))


def training_ui() -> dict:
    st.caption(tr("distill.training_intro"))
    settings = runner().settings
    left, right = st.columns(2)
    with left:
        epochs = st.number_input(tr("distill.epochs"), 1, settings.max_epochs, min(saved.epochs, settings.max_epochs),
                                 key="distill_epochs", help=tr("distill.epochs_help"))
        lr = st.select_slider(tr("distill.lr"), LEARNING_RATES, nearest(LEARNING_RATES, saved.lr), key="distill_lr",
                              format_func=lambda v: f"{v:g}", help=tr("distill.lr_help"))
        batch = st.select_slider(tr("distill.batch_size"), BATCH_SIZES, nearest(BATCH_SIZES, saved.batch_size),
                                 key="distill_batch_size")
        seed = st.number_input(tr("distill.seed"), 0, 10_000, saved.seed, key="distill_seed",
                               help=tr("distill.seed_help"))
    with right:
        teacher_epochs = st.number_input(tr("distill.teacher_epochs"), 1, settings.max_epochs,
                                         min(saved.teacher_epochs, settings.max_epochs), key="distill_teacher_epochs",
                                         help=tr("distill.teacher_epochs_help"))
        sizes = {f"{role}_kw": st.text_input(tr(f"distill.{role}_knobs"), knobs_text(getattr(saved, f"{role}_kw")),
                                             key=f"distill_{role}_kw", help=tr("distill.knobs_help"),
                                             placeholder="hidden=64,depth=1") for role in ("teacher", "student")}
        devices = settings.device_choices()
        device = st.radio(tr("distill.device"), devices, index=pick(devices, saved.device), horizontal=True,
                          key="distill_device", format_func=worded(devices, lambda d: tr(f"distill.device_{d}")))
    return dict(epochs=int(epochs), lr=lr, batch_size=batch, seed=int(seed), device=device,
                teacher_epochs=int(teacher_epochs), **sizes)


def transfer_ui(dataset: str) -> dict:
    st.caption(tr("distill.transfer_intro"))
    fraction = st.slider(tr("distill.fraction"), 0.05, 1.0, float(saved.train_fraction), 0.05,
                         key="distill_fraction", help=tr("distill.fraction_help"), format=AS_TYPED)
    names = class_names(dataset)
    excluded = st.multiselect(tr("distill.exclude"), list(range(len(names))), format_func=lambda c: names[c],
                              default=list(saved.exclude_classes) if saved.dataset == dataset else [],
                              key=f"distill_exclude_{dataset}", help=tr("distill.exclude_help"),
                              placeholder=tr("common.choose"))
    return dict(train_fraction=fraction, exclude_classes=tuple(excluded), mixup=mixup_ui(saved, dataset))


notes = read_link() + st.session_state.pop("distill_notes", [])
saved = st.session_state.get("distill_config", RunConfig())  # restores the form after a visit to another page
st.title(tr("distill.title"))
st.caption(tr("distill.intro"))
card, more = st.container(), st.container()  # the card is drawn first, though the method it shows is chosen below
with card:
    pair = st.columns(3)
    with pair[0]:
        datasets = offered_datasets()  # this workspace's uploads, no other's
        shown = st.session_state.get("distill_dataset", saved.dataset)  # the widget's value, set before this rerun
        modality = DATASETS.get(shown if shown in datasets else saved.dataset).meta["modality"]
        dataset = st.selectbox(tr("distill.dataset"), datasets, index=pick(datasets, saved.dataset),
                               key="distill_dataset",
                               help=tr("distill.dataset_help", modality=tr(f"distill.modality_{modality}")))
    choices = models_for(DATASETS.get(dataset).meta["modality"])
    kept_kw = saved.dataset_kw if saved.dataset == dataset else {}  # replace: settings not in the form are kept
    candidates = teacher_candidates(dataset, kept_kw, st.session_state.get("distill_seed", saved.seed))
    with pair[1]:  # a finished run's student, when one is chosen below to teach
        from_run = chosen_run(candidates, saved)
        teacher = run_teacher_ui(from_run) if from_run else model_ui("teacher", choices, dataset)
    with pair[2]:
        student = model_ui("student", choices, dataset)
with more:
    left, right = st.columns(2)
    with left.expander(tr("distill.method_header")):
        method = method_ui(saved, teacher, student)
        method_knobs = knobs_ui(method, saved)
with card:
    on_card = [spec for spec in addons() if spec.weight_letter]  # β and γ: the weights the formula names
    sliders = st.columns(2 + len(on_card))
    with sliders[0]:
        temperature = temperature_ui(saved, method)
    with sliders[1]:
        weights = {method.name: method_weight_ui(saved, method)}
    for column, spec in zip(sliders[2:], on_card):
        with column:
            weights[spec.name] = addon_weight_ui(spec, saved, teacher, student)
with more:
    with left.expander(tr("distill.addons_header")):
        addon_knobs = addons_ui(saved, teacher, student, weights)
    with left.expander(tr("distill.teacher_run_header")):
        teacher_run = teacher_run_ui(candidates, from_run)
    with left.expander(tr("distill.teachers_header")):
        st.caption(tr("distill.teachers_intro"))
        teachers = teachers_ui(saved, teacher, choices)
    with right.expander(tr("distill.transfer_header")):
        transfer = transfer_ui(dataset)
    with right.expander(tr("distill.training_header")):
        training = training_ui()
    with right.expander(tr("distill.upload_header")):
        st.caption(tr("distill.share_hint"))
        upload_ui()
    with right:
        data_upload_ui()

config = admitted = problem = None
try:  # a bad knob or value is explained in one line, before and on Run
    base = replace(saved, dataset=dataset, teacher=teacher, student=student, dataset_kw=kept_kw,
                   temperature=temperature, **teachers, **transfer, **{
                       **{k: parse_knobs(v) if k.endswith("_kw") else v for k, v in training.items()},
                       **teacher_run})  # a run's student teaches with that run's knobs
    config = form_config(base, method, weights, {method.name: method_knobs, **addon_knobs})
    st.session_state["distill_config"] = config
    admitted = admit(class_cell(config, card), runner().settings)  # in a class sweep, the run is this browser's cell
except ValueError as err:
    problem = error_text(err)
with card:
    st.latex(loss_formula(config or saved))
    if config is not None:  # the address bar always carries the form, next to the app's own lang and ws
        query = {**{k: v for k, v in st.query_params.to_dict().items() if k in APP_QUERY_KEYS},
                 **config_to_query(config)}
        if query != st.query_params.to_dict():
            st.query_params.from_dict(query)
    latest = latest_run()
    busy = is_active(latest)
    run_column, note_column = st.columns([1, 5], vertical_alignment="center")
    if run_column.button(tr("distill.run"), type="primary", key="distill_run", disabled=busy or problem is not None,
                         help=tr("distill.run_busy") if busy else tr("distill.run_help")) and not problem:
        try:
            submit(admitted)
        except ValueError as err:
            problem = error_text(err)
        else:
            st.rerun()  # drawn again from the top, so Run is disabled while the new run trains
    note_column.caption(tr("distill.formula_help"))
    if problem:
        st.error(tr("distill.invalid", message=problem))
    for note in notes:
        st.warning(note)
if latest:
    live_run(latest, seen_active=busy)
