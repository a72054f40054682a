"""A run of two teachers in the app: the run's summary lists every teacher and the ensemble, and the Temperature
page shows each teacher's softened answer next to the fused target the student learned from."""
from __future__ import annotations

import base64
import json

import numpy as np
import torch
import pytest
from streamlit.testing.v1 import AppTest

from kdlab.losses.base import fused_log_probs

from .conftest import assert_clean, finished_run, tiny_config

pytestmark = pytest.mark.shared_home  # the app's job runner: the session's home (tests/conftest.py)

APP = "../app.py"


def values(data) -> np.ndarray:
    """A plotly trace's values as sent to the browser: a list, or a typed array ``{"dtype", "bdata"}``."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).astype(float)
    return np.asarray(data, dtype=float)


def test_two_teachers_show_in_the_summary_and_as_a_fused_target_on_the_temperature_page():
    run_id = finished_run(tiny_config(extra_teachers=("mlp-large",), fusion="weights", teacher_weights=(3.0, 1.0)),
                          deadline_s=300)
    home = AppTest.from_file(APP, default_timeout=120)
    home.session_state["kdlab_runs"] = [run_id]
    home.run()
    assert_clean(home)
    teachers = home.dataframe[1].value
    assert list(teachers.index) == ["cnn-large", "mlp-large", "all teachers (mean answer)"]
    assert teachers["test accuracy (%)"].between(0, 100).all()
    assert not teachers.isna().any().any()  # Streamlit draws a missing cell as "None": the ensemble's has a dash

    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["kdlab_runs"] = [run_id]
    at.session_state["kdlab_selected_run"] = run_id
    at.run().switch_page("app_pages/temperature.py").run()
    assert_clean(at)
    chart = next(c for c in at.get("plotly_chart") if "fused target" in c.proto.spec)
    bars = {trace["name"]: values(trace["y"]) for trace in json.loads(chart.proto.spec)["data"]}
    assert set(bars) == {"cnn-large", "mlp-large", "fused target"}
    expected = 0.75 * bars["cnn-large"] + 0.25 * bars["mlp-large"]  # fixed weights 3:1
    np.testing.assert_allclose(bars["fused target"], expected, atol=1e-5)
    one = torch.tensor([[2.0, 0.0, -1.0]])
    assert torch.allclose(fused_log_probs([one], 2.0), torch.log_softmax(one / 2, -1))  # one teacher: itself


def test_the_distill_page_runs_two_teachers_with_confidence_fusion():
    from .test_app_distill import latest_run, open_distill, poll_until_done, set_tiny

    at = set_tiny(open_distill())
    at.multiselect(key="distill_extra_teachers").set_value(["mlp-small"]).run()
    at.radio(key="distill_fusion").set_value("confidence").run()
    assert_clean(at)
    config = at.session_state["distill_config"]
    assert config.teachers == ("cnn-small", "mlp-small") and config.fusion == "confidence"
    at.button(key="distill_run").click().run()
    poll_until_done(at, latest_run(at), deadline_s=300)
    assert_clean(at)
    teachers = at.dataframe[1].value
    assert list(teachers.index) == ["cnn-small", "mlp-small", "all teachers (mean answer)"]
