"""Every error a user can meet speaks the reader's language (issue 23): each key of the catalog
(tests/test_error_catalog.py) is raised here for real — a config, a cap, an upload, the queue, a sweep, a
compression, a server setting, a link — and shown by a real Streamlit script as the pages show it
(``tr("common.error", message=error_text(err))``) with ``?lang=zh``. The page must carry no English sentence (four
English words in a row, outside names and a library's own words quoted after 原文) and no raw config key; the CLI's
``str()`` stays English. A planted error with no Chinese wording is caught.
"""
from __future__ import annotations

import inspect
import io
import re
import zipfile
from dataclasses import fields

import pytest
import torch
from streamlit.testing.v1 import AppTest

from kdlab.checks import parse_seeds
from kdlab.compress.config import CompressRequest
from kdlab.compress.recipe import RecipeCaps, check_recipe
from kdlab.config import RunConfig, parse_knobs
from kdlab.config_io import clamp_to_bounds, config_document, config_from_query
from kdlab.data import DATASETS, check_dataset_knobs, kdlab_home, load_dataset, stratified_split
from kdlab.data.corpus import stream_splits
from kdlab.data.tokenizers import CharTokenizer, prompt_ids
from kdlab.data.upload_store import claim, delete_upload
from kdlab.data.uploads import UploadLimits, import_data_file, import_upload
from kdlab.errors import Phrase, UserError
from kdlab.evaluate import resolve_device
from kdlab.language import generate_text
from kdlab.lessons import lesson
from kdlab.method_choice import one_method
from kdlab.models import InputSpec, build_model
from kdlab.policy.admission import admit
from kdlab.policy.settings import ServerSettings
from kdlab.runs.exchange import import_run
from kdlab.runs.job_queue import SharedQueue
from kdlab.runs.loading import load_run, rebuild_student
from kdlab.runs.store import RunStore, check_workspace
from kdlab.runs.sweep_store import DriverLease, SweepRecords
from kdlab.runs.teacher_runs import teacher_from_run
from kdlab.serve.jobs import JobRunner
from kdlab.sweeps.classroom import ClassSweeps
from kdlab.sweeps.driver import load_spec
from kdlab.sweeps.methods import plan
from kdlab.sweeps.spec import SearchRange, SweepSpec, parse_axis, parse_range
from kdlab.tensor_files import load_tensors
from ui.wording import error_words

from .conftest import tiny_config
from .test_error_catalog import CATALOG

ENGLISH_RUN = re.compile(r"\b[A-Za-z]+(?:[ '][A-Za-z]+){3,}\b")  # four English words in a row
QUOTED = re.compile(r"原文：[^）]*）")  # a library's own words, quoted as they came
NAMES = re.compile(r"\b(?:" + "|".join(f.name for f in fields(ServerSettings)) +  # as kdlab.toml spells them
                   r")\b|KDLAB_[A-Z_]+|kdlab\.toml|[\w.-]+\.(?:csv|zip|txt|png|toml|json)\b")
RAW_KEY = re.compile(r"\b[a-z]+_[a-z_]+\b")  # a config key (train_fraction) where the page has a name
RAW_KEYS_SHOWN = {  # keys whose sentence is about the names themselves
    "config.alias_twice": "names the keys of a config file (alpha, terms.soft)",
    "data.seq_len": "names a dataset's knob as typed in its knob field (seq_len=…)",
    "link.ignored": "quotes the key of the link as it came",
    "link.problem": "quotes the key of the link as it came",
    "config.unknown_fields": "quotes the fields of the file as they came",
    "config.no_knob": "lists a term's knobs as its knob field takes them",
    "data.no_knob": "lists a dataset's knobs as its knob field takes them",
    "sweep.unknown_axis": "quotes the axis as typed",
    "lesson.unknown": "lists the lessons as a link names them",
    "settings.unknown": "quotes the unknown setting as kdlab.toml has it",
}
PHRASES = {  # keys that are words inside another error: worded with it (the key named)
    "action.compress": "queue.not_owner", "action.delete": "queue.not_owner", "action.export": "queue.not_owner",
    "action.stop": "queue.not_owner", "cap.params": "cap", "cap.params_of": "cap", "link.problem": "link.number",
    "settings.from_env": "settings.whole", "settings.in_file": "settings.toml", "settings.where": "settings.whole",
}


