"""The Sweep page, driven by AppTest through app.py's navigation: a 2 x 2 grid launched on the app's job queue
fills its heatmap, marks cells without a measurable difference, and offers CSV, JSON and the figure; its cells open
on Compare, its best settings fill the Distill form, the URL keeps it, only its browser may stop it; a search runs
too; bad values are one error box; the page speaks both languages."""
from __future__ import annotations

import json
import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from kdlab import RunConfig
from kdlab.losses import terms
from kdlab.runs.sweep_store import SweepRecords
from kdlab.sweeps.spec import NOT_AXES, OBJECTIVES
from kdlab.viz.sweep_figures import DEFAULT_LABELS
from ui.common import SELECTED_KEY
from ui.text import TEXT
from ui.text import t as translate

from .conftest import app_jobs, assert_clean, tiny_config

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"
PAGE = "app_pages/sweep.py"


def open_page(lang: str = "en", sweep: str | None = None, **session) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    if sweep:
        at.query_params["sweep"] = sweep
    for key, value in session.items():
        at.session_state[key] = value
    return at.run().switch_page(PAGE).run()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_opens_in_both_languages_with_nothing_launched(lang):
    at = open_page(lang)
    assert_clean(at)
    assert at.title[0].value == translate("sweep.title", lang)
    assert at.info[0].value == translate("sweep.empty", lang)


def test_a_bad_value_is_one_error_box_and_launches_nothing():
    at = open_page(distill_config=tiny_config())
    at.text_input(key="sweep_values_0").set_value("1,0")
    at.button(key="sweep_launch").click().run()
    assert len(at.error) == 1 and r"temperature T must be \> 0" in at.error[0].value  # escaped: shown as text
    assert "sweep_id" not in at.session_state


def test_a_seed_too_large_for_the_generators_is_one_error_box_and_launches_nothing():
    at = open_page(distill_config=tiny_config())
    at.text_input(key="sweep_seeds").set_value(f"0,{10**30}")
    at.button(key="sweep_launch").click().run()
    assert len(at.error) == 1 and "the seed must be an integer" in at.error[0].value and "4294967295" in at.error[0].value
    assert "sweep_id" not in at.session_state


def test_every_setting_objective_and_figure_word_has_words_in_both_languages():
    fields = [f for f in RunConfig().to_dict() if f not in NOT_AXES]  # terms: each weight by the registry
    keys = [f"sweep.setting.{f}" for f in fields] + [f"sweep.objective.{o}" for o in OBJECTIVES] + \
        [f"sweep.fig.{k}" for k in DEFAULT_LABELS]
    assert [k for k in keys if k not in TEXT] == []


def test_the_form_offers_every_registered_loss_weight_by_its_registry_label():
    at = open_page("zh")
    options = at.selectbox(key="sweep_values_axis_0").options
    for spec in terms():
        if not spec.complement:
            assert any(spec.label["zh"] in option for option in options), spec.name
    assert translate("sweep.setting.temperature", "zh") in options and "temperature" not in options
    assert not {"alpha", "beta", "gamma", "lr", "train_fraction", "epochs"} & set(options)
    assert "α —— 软目标" in options and not [o for o in options if "terms." in o]  # the registry's words, no key


def wait_until_ended(sweep_id: str, deadline_s: float = 240) -> None:
    records = SweepRecords(app_jobs().store)
    deadline = time.monotonic() + deadline_s
    while records.get(sweep_id).status == "running":
        assert time.monotonic() < deadline, "the sweep did not finish in time"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def grid() -> tuple[str, str]:
    """A 2 x 2 grid x 2 seeds launched from the page and finished: its id and the browser key that started it.
    α = 0 trains the distilled student exactly as its baseline (same weights, same batches, CE alone), so those
    two cells are a forced tie: a gain of 0 on every seed, with no interval. The α = 0.7 cells may tie or not."""
    at = open_page(distill_config=tiny_config(teacher_epochs=2, epochs=2, train_limit=300))
    at.text_input(key="sweep_values_0").set_value("1,4")
    at.text_input(key="sweep_values_1").set_value("0,0.7")
    at.text_input(key="sweep_seeds").set_value("0,1")
    at.button(key="sweep_launch").click().run()
    assert_clean(at)
    sweep_id = at.session_state["sweep_id"]
    assert at.query_params["sweep"] in (sweep_id, [sweep_id])  # a refresh keeps the page
    wait_until_ended(sweep_id)
    return sweep_id, at.session_state["kdlab_browser"]


