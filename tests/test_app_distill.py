"""The home page and the Distill page, driven by AppTest through app.py's navigation, on real tiny digits runs."""
from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.config import parse_knobs
from kdlab.losses import terms
from kdlab.method_choice import logit_methods
from kdlab.losses.attention import attention_pair_problem
from kdlab.sweeps.methods import plan
from kdlab.runs.store import RunStore
from kdlab.viz.summary import loss_formula_latex, summary_table
from ui.common import plain
from ui.loss_controls import addons

from .conftest import assert_clean

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"
DISTILL = "app_pages/distill.py"


def open_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def open_distill() -> AppTest:
    return open_app().switch_page(DISTILL).run()


def set_tiny(at: AppTest, epochs: int = 2) -> AppTest:
    """digits, a small teacher trained for 2 epochs (then cached), an MLP student."""
    at.selectbox(key="distill_dataset").set_value("digits")
    at.selectbox(key="distill_teacher").set_value("cnn-small")
    at.selectbox(key="distill_student").set_value("mlp-small")
    at.number_input(key="distill_teacher_epochs").set_value(2)
    at.number_input(key="distill_epochs").set_value(epochs)
    at.select_slider(key="distill_batch_size").set_value(128)
    return at.run()


def latest_run(at: AppTest) -> str:
    return at.session_state["kdlab_runs"][-1]


def has_stop_button(at: AppTest, run_id: str) -> bool:
    return any(button.key == f"live_stop_{run_id}" for button in at.button)


def poll_until_done(at: AppTest, run_id: str, deadline_s: float = 90) -> AppTest:
    """Rerun the page, as the polling fragment would, until the run is no longer active (its Stop button goes)."""
    deadline = time.monotonic() + deadline_s
    while has_stop_button(at, run_id):
        assert time.monotonic() < deadline, f"run {run_id} still active after {deadline_s} s"
        time.sleep(0.5)
        at.run()
    return at


def messages(at: AppTest) -> list[str]:
    return [m.value for m in (*at.success, *at.info, *at.warning)]


def test_the_loss_formula_substitutes_t_alpha_beta_gamma_and_computes_one_minus_alpha():
    latex = loss_formula_latex(RunConfig(temperature=4.0, terms={"soft": 0.9, "representation": 0.3}))
    assert latex.startswith(r"\mathcal{L} = 0.10\,\mathrm{CE}(y, s) + 0.90\cdot 4^{2}")
    assert r"softmax}(t/4)" in latex and r"0\,\mathcal{L}_{att}" in latex and r"0.30\,\mathcal{L}_{rep}" in latex


def test_knobs_parse_into_typed_values_and_a_bad_pair_is_a_value_error():
    assert parse_knobs("hidden=64, depth=1,bias=false,drop=0.5") == {"hidden": 64, "depth": 1, "bias": False,
                                                                      "drop": 0.5}
    with pytest.raises(ValueError, match="key=value"):
        parse_knobs("width")


def test_attention_transfer_needs_maps_of_one_kind_in_both_models():
    assert attention_pair_problem("cnn-large", "cnn-small") is None
    assert attention_pair_problem("vit-small", "vit-tiny") is None
    assert "'mlp-small' has no attention maps" in attention_pair_problem("cnn-small", "mlp-small")
    assert "'cnn-small' has spatial activation maps" in attention_pair_problem("vit-small", "cnn-small")


def test_the_summary_table_has_one_row_per_trained_model_in_display_units():
    summary = dict(teacher_acc=0.95, baseline_acc=None, student_acc=0.9, teacher_params=1000, student_params=100,
                   teacher_size_bytes=4096, student_size_bytes=512, teacher_seconds=3.0, distill_seconds=1.234)
    rows = summary_table(summary)
    assert [r["role"] for r in rows] == ["teacher", "student"]
    assert rows[1] == {"role": "student", "accuracy_pct": 90.0, "macro_f1_pct": None, "params": 100, "size_kb": 0.5,
                       "seconds": 1.23}