def zipped(files: dict[str, bytes], links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for name in links:  # a symbolic link, as zip -y stores it
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, b"target")
    return buffer.getvalue()


def png(width: int = 4, height: int = 4) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("L", (width, height)).save(out, "PNG")
    return out.getvalue()


def csv_rows(counts: dict[str, int]) -> bytes:
    return ("x,label\n" + "".join(f"{i},{c}\n" for c, n in counts.items() for i in range(n))).encode()


def saved(obj) -> bytes:
    out = io.BytesIO()
    torch.save(obj, out)
    return out.getvalue()


def run_row(store: RunStore, status: str = "queued", owner: str = "me", **config) -> str:
    return store.create(tiny_config(**config).to_dict(), "default", status=status, owner=owner)


def queue(**settings) -> tuple[JobRunner, RunStore]:
    store = RunStore()
    return JobRunner(store, ServerSettings(**settings)), store


def queue_full():
    runner, store = queue(max_queued_runs=1)
    SharedQueue(store, "another-server").add("a-teacher-waiting", "teacher")  # another server's job holds the queue
    runner.submit(tiny_config(), "default", "me")


def browser_full():
    runner, store = queue(max_runs_per_browser=1)
    SharedQueue(store, "another-server").add(run_row(store), "run", owner="me")  # this browser's run on another server
    runner.submit(tiny_config(), "default", "me")


def on_queued_run(act):
    runner, store = queue()
    return act(runner, store, run_row(store))


def driven_twice():
    records = SweepRecords(RunStore())
    sweep_id = records.create("grid", {})
    DriverLease(records, sweep_id).acquire()
    DriverLease(records, sweep_id).acquire()


def finished_sweep():
    store = RunStore()
    records = SweepRecords(store)
    sweep_id = records.create("grid", {})
    records.set_status(sweep_id, "finished")
    load_spec(store, sweep_id)


def sweep(**fields):
    return SweepSpec(tiny_config().to_dict(), **fields).validate(ServerSettings())


def search(**ranges):
    return sweep(kind="search", trials=2, ranges={k: SearchRange(*v) for k, v in ranges.items()})


def teacher_run(status: str = "finished", stored: dict | None = None, **config):
    store = RunStore()
    run_id = run_row(store, status=status, **(stored or {}))
    teacher_from_run(tiny_config(teacher_run=run_id, **config), store)


def with_bool_knob():
    @DATASETS.register("errors-flagged", modality="points", num_classes=2, summary="", scale={})
    def flagged(seed: int, balanced: bool = True, **_):
        raise AssertionError("never loaded")
    try:
        check_dataset_knobs("errors-flagged", {"balanced": "yes"})
    finally:
        DATASETS.remove("errors-flagged")


def spec_of(dataset: str, **knobs) -> InputSpec:
    return InputSpec.of(load_dataset(dataset, **knobs))


def settings_file(tmp_path, text: str):
    path = tmp_path / "kdlab.toml"
    path.write_text(text, encoding="utf-8")
    ServerSettings.load(path)


def home_at_root(monkeypatch):
    monkeypatch.setenv("KDLAB_HOME", "/")
    kdlab_home()


def weights_import(weights: bytes):
    import_run(RunStore(), tiny_config().to_dict(), weights, "default")


def compressed_weights() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"x" * 100)
    return buffer.getvalue()


def damaged_zip() -> bytes:
    """An entry whose bytes no longer match their checksum: zipfile refuses to unpack it."""
    image = png(5, 5)
    return zipped({"a/1.png": image, "b/1.png": png()}).replace(image, image[:-1] + bytes([image[-1] ^ 1]), 1)


def far_apart_csv() -> bytes:
    """Every training row of the column at 1e300 and one test row a little below: standardised, that row is about
    1e296 standard deviations away, past what float32 holds."""
    labels = torch.tensor([0] * 10 + [1] * 10)
    odd = int(stratified_split(labels, test_fraction=0.2, seed=0)[1][0])  # the split the upload makes
    return ("x,label\n" + "".join(f"{'9e299' if i == odd else '1e300'},{int(y)}\n" for i, y in enumerate(labels))
            ).encode()