def test_a_two_by_two_grid_fills_its_heatmap_and_exports(grid):
    sweep_id, browser = grid
    at = open_page(sweep=sweep_id, kdlab_browser=browser)  # a new session: the URL alone brings the sweep back
    assert_clean(at)
    records = SweepRecords(app_jobs().store)
    record = records.get(sweep_id)
    assert record.status == "finished" and record.report["trials_done"] == 8 and record.owner == browser
    assert len(record.report["cells"]) == 4 and all(c["n"] == 2 for c in record.report["cells"])
    trace = at.get("plotly_chart")[0].proto.spec
    assert '"type": "heatmap"' in trace or '"type":"heatmap"' in trace
    hover = json.loads(trace)["data"][0]["hovertext"]
    for cell in record.report["cells"]:
        gain = cell["stats"]["gain"]
        text = hover[[0, 0.7].index(cell["values"]["terms.soft"])][[1, 4].index(cell["values"]["temperature"])]
        assert translate("sweep.fig.seeds_many", n=2) in text  # the hover: mean ± std, interval or why none, n
        if cell["values"]["terms.soft"] == 0:  # the forced tie
            assert gain["mean"] == 0 and gain["std"] == 0 and cell["verdict"] == "no_difference"
        if gain["std"] == 0:
            assert translate("sweep.fig.tie") in text and translate("sweep.fig.no_difference") in text
        else:
            assert " ± " in text and translate("sweep.fig.interval", low="", high="").split()[0] in text
        if cell["verdict"] == "no_difference":
            assert "≈" in trace
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [translate("sweep.csv"), translate("sweep.json"), translate("sweep.html")]
    assert all(r.source == "sweep" and r.status == "finished"
               for r in (app_jobs().store.get(t["run_id"]) for t in records.trials(sweep_id)))
    assert not [b for b in at.button if b.key in ("sweep_stop", "sweep_resume")]  # it has ended


RAW = re.compile(r"\b(None|NaN|nan|inf|student_acc|train_fraction|alpha|terms\.[a-z]+|95% CI)\b")


