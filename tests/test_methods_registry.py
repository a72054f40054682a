"""The loss-term registry is the single source of truth: a term registered from this file alone shows up in
``kdlab list``, in a CLI run's JSON and curves, in the formula and as a control on the Distill page; every method
runs on the bundled data without diverging; several teachers work end to end; compare-methods prints its table."""
from __future__ import annotations

import json

import pytest
import torch
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.cli import main
from kdlab.losses import LOSS_TERMS, TermInputs, register_function, terms
from kdlab.losses import term as term_spec
from kdlab.sweeps.methods import methods, plan
from kdlab.runs.store import RunStore
from kdlab.train import run_distillation
from kdlab.viz.summary import loss_formula_latex

from .conftest import assert_clean, tiny_config

TINY = ["--teacher", "cnn-large", "--student", "mlp-small", "--epochs", "2", "--teacher-epochs", "2", "--batch-size", "128"]


@pytest.fixture
def throwaway_term():
    """A term no file of kdlab knows: the mean squared difference of the two models' logits."""
    @register_function(
        "logit_mse", symbol=r"\mathcal{L}_{MSE}", label={"en": "logit MSE", "zh": "logit 均方误差"},
        explain={"en": "pull the raw logits together", "zh": "直接拉近原始 logits"}, paper="Ba & Caruana 2014",
        knowledge="logits", reads=("logits",), method="mse")
    def logit_mse(inputs: TermInputs) -> torch.Tensor:
        return (inputs.student.logits.float() - inputs.teacher_logits[0].float()).pow(2).mean()

    yield "logit_mse"
    LOSS_TERMS.remove("logit_mse")