def huge_weights() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data/0", b"\0" * 5_000_000)
    return buffer.getvalue()


def misfit_weights():
    rebuild_student(tiny_config(), spec_of("digits"), "student", {"not.a.layer": torch.zeros(1)})


def not_my_upload():
    name = import_upload("mine.csv", csv_rows({"a": 10, "b": 10}))
    claim(name, "mine.csv", "default", "me")
    delete_upload(name, "default", "someone else")


def many_pixels(monkeypatch):
    monkeypatch.setattr("kdlab.data.upload_zip.MAX_TOTAL_PIXELS", 100)
    import_upload("a.zip", zipped({"a/1.png": png(), **{f"b/{i}.png": png() for i in range(8)}}))


TRIGGERS = {
    "admission.build": lambda: admit(tiny_config(student="mlp", student_kw={"hidden": 2.5}), ServerSettings()),
    "admission.classes": lambda: admit(tiny_config(dataset=import_upload("c.csv", csv_rows(
        {"a": 10, "b": 10, "c": 10})), teacher="mlp-large", student="mlp-small"), ServerSettings(max_classes=2)),
    "admission.device": lambda: admit(tiny_config(device="cuda"), ServerSettings(devices=("cpu",))),
    "admission.knob_number": lambda: admit(tiny_config(student_kw={"width": "wide"}), ServerSettings()),
    "admission.user_file": lambda: admit(tiny_config(data_root="/data"), ServerSettings(), from_user_file=True),
    "cap": lambda: admit(tiny_config(epochs=400), ServerSettings(max_epochs=200)),
    "cap.params": lambda: admit(tiny_config(), ServerSettings(max_model_params=10)),
    "cap.params_of": lambda: admit(tiny_config(teacher="mlp-small", extra_teachers=("mlp-large",)),
                                   ServerSettings(max_model_params=20_000)),
    "class.no_sweep": lambda: ClassSweeps(RunStore()).get("class-nope"),
    "compress.count": lambda: CompressRequest(int8=True, threads=0).validate(),
    "compress.energy": lambda: CompressRequest(energy=2.0).validate(),
    "compress.finetune": lambda: CompressRequest(prune=0.5, finetune=-1).validate(),
    "compress.finetune_nothing": lambda: CompressRequest(int8=True, finetune=3).validate(),
    "compress.flag": lambda: CompressRequest(int8="yes").validate(),
    "compress.not_mapping": lambda: CompressRequest.from_dict([1]),
    "compress.nothing": lambda: CompressRequest().validate(),
    "compress.rank_or_energy": lambda: CompressRequest(rank=4, energy=0.9).validate(),
    "compress.roles": lambda: CompressRequest(int8=True, roles=("teacher",)).validate(),
    "compress.roles_list": lambda: CompressRequest.from_dict({"roles": "student"}),
    "compress.source": lambda: CompressRequest(prune=0.5, finetune=1, finetune_from="nobody").validate(),
    "compress.sparsity": lambda: CompressRequest(prune=1.5).validate(),
    "compress.structured_sparsity": lambda: CompressRequest(int8=True, structured=True).validate(),
    "compress.unknown_fields": lambda: CompressRequest.from_dict({"sparsity": 0.5}),
    "config.alias_twice": lambda: RunConfig.from_dict({"alpha": 0.5, "terms": {"soft": 0.7}}),
    "config.below_one": lambda: tiny_config(label_noise=1.0).validate(),
    "config.complement": lambda: tiny_config(terms={"ce": 0.5}).validate(),
    "config.corpus_only": lambda: tiny_config(dataset="tinylang", teacher="gpt-small", student="gpt-tiny",
                                              label_noise=0.1).validate(),
    "config.data_mode_text": lambda: tiny_config(data_mode="teacher").validate(),
    "config.folder": lambda: tiny_config(data_root=3).validate(),
    "config.fraction": lambda: tiny_config(train_fraction=0).validate(),
    "config.knob_syntax": lambda: parse_knobs("hidden"),
    "config.mapping": lambda: tiny_config(student_kw="hidden=3").validate(),
    "config.mixup_modality": lambda: tiny_config(dataset="reviews", teacher="transformer-small",
                                                 student="transformer-tiny", mixup=0.2).validate(),
    "config.modality": lambda: tiny_config(student="gpt-tiny").validate(),
    "config.names": lambda: tiny_config(extra_teachers=(3,)).validate(),
    "config.no_class": lambda: tiny_config(exclude_classes=(11,)).validate(),
    "config.no_class_left": lambda: tiny_config(exclude_classes=tuple(range(10))).validate(),
    "config.no_knob": lambda: tiny_config(terms_kw={"dkd": {"speed": 1}}).validate(),
    "config.not_list": lambda: RunConfig.from_dict({"exclude_classes": 3}),
    "config.not_name": lambda: tiny_config(student=3).validate(),
    "config.not_object": lambda: RunConfig.from_dict([1, 2]),
    "config.not_negative": lambda: tiny_config(terms={"relational": -1.0}).validate(),
    "config.one_of": lambda: tiny_config(device="tpu").validate(),
    "config.pair": lambda: tiny_config(student="mlp-small", terms={"attention": 1.0}).validate(),
    "config.tokenizer": lambda: tiny_config(tokenizer="bpe").validate(),  # BPE on digits: not a text corpus
    "config.pretrained_student": lambda: tiny_config(dataset="tinylang", teacher="gpt-small",
                                                     student="hf").validate(),
    "config.range": lambda: tiny_config(mixup=50).validate(),
    "config.run_id": lambda: tiny_config(teacher_run=7).validate(),
    "config.seed": lambda: tiny_config(seed=-1).validate(),
    "config.teacher_weights": lambda: tiny_config(extra_teachers=("mlp-large",), fusion="weights",
                                                  teacher_weights=(0.0, 0.0)).validate(),
    "config.teacher_weights_count": lambda: tiny_config(extra_teachers=("mlp-large",), fusion="weights",
                                                        teacher_weights=(1.0,)).validate(),
    "config.teacher_weights_unused": lambda: tiny_config(teacher_weights=(1.0,)).validate(),
    "config.teachers_max": lambda: tiny_config(extra_teachers=("mlp-large", "cnn-small", "mlp", "mlp-small"))
    .validate(),
    "config.teachers_twice": lambda: tiny_config(extra_teachers=(tiny_config().teacher,)).validate(),
    "config.terms_kw_mapping": lambda: tiny_config(terms_kw="dkd").validate(),
    "config.terms_mapping": lambda: RunConfig(terms="soft").validate(),
    "config.type": lambda: RunConfig.from_dict({"epochs": "ten"}),
    "config.unknown_fields": lambda: RunConfig.from_dict({"temprature": 3}),
    "data.few_sentences": lambda: load_dataset("tinylang", n=5),
    "data.knob_amount": lambda: check_dataset_knobs("moons", {"noise": -1}),
    "data.knob_flag": with_bool_knob,
    "data.knob_whole": lambda: check_dataset_knobs("moons", {"n": 2.5}),
    "data.no_knob": lambda: check_dataset_knobs("moons", {"size": 3}),
    "data.seq_len": lambda: load_dataset("reviews", seq_len=1),
    "data.text_short": lambda: stream_splits("tiny", "abc", 64),
    "device.missing": lambda: resolve_device("mps"),
    "file.not_mapping": lambda: load_tensors(io.BytesIO(saved([1, 2]))),
    "file.not_weights": lambda: load_tensors(io.BytesIO(b"not a checkpoint")),
    "import.compressed": lambda: weights_import(compressed_weights()),
    "import.misfit": misfit_weights,
    "import.not_archive": lambda: weights_import(b"plain bytes"),
    "import.not_tensors": lambda: weights_import(saved({"student": {"w": object()}})),
    "import.roles": lambda: weights_import(saved({"teacher": {}})),
    "import.state": lambda: weights_import(saved({"student": [1]})),
    "import.too_big": lambda: weights_import(huge_weights()),
    "language.prompt_empty": lambda: prompt_ids(CharTokenizer(("<pad>", "a")), ""),
    "language.prompt_long": lambda: prompt_ids(CharTokenizer(("<pad>", "a")), "a" * 300),
    "language.prompt_unknown": lambda: prompt_ids(CharTokenizer(("<pad>", "a")), "xyz"),
    "language.temperature": lambda: generate_text(None, None, "a", tokens=5, temperature=-1),
    "language.tokens": lambda: generate_text(None, None, "a", tokens=0),
    "lesson.unknown": lambda: lesson("no-such-lesson"),
    "link.file_big": lambda: config_document(b" " * 300_000),
    "link.file_utf8": lambda: config_document(b"\xff\xfe"),
    "link.flag": lambda: config_from_query({"baseline": "maybe"})[1][0],
    "link.ignored": lambda: config_from_query({"colour": "red"})[1][0],
    "link.json": lambda: config_document(b"{not json"),
    "link.json_deep": lambda: config_document("[" * 100_000),
    "link.list_number": lambda: config_from_query({"teacher_weights": "a,b"})[1][0],
    "link.list_whole": lambda: config_from_query({"exclude_classes": "one"})[1][0],
    "link.number": lambda: config_from_query({"temperature": "hot"})[1][0],
    "link.one_method": lambda: one_method(tiny_config(terms={"soft": 0.9, "dkd": 1.0}))[1][0],
    "link.outside": lambda: clamp_to_bounds(tiny_config(temperature=50.0), {"temperature": (1.0, 20.0)})[1][0],
    "link.term_knob": lambda: config_from_query({"terms_kw": "nckd=8"})[1][0],
    "link.weight": lambda: config_from_query({"terms": "dkd=lots"})[1][0],
    "link.whole": lambda: config_from_query({"epochs": "many"})[1][0],
    "methods.no_seed": lambda: plan(tiny_config(), ["kd"], []),
    "methods.unknown": lambda: plan(tiny_config(), ["magic"], [0]),
    "model.cnn": lambda: build_model("cnn", spec_of("digits"), knobs={"width": 0}),
    "model.gpt": lambda: build_model("gpt", spec_of("tinylang"), knobs={"dim": 30, "heads": 4}),
    "model.lstm": lambda: build_model("lstm", spec_of("reviews"), knobs={"dim": 0}),
    "model.mlp": lambda: build_model("mlp", spec_of("digits"), knobs={"hidden": 0}),
    "model.mobilenet": lambda: build_model("mobilenet_v3_small", spec_of("digits"), knobs={"width": 0}),
    "model.modality": lambda: build_model("gpt-tiny", spec_of("digits")),
    "model.no_knob": lambda: build_model("mlp", spec_of("digits"), knobs={"colour": 1}),
    "model.resnet_depth": lambda: build_model("resnet", spec_of("digits"), knobs={"depth": 9}),
    "model.resnet_width": lambda: build_model("resnet", spec_of("digits"), knobs={"width": 0}),
    "model.transformer": lambda: build_model("transformer", spec_of("reviews"), knobs={"dim": 30, "heads": 4}),
    "model.vit_patch": lambda: build_model("vit", spec_of("digits"), knobs={"patch": 3}),
    "queue.browser": browser_full,
    "queue.compress_unfinished": lambda: on_queued_run(
        lambda runner, store, run_id: runner.compress(run_id, CompressRequest(int8=True), "me")),
    "queue.delete_active": lambda: on_queued_run(lambda runner, store, run_id: runner.delete(run_id, "me")),
    "queue.export_format": lambda: on_queued_run(
        lambda runner, store, run_id: runner.export(run_id, "student", "pdf", "me")),
    "queue.full": queue_full,
    "queue.not_owner": lambda: on_queued_run(lambda runner, store, run_id: runner.delete(run_id, "someone else")),
    "recipe.invalid": lambda: check_recipe({"model": "mlp"}, RecipeCaps(10**6, 4096)),
    "registry.unknown": lambda: tiny_config(dataset="nope").validate(),
    "seeds.distinct": lambda: parse_seeds("1,1"),
    "seeds.syntax": lambda: parse_seeds("one,two"),
    "settings.devices": lambda: ServerSettings.parse({"devices": ["gpu"]}),
    "settings.flag": lambda: ServerSettings.parse({"cli_caps": "perhaps"}),
    "settings.gpus": lambda: ServerSettings.parse({"ray_gpus_per_run": "100"}),
    "settings.key": lambda: ServerSettings.parse({"instructor_key": "short"}),
    "settings.one_of": lambda: ServerSettings.parse({"warm_teachers": "all"}),
    "settings.ray_address": lambda: ServerSettings.parse({"ray_address": "local"}),
    "settings.unknown": lambda: ServerSettings.parse({"max_pizzas": 3}),
    "settings.whole": lambda: ServerSettings.parse({"max_epochs": "lots"}, {"max_epochs": Phrase(
        "settings.from_env", "from {variable}", variable="KDLAB_MAX_EPOCHS")}),
    "store.no_run": lambda: RunStore().get("20250101-000000-000000"),
    "store.no_variant": lambda: on_queued_run(lambda runner, store, run_id: store.variant_file(run_id, "int8")),
    "store.no_weights": lambda: on_queued_run(lambda runner, store, run_id: store.weights_bytes(run_id)),
    "store.unfinished": lambda: on_queued_run(lambda runner, store, run_id: load_run(store, run_id)),
    "store.workspace": lambda: check_workspace("../etc"),
    "sweep.axis_key": lambda: sweep(axes={"temperature.x": [1]}),
    "sweep.cell": lambda: sweep(axes={"temperature": [0]}),
    "sweep.driven": driven_twice,
    "sweep.finished": finished_sweep,
    "sweep.grid_syntax": lambda: parse_axis("temperature"),
    "sweep.kind": lambda: sweep(kind="random"),
    "sweep.no_axis": lambda: sweep(),
    "sweep.no_choices": lambda: search(student=(None, None, False, False, [])),
    "sweep.no_range": lambda: sweep(kind="search", trials=2),
    "sweep.no_seed": lambda: sweep(axes={"temperature": [1]}, seeds=[]),
    "sweep.no_sweep": lambda: SweepRecords(RunStore()).get("sweep-nope"),
    "sweep.no_value": lambda: sweep(axes={"temperature": []}),
    "sweep.not_owner": lambda: SweepRecords(RunStore()).request_stop(
        SweepRecords(RunStore()).create("grid", {}, owner="me"), "someone else"),
    "sweep.objective": lambda: sweep(axes={"temperature": [1]}, objective="speed"),
    "sweep.prune_grid": lambda: sweep(axes={"temperature": [1]}, prune=True),
    "sweep.range_flag": lambda: parse_range("temperature=1:20:cubic"),
    "sweep.range_log": lambda: search(temperature=(0, 20, True)),
    "sweep.range_numbers": lambda: search(temperature=("low", 20)),
    "sweep.range_order": lambda: search(temperature=(20, 1)),
    "sweep.range_whole": lambda: search(epochs=(1.5, 8, False, True)),
    "sweep.search_syntax": lambda: parse_range("temperature"),
    "sweep.seed_twice": lambda: sweep(axes={"temperature": [1]}, seeds=[1, 1]),
    "sweep.too_many": lambda: sweep(axes={"temperature": list(range(1, 1001)), "lr": [0.1, 0.01, 0.001]}),
    "sweep.unknown_axis": lambda: sweep(axes={"colour": [1]}),
    "sweep.value_twice": lambda: sweep(axes={"temperature": [1, 1]}),
    "teacher_run.id": lambda: teacher_from_run(tiny_config(teacher_run="not a run"), RunStore()),
    "teacher_run.knobs": lambda: teacher_run(teacher_kw={"hidden": 7}),
    "teacher_run.other_data": lambda: teacher_run(stored={"seed": 5}),
    "teacher_run.unfinished": lambda: teacher_run(status="running"),
    "term.knob_choice": lambda: tiny_config(terms_kw={"representation": {"feature": "logits"}}).validate(),
    "term.knob_integer": lambda: tiny_config(terms_kw={"adv": {"hidden": 2.5}}).validate(),
    "term.knob_number": lambda: tiny_config(terms_kw={"dkd": {"tckd": "x"}}).validate(),
    "term.knob_range": lambda: tiny_config(terms_kw={"dkd": {"nckd": 99.0}}).validate(),
    "upload.csv_classes": lambda: import_upload("a.csv", csv_rows({"a": 5, "b": 5, "c": 5}),
                                                UploadLimits(max_classes=2)),
    "upload.csv_columns": lambda: import_upload("a.csv", b"label\n1\n2\n"),
    "upload.csv_empty": lambda: import_upload("a.csv", b"\n\n"),
    "upload.csv_features": lambda: import_upload("a.csv", b"a,b,c,label\n1,2,3,x\n", UploadLimits(max_features=2)),
    "upload.csv_long": lambda: import_upload("a.csv", b"x,label\n" + b"1" * 70_000 + b",a\n"),
    "upload.csv_number": lambda: import_upload("a.csv", b"x,label\noops,a\n"),
    "upload.csv_ragged": lambda: import_upload("a.csv", b"x,y,label\n1,2,a\n1,a\n"),
    "upload.csv_rows": lambda: import_upload("a.csv", csv_rows({"a": 10, "b": 10}), UploadLimits(max_samples=5)),
    "upload.csv_scale": lambda: import_upload("a.csv", far_apart_csv()),
    "upload.csv_utf8": lambda: import_upload("a.csv", b"x,label\n1,\xff\n"),
    "upload.disk_room": lambda: import_upload("a.csv", csv_rows({"a": 10, "b": 10}), UploadLimits(max_total_bytes=1)),
    "upload.few_classes": lambda: import_upload("a.csv", csv_rows({"cat": 10})),
    "upload.few_samples": lambda: import_upload("a.csv", csv_rows({"cat": 10, "dog": 2})),
    "upload.image_size": lambda: import_upload("a.zip", zipped({"a/big.png": png(4097, 4097)})),
    "upload.image_unreadable": lambda: import_upload("a.zip", zipped({"a/1.png": b"not an image"})),
    "upload.kind": lambda: import_upload("notes.exe", b"abc"),
    "upload.larger": lambda: import_upload("a.csv", io.BytesIO(csv_rows({"a": 50, "b": 50})),
                                           UploadLimits(max_bytes=50)),
    "upload.not_file": lambda: import_data_file(kdlab_home()),
    "upload.not_owner": not_my_upload,
    "upload.pixels": many_pixels,
    "settings.home": home_at_root,
    "settings.table": lambda tmp_path: settings_file(tmp_path, "server = 1\n"),
    "settings.toml": lambda tmp_path: settings_file(tmp_path, "[server\n"),
    "upload.tensors": lambda: import_upload("a.csv", csv_rows({"a": 10, "b": 10}),
                                            UploadLimits(max_unpacked_bytes=10)),
    "upload.text_binary": lambda: import_upload("a.txt", b"text\x00more"),
    "upload.text_empty": lambda: import_upload("a.txt", b"   \n"),
    "upload.text_long": lambda: import_upload("a.txt", b"abc " * 1000, UploadLimits(max_samples=2)),
    "upload.text_utf8": lambda: import_upload("a.txt", b"caf\xe9"),
    "upload.text_vocab": lambda: import_upload("a.txt", "".join(map(chr, range(0x4e00, 0x4e00 + 9000))).encode()),
    "upload.too_big": lambda: import_upload("a.csv", b"x" * 100, UploadLimits(max_bytes=10)),
    "upload.unreadable": lambda: import_data_file(kdlab_home() / "no-such-file.csv"),
    "upload.zip_classes": lambda: import_upload("a.zip", zipped({f"{c}/1.png": png() for c in "abc"}),
                                                UploadLimits(max_classes=2)),
    "upload.zip_entries": lambda: import_upload("a.zip", zipped({f"c/{i}.png": b"" for i in range(3)}),
                                                UploadLimits(max_files=2)),
    "upload.zip_entry": lambda: import_upload("a.zip", damaged_zip()),
    "upload.zip_folders": lambda: import_upload("a.zip", zipped({"loose.png": b""})),
    "upload.zip_images": lambda: import_upload("a.zip", zipped({f"c/{i}.png": b"" for i in range(3)}),
                                               UploadLimits(max_samples=2)),
    "upload.zip_link": lambda: import_upload("a.zip", zipped({"a/1.png": png()}, links=("a/2.png",))),
    "upload.zip_no_images": lambda: import_upload("a.zip", zipped({"a/readme.txt": b"hi"})),
    "upload.zip_outside": lambda: import_upload("a.zip", zipped({"../evil/a.png": png(), "ok/b.png": png()})),
    "upload.zip_unpacked": lambda: import_upload("a.zip", zipped({"a/1.png": b"\0" * 5000}),
                                                 UploadLimits(max_unpacked_bytes=1000)),
    "upload.zip_unreadable": lambda: import_upload("a.zip", b"PK\x03\x04 not really"),
    "value.positive": lambda: tiny_config(temperature=0).validate(),
    "value.whole": lambda: tiny_config(epochs=0).validate(),
}