def visible_text(at: AppTest) -> str:
    """What a person reads on the page: its texts, widget labels and options, table cells, the figure's words."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "title") for e in getattr(at, kind)]
    for widget in (*at.selectbox, *at.text_input, *at.radio, *at.button):
        parts += [widget.label, *getattr(widget, "options", [])]
    for frame in at.dataframe:
        parts += [str(c) for c in frame.value.columns] + [str(v) for v in frame.value.to_numpy().ravel()]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    parts += [str(figure["layout"][axis]["title"]["text"]) for axis in ("xaxis", "yaxis")]
    for trace in figure["data"]:
        parts += [str(v) for key in ("x", "y", "text", "hovertext") for v in json.dumps(trace.get(key, [])).split('"')]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_names_settings_in_words_and_shows_no_raw_key_or_none(grid, lang):
    sweep_id, browser = grid
    at = open_page(lang, sweep=sweep_id, kdlab_browser=browser)
    assert_clean(at)
    shown = visible_text(at)
    assert not RAW.findall(shown), RAW.findall(shown)
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["xaxis"]["title"]["text"] == translate("sweep.setting.temperature", lang)
    assert figure["layout"]["yaxis"]["title"]["text"].startswith("α")  # the registry's symbol and label
    assert translate("sweep.fig.tie", lang) in shown  # the α = 0 cells: said in words, in the table too
    assert translate("sweep.fig.seeds_many", lang, n=2) in shown and "1 seeds" not in shown


def test_a_cell_opens_its_runs_on_compare(grid):
    sweep_id, browser = grid
    at = open_page(sweep=sweep_id, kdlab_browser=browser)
    at.selectbox(key="sweep_cell").set_value(3).run()
    cell = SweepRecords(app_jobs().store).get(sweep_id).report["cells"][3]
    assert at.selectbox(key="sweep_run").options == [
        translate("sweep.run_label", seed=row["seed"], run_id=row["run_id"]) for row in cell["seeds"]]
    at.selectbox(key="sweep_run").set_value(cell["seeds"][1]["run_id"]).run()
    at.button(key="sweep_open_compare").click().run()
    assert_clean(at)
    assert at.session_state[SELECTED_KEY] == cell["seeds"][1]["run_id"]
    assert at.title[0].value == translate("compare.title")


def test_the_best_settings_fill_the_distill_form(grid):
    sweep_id, browser = grid
    at = open_page(sweep=sweep_id, kdlab_browser=browser, distill_config=tiny_config(temperature=9.0,
                                                                                           terms={"soft": 0.2}))
    best = SweepRecords(app_jobs().store).get(sweep_id).report["best"]["values"]
    at.button(key="sweep_use_best").click().run()
    assert_clean(at)
    assert at.title[0].value == translate("distill.title")
    assert at.slider(key="distill_temperature").value == best["temperature"]
    assert at.slider(key="distill_term_soft").value == best["terms.soft"]
    assert at.number_input(key="distill_epochs").value == 2  # the sweep's base run, not the form's earlier one
    assert at.session_state["distill_config"].temperature == best["temperature"]


def test_another_browser_may_watch_the_sweep_but_not_stop_or_resume_it(grid):
    sweep_id, _browser = grid
    records = SweepRecords(app_jobs().store)
    records.set_status(sweep_id, "cancelled")  # as if stopped: its owner would see Resume
    try:
        at = open_page(sweep=sweep_id, kdlab_browser="0" * 32)
        assert_clean(at)
        assert translate("sweep.not_owner") in [c.value for c in at.caption]
        assert not [b for b in at.button if b.key in ("sweep_stop", "sweep_resume")]
        with pytest.raises(ValueError, match="only the browser that started it"):
            records.request_stop(sweep_id, "0" * 32)
    finally:
        records.set_status(sweep_id, "finished")


def test_the_owner_stops_a_running_sweep_and_resumes_it():
    at = open_page(distill_config=tiny_config(teacher_epochs=2, epochs=40, train_limit=300))
    at.text_input(key="sweep_values_0").set_value("1,2,3")
    at.text_input(key="sweep_seeds").set_value("0")
    at.button(key="sweep_launch").click().run()
    sweep_id = at.session_state["sweep_id"]
    at.button(key="sweep_stop").click().run()
    wait_until_ended(sweep_id, 120)
    record = SweepRecords(app_jobs().store).get(sweep_id)
    assert record.status == "cancelled" and not record.driven()
    at.run()
    assert_clean(at)
    at.button(key="sweep_resume").click().run()
    assert SweepRecords(app_jobs().store).get(sweep_id).driven()  # resumed: its lease is held again
    at.button(key="sweep_stop").click().run()  # and stopped again, so the test leaves nothing training
    wait_until_ended(sweep_id, 120)


def test_a_search_runs_its_trials_and_draws_them_as_points():
    at = open_page(distill_config=tiny_config(teacher_epochs=2, epochs=2, train_limit=300))
    at.radio(key="sweep_mode").set_value("search").run()
    at.text_input(key="sweep_range_0").set_value("1:8:log")
    at.selectbox(key="sweep_range_axis_1").set_value(None)
    at.number_input(key="sweep_trials").set_value(2)
    at.text_input(key="sweep_seeds").set_value("0")
    at.button(key="sweep_launch").click().run()
    assert_clean(at)
    sweep_id = at.session_state["sweep_id"]
    wait_until_ended(sweep_id)
    at.run()
    assert_clean(at)
    record = SweepRecords(app_jobs().store).get(sweep_id)
    assert record.status == "finished" and record.kind == "search" and record.report["trials_done"] == 2
    assert all(1 <= c["values"]["temperature"] <= 8 for c in record.report["cells"])
    assert '"type": "scatter"' in at.get("plotly_chart")[0].proto.spec or \
        '"type":"scatter"' in at.get("plotly_chart")[0].proto.spec
