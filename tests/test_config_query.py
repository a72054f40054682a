"""A RunConfig travels in a link's query string: only what differs from the defaults, and a hostile URL never
crashes the page, it names each bad setting and keeps the rest."""
from __future__ import annotations

import json

import pytest

from kdlab import RunConfig
from kdlab.config_io import config_from_json, config_from_query, config_to_query
from kdlab.losses import term
from kdlab.method_choice import form_config, logit_methods, method_of, one_method

SHARED = RunConfig(dataset="digits", teacher="cnn-small", student="cnn-small", student_kw={"hidden": 64, "depth": 1},
                   temperature=2.5, terms={"soft": 0.5, "attention": 3.0, "representation": 0.3, "relational": 1.0},
                   epochs=7, lr=3e-4,
                   seed=42, train_fraction=0.35, train_limit=100, exclude_classes=(3, 5), baseline=False)


def test_a_config_survives_the_round_trip_through_a_query_string():
    query = config_to_query(SHARED)
    assert all(isinstance(v, str) for v in query.values())
    assert query["exclude_classes"] == "3,5" and query["student_kw"] == "hidden=64,depth=1"
    assert query["temperature"] == "2.5" and query["lr"] == "0.0003" and query["baseline"] == "false"
    assert config_from_query(query) == (SHARED, [])


def test_the_defaults_give_an_empty_query_and_an_empty_query_gives_the_defaults():
    assert config_to_query(RunConfig()) == {}
    assert config_from_query({}) == (RunConfig(), [])


def test_only_the_changed_fields_are_written_and_the_apps_own_keys_are_ignored():
    assert config_to_query(RunConfig(temperature=8.0)) == {"temperature": "8"}
    config, problems = config_from_query({"lang": "zh", "ws": "class-7b", "temperature": "8", "alpha": "0.5",
                                          "student": "mlp-large"})
    assert problems == []
    assert config == RunConfig(temperature=8.0, terms={"soft": 0.5}, student="mlp-large")  # alpha: an older link


HOSTILE = [
    ({"alpha": "abc"}, "alpha=abc: expected a number"),
    ({"alpha": "7"}, "alpha=7: terms.soft must be in [0, 1]"),
    ({"terms": "soft=7"}, "terms=soft=7: terms.soft must be in [0, 1]"),
    ({"teacher": "../../x"}, "teacher=../../x: unknown model '../../x'"),
    ({"epochs": "1e9"}, "epochs=1e9: expected a whole number"),
    ({"temperature": "nan"}, "temperature=nan: temperature must be > 0"),
    ({"lr": "-inf"}, "lr=-inf: lr must be > 0"),
    ({"exclude_classes": "3,x"}, "exclude_classes=3,x: expected whole numbers (class numbers)"),
    ({"exclude_classes": "12"}, "exclude_classes=12: class 12 does not exist in digits"),
    ({"student_kw": "width"}, "student_kw=width: expected key=value"),
    ({"beta": "1", "student": "mlp-small"}, "beta=1: attention"),  # an older link's β, dropped alone
    ({"baseline": "maybe"}, "baseline=maybe: expected true or false"),
    ({"data_root": "/etc"}, "data_root: not a setting a link can change"),
    ({"rm -rf": "1"}, "rm -rf: not a setting a link can change"),
]


@pytest.mark.parametrize("params, problem", HOSTILE, ids=[p for _, p in HOSTILE])
def test_each_hostile_value_is_named_and_the_config_still_validates(params, problem):
    config, problems = config_from_query({**params, "temperature": "8"} if "temperature" not in params else params)
    assert len(problems) == 1 and str(problems[0]).startswith(problem), problems
    assert "\n" not in str(problems[0])
    config.validate()
    assert config.temperature == (8.0 if "temperature" not in params else 4.0)  # the good settings still apply


def test_a_long_hostile_value_is_quoted_short_and_a_field_outside_the_page_range_falls_back():
    config, problems = config_from_query({"teacher": "x" * 5000, "temperature": "50", "alpha": "0.2"},
                                         bounds={"temperature": (1.0, 20.0)})
    assert config == RunConfig(terms={"soft": 0.2})
    assert len(problems) == 2 and all(len(str(p)) < 300 for p in problems)
    assert str(problems[1]) == "temperature=50: outside this page's range 1 to 20"


def test_a_config_json_or_a_whole_run_record_loads_and_a_bad_one_names_the_field():
    text = json.dumps(SHARED.to_dict())
    assert config_from_json(text) == SHARED
    record = {"id": "r1", "config": SHARED.to_dict(), "summary": {}, "status": "finished"}
    assert config_from_json(json.dumps(record).encode()) == SHARED
    with pytest.raises(ValueError, match="not valid JSON"):
        config_from_json(b"{not json")
    with pytest.raises(ValueError, match="unknown config field"):
        config_from_json(json.dumps({"temprature": 3}))
    with pytest.raises(ValueError, match="terms.soft must be in"):
        config_from_json(json.dumps({"alpha": 3}))


def test_a_config_that_stacks_two_methods_is_read_as_one_and_says_which():
    """An old Distill link stacked DKD on KD's soft targets; a form runs one method (as compare-methods does), so
    DKD is kept, the soft targets go to 0 and cross-entropy to weight 1; add-ons and the kept knobs stay."""
    stacked = RunConfig(terms={"soft": 0.9, "dkd": 1.0, "relational": 25.0}, terms_kw={"dkd": {"nckd": 4.0}})
    assert method_of(stacked).name == "dkd"
    config, problems = one_method(stacked)
    assert config == RunConfig(terms={"soft": 0.0, "dkd": 1.0, "relational": 25.0}, terms_kw={"dkd": {"nckd": 4.0}})
    assert [str(p) for p in problems] == ["a run has one method: dkd is kept, kd set to 0"]
    lone = RunConfig(terms={"soft": 0.3, "representation": 0.3})
    assert one_method(lone) == (lone, [])


def test_labels_only_is_kd_at_zero_and_the_form_builds_the_methods_run():
    assert method_of(RunConfig(terms={"soft": 0.0})).name == "soft"
    assert [spec.method for spec in logit_methods()][0] == "kd"
    base = RunConfig(temperature=2.0, terms={"soft": 0.9, "representation": 0.3, "sp": 3000.0}, seed=4)
    config = form_config(base, term("dist"), {"dist": 4.0, "representation": 0.3}, {"dist": {"tau": 2.0}})
    assert (config.terms, config.terms_kw) == ({"soft": 0.0, "dist": 4.0, "representation": 0.3},
                                              {"dist": {"tau": 2.0}})
    assert (config.temperature, config.seed, config.baseline) == (2.0, 4, True)