def test_the_home_page_shows_the_loss_with_default_values_and_the_quick_demo_button():
    at = open_app()
    assert_clean(at)
    assert r"0.10\,\mathrm{CE}(y, s) + 0.90\cdot 4^{2}" in at.latex[0].value
    assert at.button(key="home_demo").label.startswith("Quick demo")


def test_the_distill_page_shares_its_config_and_the_home_page_shows_that_formula():
    at = open_distill()
    at.slider(key="distill_temperature").set_value(2.5)
    at.slider(key="distill_term_soft").set_value(0.5).run()
    assert at.slider(key="distill_term_soft").label == "α — soft targets"  # the registry's words
    assert r"0.50\cdot 2.5^{2}" in at.latex[0].value
    config = at.session_state["distill_config"]
    assert (config.temperature, config.terms) == (2.5, {"soft": 0.5})
    home = AppTest.from_file(APP, default_timeout=60)
    home.session_state["distill_config"] = config
    home.run()
    assert_clean(home)
    assert r"0.50\,\mathrm{CE}(y, s) + 0.50\cdot 2.5^{2}" in home.latex[0].value


def test_a_tiny_run_streams_then_shows_the_summary_table_curves_and_a_verdict():
    at = set_tiny(open_distill())
    assert_clean(at)
    at.button(key="distill_run").click().run()
    run_id = latest_run(at)
    poll_until_done(at, run_id)
    assert_clean(at)
    assert RunStore().get(run_id).status == "finished"
    table = at.dataframe[0].value
    assert list(table.index) == ["teacher", "baseline student", "distilled student"]
    assert list(table.columns) == ["test accuracy (%)", "macro-F1 (%)", "parameters", "size", "training time"]
    assert table["test accuracy (%)"].between(0, 100).all() and (table["parameters"] > 0).all()
    verdict = [m for m in messages(at) if "the baseline" in m and "parameters than the teacher" in m]
    assert len(verdict) == 1, messages(at)
    assert len(at.get("plotly_chart")) == 4  # loss, accuracy, agreement, per-class accuracy
    assert not at.button(key="distill_run").disabled  # free for the next run
    at.switch_page("app_pages/history.py").run()
    at.switch_page(DISTILL).run()
    assert list(at.dataframe[0].value.index) == list(table.index)  # still there after a visit elsewhere
    home = AppTest.from_file(APP, default_timeout=60)
    home.session_state["kdlab_runs"] = [run_id]
    home.run()
    assert_clean(home)
    assert list(home.dataframe[0].value.columns) == list(table.columns)  # the home page shows the latest run too
    home = AppTest.from_file(APP, default_timeout=60)
    home.query_params["lang"] = "zh"
    home.session_state["kdlab_runs"] = [run_id]
    home.run()
    assert_clean(home)
    assert list(home.dataframe[0].value.index) == ["教师", "基线学生", "蒸馏学生"]
    assert any("基线" in m and "教师" in m for m in messages(home)), messages(home)  # the verdict, in Chinese


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_control_on_the_page_reuses_a_letter_that_names_a_weight(lang):
    """α, β and γ name the soft targets', attention's and hints' weights: only their own sliders carry them (with
    every method's and add-on's knobs open: a CNN pair, each add-on on, DKD and DIST chosen in turn)."""
    letters = {spec.weight_letter: spec for spec in terms() if spec.alias}
    seen = []
    for method in ("soft", "dkd", "dist"):
        at = open_link(lang=lang, student="cnn-small", terms=f"soft={0.9 if method == 'soft' else 0},{method}=1,"
                       + ",".join(f"{spec.name}=1" for spec in addons()))
        assert_clean(at)
        for kind in ("slider", "select_slider", "selectbox", "number_input", "multiselect", "radio"):
            seen += [(w.key, w.label) for w in at.get(kind)]
    owned = {(letter, f"distill_term_{spec.name}") for letter, spec in letters.items()}
    reused = [(key, label) for key, label in seen for letter in letters if letter in label
              and (letter, key.removesuffix("_off")) not in owned]
    assert len(seen) > 20 and not reused, reused