NOT_TRIGGERED = {  # keys no input can reach today, and why they are kept
    "upload.csv_unreadable": "Python 3.11's csv reader (not strict) refuses only an over-long value, which is "
                             "upload.csv_long; the key words what another version may raise",
    "upload.zip_declared": "Python's zipfile never reads past what the archive declares; the check guards a reader "
                           "that would",
}


def caught(key: str, request) -> UserError | Phrase:
    """What ``TRIGGERS[key]`` raises (a refusal) or returns (a link's problem, a Phrase)."""
    trigger = TRIGGERS[key]
    fixtures = {name: request.getfixturevalue(name) for name in inspect.signature(trigger).parameters}
    try:
        result = trigger(**fixtures)
    except UserError as err:
        return err
    assert isinstance(result, Phrase), f"{key}: nothing was refused"
    return result


def keys_in(err) -> set[str]:
    """The key of ``err`` and of every error or Phrase among its values."""
    found = {err.key}
    for value in err.values.values():
        if hasattr(value, "key") and hasattr(value, "values"):
            found |= keys_in(value)
    return found


def english_left(key: str, shown: str) -> list[str]:
    """What a Chinese page must not show: a run of four English words outside names and quoted library words, and
    a raw config key."""
    text = NAMES.sub("", QUOTED.sub("", shown))
    found = ENGLISH_RUN.findall(text)
    if key not in RAW_KEYS_SHOWN:
        found += RAW_KEY.findall(text)
    return found