@pytest.mark.shared_home  # an AppTest page: the app's job runner is the session's
def test_a_term_registered_here_reaches_the_cli_the_curves_the_formula_and_the_distill_page(throwaway_term, capsys):
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["loss_terms"]
    assert {"name": "logit_mse", "paper": "Ba & Caruana 2014", "weight": "terms.logit_mse"}.items() <= \
        next(t for t in listed if t["name"] == "logit_mse").items()

    assert main(["distill", *TINY, "--term", "logit_mse=0.5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["config"]["terms"] == {"soft": 0.9, "logit_mse": 0.5}
    curves = [e["metrics"] for e in RunStore().events(result["run_id"]) if e["phase"] == "student"]
    assert curves and all(m["logit_mse"] >= 0 for m in curves)

    assert r"0.50\,\mathcal{L}_{MSE}" in loss_formula_latex(RunConfig(terms={"logit_mse": 0.5}))

    at = AppTest.from_file("../app_pages/distill.py", default_timeout=60).run()
    assert_clean(at)
    assert "logit_mse" in at.selectbox(key="distill_method").options or "logit MSE" in \
        at.selectbox(key="distill_method").options  # a logit-level term is one more method to choose
    at.selectbox(key="distill_method").set_value("logit_mse").run()
    control = at.select_slider(key="distill_term_logit_mse")
    assert control.label == "weight of logit MSE" and not control.disabled
    control.set_value(0.3).run()
    assert_clean(at)
    assert at.session_state["distill_config"].terms == {"soft": 0.0, "logit_mse": 0.3}
    assert r"0.30\,\mathcal{L}_{MSE}" in at.latex[0].value


def test_every_method_is_listed_with_its_paper(capsys):
    assert main(["list", "--json"]) == 0
    listed = {t["method"]: t for t in json.loads(capsys.readouterr().out)["loss_terms"]}
    for method in ("kd", "dkd", "dist", "ls", "ctkd", "pkt", "sp", "at", "fitnet", "rkd"):
        assert listed[method]["paper"] and listed[method]["label"]["zh"] and listed[method]["explain"]["zh"]


@pytest.mark.parametrize("dataset, teacher, student", [("digits", "cnn-large", "mlp-small"),
                                                       ("reviews", "transformer-small", "transformer-tiny")])
def test_no_method_default_diverges_in_two_epochs(dataset, teacher, student):
    base = tiny_config(dataset=dataset, teacher=teacher, student=student, epochs=2, teacher_epochs=2,
                       dataset_kw={"n": 400} if dataset == "reviews" else {})
    the_plan = plan(base, list(methods()), [0])
    language_models_only = {"rkl", "gjsd", "skl"}  # skipped for classifiers, with the reason
    assert set(the_plan.skipped) == language_models_only | ({"at"} if dataset == "digits" else set())
    for name, _, config in the_plan.runs:
        summary = run_distillation(config).summary()  # raises TrainingDiverged on NaN/inf
        assert 0 <= summary["student_acc"] <= 1, name


def test_learned_temperature_is_a_curve_and_moves():
    class Curve:
        def __init__(self):
            self.values = []

        def on_epoch_end(self, event):
            if event.phase == "student":
                self.values.append(event.metrics["ctkd.temperature"])

    curve = Curve()
    run_distillation(tiny_config(terms={"soft": 0.0, "ctkd": 1.0}, terms_kw={"ctkd": {"rise": 0.2}}), [curve])
    start = 1 + 20 * torch.sigmoid(torch.tensor(1.0)).item()  # the official initial T, about 15.6
    assert len(curve.values) == 3 and all(1 < t < 21 for t in curve.values)
    assert abs(curve.values[-1] - start) > 1e-3  # the reversed gradient moved it


def test_two_teachers_fuse_and_every_teacher_is_reported():
    config = tiny_config(extra_teachers=("mlp-large",), fusion="confidence").validate()
    summary = run_distillation(config).summary()
    assert [t["name"] for t in summary["teachers"]] == ["cnn-large", "mlp-large"]
    assert all(0 < t["acc"] <= 1 and 0 <= t["agreement"] <= 1 for t in summary["teachers"])
    assert summary["teachers"][0]["acc"] == summary["teacher_acc"]
    assert 0 < summary["ensemble_acc"] <= 1


def test_two_teachers_from_the_cli(capsys):
    assert main(["distill", *TINY, "--teachers", "cnn-large,mlp-large", "--fusion", "weights",
                 "--teacher-weights", "2,1", "--no-record", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["config"]["extra_teachers"] == ["mlp-large"] and summary["config"]["teacher_weights"] == [2, 1]
    assert len(summary["teachers"]) == 2


def test_compare_methods_prints_a_row_per_method_and_skips_what_the_pair_cannot_do(capsys):
    assert main(["compare-methods", *TINY, "--methods", "kd,dkd,at", "--seeds", "0,1", "--json"]) == 0
    rows = {r["method"]: r for r in json.loads(capsys.readouterr().out)["rows"]}
    assert set(rows) == {"ce", "kd", "dkd", "at"}
    assert "attention maps" in rows["at"]["skipped"]
    assert rows["kd"]["n"] == 2 and rows["kd"]["acc_std"] is not None and rows["kd"]["gain_low"] is not None
    assert rows["ce"]["gain_mean"] == 0


def test_compare_methods_names_an_unknown_method(capsys):
    assert main(["compare-methods", "--methods", "kd,magic"]) == 2
    assert "unknown methods magic" in capsys.readouterr().err


def test_every_term_has_both_languages():
    for spec in terms():
        for what in ("label", "explain"):
            assert getattr(spec, what)["en"] and getattr(spec, what)["zh"], (spec.name, what)
        for knob in spec.knobs.values():
            assert knob.help["en"] and knob.help["zh"]


def test_a_knob_without_words_in_both_languages_is_refused_at_registration():
    from kdlab.losses import Knob

    with pytest.raises(ValueError, match="knob 'k' needs a label"):
        register_function("unworded", symbol="x", label={"en": "x", "zh": "x"}, explain={"en": "x", "zh": "x"},
                          paper="-", knowledge="logits", reads=("logits",), method="unworded",
                          knobs={"k": Knob("a", {"en": "which", "zh": "哪个"}, choices=("a", "b"),
                                           label={"en": "k", "zh": "k"})})(lambda inputs, k: inputs.labels.sum())
    assert "unworded" not in LOSS_TERMS


def test_the_registrys_chinese_follows_the_glossary():
    """Labels, explanations, knob labels, help and choices, reasons and curve names reach every page (History, the
    live legend, Methods, the Distill knobs): the glossary's test reads them like the page texts."""
    from .test_glossary import glossary_problems

    table = {}
    for spec in terms():
        table |= {f"{spec.name}.label": spec.label, f"{spec.name}.explain": spec.explain}
        table |= {f"{spec.name}.off": spec.off_reason} if spec.off_reason else {}
        table |= {f"{spec.name}.curve.{key}": words for key, words in spec.curves.items()}
        for key, knob in spec.knobs.items():
            table |= {f"{spec.name}.{key}.label": knob.label, f"{spec.name}.{key}.help": knob.help}
            table |= {f"{spec.name}.{key}.{choice}": words for choice, words in knob.choice_labels.items()}
    assert glossary_problems(table) == []


def test_a_term_curve_gets_its_own_figure_named_by_the_registry():
    from kdlab.viz import figures

    events = [{"phase": "student", "kind": "step", "epoch": 1, "step": s, "progress": s / 4,
               "metrics": {"ce": 1.0, "ctkd": 0.5, "total": 1.5, "ctkd.temperature": 15.0 + s}} for s in range(1, 4)]
    figs = figures.learning_curves(events)
    assert [t.name for t in figs["terms"].data] == ["learned temperature T (CTKD)"]
    assert list(figs["terms"].data[0].y) == [16.0, 17.0, 18.0]
    assert "terms" not in figures.learning_curves([{**e, "metrics": {"ce": 1.0}} for e in events])


def test_the_readme_methods_table_is_the_registry():
    from pathlib import Path

    from kdlab.cli.methods import methods_markdown

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    block = readme.split("keeps it in step -->\n", 1)[1].split("\n<!-- end of methods table -->", 1)[0]
    assert block == methods_markdown()


@pytest.mark.shared_home  # an AppTest page: the app's job runner is the session's
def test_every_add_on_has_a_control_on_the_distill_page_and_a_methods_knobs_reach_the_config():
    from ui.loss_controls import addons, knob_key, weight_key

    at = AppTest.from_file("../app_pages/distill.py", default_timeout=60).run()
    at.selectbox(key="distill_teacher").set_value("cnn-small")
    at.selectbox(key="distill_student").set_value("cnn-small").run()
    assert [spec.name for spec in addons()][:2] == ["attention", "representation"]  # the card's β and γ, then the
    # expander's
    for spec in addons():
        assert not at.select_slider(key=weight_key(spec)).disabled, spec.name
    at.selectbox(key="distill_method").set_value("dkd").run()
    at.slider(key=knob_key(term_spec("dkd"), "nckd")).set_value(4.0).run()
    assert_clean(at)
    config = at.session_state["distill_config"]
    assert config.terms == {"soft": 0.0, "dkd": 1.0} and config.terms_kw == {"dkd": {"nckd": 4.0}}
    assert r"1\,\mathcal{L}_{DKD}" in at.latex[0].value


@pytest.mark.shared_home  # an AppTest page: the app's job runner is the session's
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_knob_on_the_distill_page_is_labelled_in_words_never_by_its_key(lang):
    """Each method opened from a link (no rerun: a fresh session per method), every add-on on: each knob widget
    carries the registry's label in the page's language, and each choice its words (yes/no, embedding/mid)."""
    from kdlab.method_choice import logit_methods
    from ui.loss_controls import addons, knob_key

    on = {spec.name: spec.default_weight for spec in addons() if spec.name != "attention"}
    default = RunConfig()
    for method in logit_methods(default.teacher, default.student):
        at = AppTest.from_file("../app.py", default_timeout=60)
        weights = {"soft": 0.9 if method.name == "soft" else 0.0, method.name: method.default_weight, **on}
        at.query_params.update({"lang": lang, "terms": ",".join(f"{k}={v:g}" for k, v in weights.items())})
        at.run().switch_page("app_pages/distill.py").run()
        assert_clean(at)
        assert not at.warning, [w.value for w in at.warning]
        assert at.selectbox(key="distill_method").value == method.name
        for spec in (method, *addons()):
            for key, knob in spec.knobs.items():
                widget = at.get("selectbox" if knob.choices else "slider")
                widget = next(w for w in widget if w.key == knob_key(spec, key))
                assert widget.label == knob.label[lang] and widget.label != key, (spec.name, key)
                if knob.choices:
                    assert list(widget.options) == [knob.choice_labels[c][lang] for c in knob.choices]


def test_every_default_weight_is_on_its_slider_and_a_config_survives_the_form():
    from ui.loss_controls import bounded, form_state, weight_key

    for spec in terms():
        if spec.complement or bounded(spec):  # α is a plain slider from 0 to 1
            continue
        assert spec.default_weight in spec.weight_choices, spec.name
        config = RunConfig(teacher="cnn-small", student="cnn-small", terms={"soft": 0.0, spec.name: spec.default_weight})
        assert form_state(config)[weight_key(spec)] == spec.default_weight, spec.name


def test_several_teachers_enter_the_soft_term_as_their_fused_answer():
    from kdlab import DistillationLoss, ModelOutput
    from kdlab.losses.soft import soft_targets_to

    torch.manual_seed(0)
    s, t1, t2 = (torch.randn(6, 5) for _ in range(3))
    labels = torch.arange(6) % 5
    config = RunConfig(terms={"soft": 1.0}, temperature=3.0, extra_teachers=("mlp-large",), fusion="weights",
                       teacher_weights=(3.0, 1.0))
    loss = DistillationLoss(config, ModelOutput(s), ModelOutput(t1))
    soft = loss(ModelOutput(s), ModelOutput(t1), labels, 0.5, [t2])["soft"]
    fused = 0.75 * torch.softmax(t1 / 3, 1) + 0.25 * torch.softmax(t2 / 3, 1)
    torch.testing.assert_close(soft, soft_targets_to(s, fused.log(), 3.0))
    alone = loss(ModelOutput(s), ModelOutput(t1), labels, 0.5)["soft"]
    assert abs(alone.item() - soft.item()) > 1e-3  # the second teacher changed the target


def test_ctkd_reverses_the_temperature_gradient_and_its_schedule_scales_the_step():
    from kdlab import ModelOutput
    from kdlab.losses.soft import soft_targets_to

    spec = term_spec("ctkd")
    config = RunConfig(terms={"soft": 0.0, "ctkd": 1.0})
    s, t = ModelOutput(torch.randn(8, 5)), ModelOutput(3 * torch.randn(8, 5))
    raw = torch.tensor(1.0, requires_grad=True)  # d(KD at T(raw))/d(raw) without any reversal
    soft_targets_to(s.logits, torch.log_softmax(t.logits / (1 + 20 * torch.sigmoid(raw)), 1),
                    1 + 20 * torch.sigmoid(raw)).backward()
    steps = {}
    for progress in (0.002, 1.0):  # λ about 0.006 early in the rise, 1 after it
        module = spec.build(config, s, t, **spec.knobs_in(config))
        module(TermInputs(s, t, [t.logits], torch.zeros(8, dtype=torch.long), progress, 4.0)).backward()
        assert module.raw.grad.item() * raw.grad.item() < 0  # reversed: T climbs the loss the student descends
        optimizer = torch.optim.SGD([{"params": [module.raw], **module.sgd_options}])
        before = module.raw.item()
        optimizer.step()
        steps[progress] = abs(module.raw.item() - before)
    assert steps[1.0] > 10 * steps[0.002]  # under SGD the schedule's λ sets the size of the step