def test_beta_is_disabled_with_its_reason_for_a_cnn_teacher_and_an_mlp_student():
    at = open_distill()
    at.selectbox(key="distill_teacher").set_value("cnn-small")
    at.selectbox(key="distill_student").set_value("mlp-small").run()
    assert at.select_slider(key="distill_term_attention_off").disabled
    assert at.select_slider(key="distill_term_attention_off").value == 0
    assert at.select_slider(key="distill_term_attention_off").label == "β — attention transfer"
    assert any("Off for this pair: both models need attention maps of one kind" in c.value for c in at.caption)
    at.selectbox(key="distill_student").set_value("cnn-small").run()
    assert not at.select_slider(key="distill_term_attention").disabled
    assert_clean(at)


def test_an_invalid_setting_shows_a_one_line_error_and_starts_no_run():
    at = open_distill()
    at.text_input(key="distill_teacher_kw").set_value("width").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Cannot run: expected key=value, got 'width'"]
    assert at.button(key="distill_run").disabled and not at.session_state["kdlab_runs"]
    at.text_input(key="distill_teacher_kw").set_value("")
    at.multiselect(key="distill_exclude_digits").set_value(list(range(10))).run()  # no class left to learn
    assert [e.value for e in at.error] == [r"Cannot run: no class is left to train the student on \(classes left out of the transfer set = every "
                                              r"class\)"]  # escaped: shown as text


def test_stop_cancels_a_running_run_and_the_page_says_so():
    at = set_tiny(open_distill(), epochs=200)
    at.button(key="distill_run").click().run()
    run_id = latest_run(at)
    at.button(key=f"live_stop_{run_id}").click().run()
    poll_until_done(at, run_id, deadline_s=60)
    assert RunStore().get(run_id).status == "cancelled"
    assert any("stopped (cancelled)" in m for m in messages(at)), messages(at)
    assert not at.exception and not at.error


def test_a_new_session_of_the_same_browser_finds_its_running_run_and_another_browser_does_not():
    """A refresh is a new Streamlit session: the browser's cookie key brings back its runs, even one started a
    moment before the reload (when the URL may not carry it yet), and keeps Run disabled while it trains."""
    at = set_tiny(open_distill(), epochs=200)
    at.button(key="distill_run").click().run()
    run_id = latest_run(at)
    assert RunStore().owned(at.session_state["kdlab_browser"]) == [run_id]
    refreshed = AppTest.from_file(APP, default_timeout=60)
    refreshed.session_state["kdlab_browser"] = at.session_state["kdlab_browser"]  # what the cookie gives it
    refreshed.run().switch_page(DISTILL).run()
    assert_clean(refreshed)
    assert has_stop_button(refreshed, run_id) and refreshed.button(key="distill_run").disabled
    stranger = open_distill()
    assert not has_stop_button(stranger, run_id) and not stranger.session_state["kdlab_runs"]
    refreshed.button(key=f"live_stop_{run_id}").click().run()
    poll_until_done(refreshed, run_id, deadline_s=60)
    assert RunStore().get(run_id).status == "cancelled"