def test_every_key_of_the_catalog_has_a_trigger():
    phrases = set(PHRASES)
    assert sorted(set(CATALOG) - set(TRIGGERS) - set(NOT_TRIGGERED) - phrases) == []
    assert sorted(set(TRIGGERS) - set(CATALOG)) == []


@pytest.mark.parametrize("key", sorted(TRIGGERS))
def test_each_error_is_raised_for_real_with_its_key_english_on_the_cli_and_chinese_for_a_chinese_page(key, request):
    err = caught(key, request)
    assert PHRASES.get(key, key) in keys_in(err) and key in keys_in(err), keys_in(err)
    assert not re.search(r"[\u4e00-\u9fff]", str(err)), str(err)  # the CLI prints the English sentence
    shown = error_words(err, "zh")
    assert re.search(r"[\u4e00-\u9fff]", shown) and english_left(key, shown) == [], shown


def page(errors):
    import streamlit as st

    from ui.common import error_text, tr
    for err in errors:
        st.error(tr("common.error", message=error_text(err)))


def shown_on_a_page(errors: list, lang: str = "zh") -> list[str]:
    at = AppTest.from_function(page, args=(errors,), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return [e.value.replace("\\", "") for e in at.error]


@pytest.mark.slow
def test_every_error_reads_chinese_on_a_chinese_page(request):
    """All of them at once, through the page's own path (``tr`` escapes, Streamlit draws the Markdown)."""
    keys = sorted(TRIGGERS)
    shown = shown_on_a_page([caught(key, request) for key in keys])
    assert len(shown) == len(keys)
    left = {key: english_left(key, text) for key, text in zip(keys, shown) if english_left(key, text)}
    assert left == {}


def test_a_planted_english_error_is_caught_on_a_chinese_page():
    planted = UserError("plant.english", "this refusal was never given its Chinese words")
    worded = UserError("value.whole", "{setting} must be an integer >= 1, got {value}", setting="epochs", value=0)
    shown = shown_on_a_page([planted, worded])
    assert english_left("plant.english", shown[0]) == ["this refusal was never given its Chinese words"]
    assert english_left("value.whole", shown[1]) == [] and "训练轮数" in shown[1]


def test_the_english_page_names_a_setting_as_the_page_does():
    shown = shown_on_a_page([caught("config.fraction", None)], "en")
    assert "train_fraction" not in shown[0] and "share of the training set" in shown[0]