def open_link(**params: str) -> AppTest:
    """A fresh browser session opening the Distill page from a shared link with these query parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    return at.switch_page(DISTILL).run()


def test_a_shared_link_opens_the_form_with_its_settings_and_the_url_follows_the_form():
    at = open_link(lang="en", temperature="8", alpha="0.5", student="mlp-large")  # α by its older name
    assert_clean(at)
    assert not at.warning
    assert at.slider(key="distill_temperature").value == 8.0 and at.slider(key="distill_term_soft").value == 0.5
    assert at.selectbox(key="distill_student").value == "mlp-large"
    assert any("copy the address bar URL" in c.value for c in at.caption)
    at.slider(key="distill_temperature").set_value(2.5).run()
    assert at.query_params == {"lang": "en", "ws": "default", "temperature": "2.5", "terms": "soft=0.5",
                               "student": "mlp-large"}  # the link it follows names today's field
    at.slider(key="distill_term_soft").set_value(0.9).run()  # back to its default: it leaves the link
    assert at.query_params == {"lang": "en", "ws": "default", "temperature": "2.5", "student": "mlp-large"}


def test_a_hostile_link_names_each_bad_setting_in_a_warning_and_applies_the_rest():
    at = open_link(lang="en", alpha="abc", teacher="../../x", epochs="1e9", temperature="6")
    assert_clean(at)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 3 and all(w.startswith("Link setting not applied") for w in warnings), warnings
    assert any("alpha=abc" in w for w in warnings) and any("teacher=../../x" in w for w in warnings)
    assert at.slider(key="distill_temperature").value == 6.0 and at.slider(key="distill_term_soft").value == 0.9
    assert at.query_params == {"lang": "en", "ws": "default", "temperature": "6"}  # the bad ones leave the URL
    at.run()
    assert not at.warning  # said once, on opening
    zh = open_link(lang="zh", alpha="7")  # no rerun here: AppTest cannot re-read a radio with translated labels
    assert not zh.exception
    (warning,) = [w.value for w in zh.warning]  # the link's own key, the weight in the registry's Chinese words
    assert "alpha=7" in warning and "软目标" in warning and "terms.soft" not in warning, warning


def test_an_uploaded_config_fills_the_form_once_and_a_bad_file_changes_nothing():
    at = open_distill()
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("bad.json", b"{not json", "application/json")).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Cannot load this file, the form is unchanged: " + plain(
        "the config is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2")]
    at.get("file_uploader")[0].set_value(("typo.json", b'{"temprature": 3}', "application/json")).run()
    assert [e.value for e in at.error] == ["Cannot load this file, the form is unchanged: " + plain(
        "unknown config fields: temprature")]
    assert at.slider(key="distill_temperature").value == 4.0
    record = {"id": "r1", "summary": {}, "config": {"temperature": 3.0, "alpha": 0.3, "student": "mlp-large"}}
    at.get("file_uploader")[0].set_value(("run.json", json.dumps(record).encode(), "application/json")).run()
    assert_clean(at)
    assert at.slider(key="distill_temperature").value == 3.0 and at.slider(key="distill_term_soft").value == 0.3
    assert at.selectbox(key="distill_student").value == "mlp-large"
    at.slider(key="distill_temperature").set_value(5.0).run()  # the file is still there: it is not applied again
    assert at.slider(key="distill_temperature").value == 5.0 and at.query_params["temperature"] == "5"


def test_each_method_chosen_on_the_form_is_the_run_compare_methods_makes_of_it():
    """The Method choice takes the soft targets' place exactly as the Methods page runs the method: the form's
    config, less its own baseline, is the config that compare-methods plans for that method on the same base."""
    at = open_distill()
    config = at.session_state["distill_config"]
    for method in logit_methods(config.teacher, config.student):
        at.selectbox(key="distill_method").set_value(method.name).run()
        assert_clean(at)
        config = at.session_state["distill_config"]
        compared = plan(config, [method.method], [config.seed]).runs[-1]
        assert compared[0] == method.method
        assert replace(config, baseline=False) == compared[2], method.name
        assert config.baseline and method.weight_in(config) == method.default_weight
        assert at.latex[0].value.strip("$\n") == loss_formula_latex(config)  # the formula shown is the one that runs


def test_t_is_disabled_with_a_reason_for_a_method_with_its_own_temperature():
    at = open_distill()
    at.selectbox(key="distill_method").set_value("dist").run()
    assert at.slider(key="distill_temperature").disabled
    assert any(c.value.endswith("does not use T: see its settings under Method.") for c in at.caption)
    at.selectbox(key="distill_method").set_value("dkd").run()  # DKD softens at the run's T
    assert not at.slider(key="distill_temperature").disabled


def test_an_old_link_that_stacks_two_methods_opens_with_one_and_says_so():
    """The old Distill page added DKD on top of KD (α = 0.9 and DKD at 1); such a link opens on DKD alone."""
    at = open_link(lang="en", alpha="0.9", terms="dkd=1", temperature="2")
    assert not at.exception
    assert [w.value for w in at.warning] == ["These settings stacked several methods; the form keeps one: " + plain(
        "a run has one method: dkd is kept, kd set to 0")]
    assert at.selectbox(key="distill_method").value == "dkd"
    config = at.session_state["distill_config"]
    assert (config.terms, config.temperature) == ({"soft": 0.0, "dkd": 1.0}, 2.0)
