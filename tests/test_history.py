"""The History page's numbers: method labels, differing columns, filters, curves and T × α maps (pure functions)."""
from __future__ import annotations

from dataclasses import replace

from kdlab import RunConfig
from kdlab.runs import tables as hist
from kdlab.runs.store import RunRecord


def config(**overrides) -> dict:
    return RunConfig(**{"dataset": "digits", "teacher": "cnn-small", "student": "mlp-small", **overrides}).to_dict()


def record(run_id: str, cfg: dict, student_acc: float | None = 0.9, status: str = "finished",
           created: float = 1_700_000_000.0) -> RunRecord:
    summary = None if student_acc is None else {"student_acc": student_acc, "baseline_acc": 0.85,
                                                 "teacher_acc": 0.95, "distill_seconds": 1.234}
    return RunRecord(run_id, "default", status, "app", created, created, cfg, summary, None)


def replace_source(run: RunRecord, source: str) -> RunRecord:
    return replace(run, source=source)


def test_method_label_names_the_active_loss_terms_in_order():
    assert hist.method_label(config(terms={"soft": 0.9})) == "soft targets"
    assert hist.method_label(config(terms={"soft": 0.0})) == "labels only"
    assert hist.method_label(config(terms={"soft": 0.5, "attention": 100.0})) == "soft targets + attention transfer"
    with_terms = config(terms={"soft": 0.5, "representation": 1.0, "relational": 1.0, "dkd": 1.0})
    assert hist.method_label(with_terms) == ("soft targets + representation (hint) + decoupled KD (DKD) + "
                                             "relational (RKD)")  # registry order, not the dict's
    assert hist.method_label(config(terms={"soft": 0.0, "attention": 1.0})) == "attention transfer"
    assert hist.method_label(config(terms={"soft": 0.5, "relational": 0.0})) == "soft targets"


def test_method_label_uses_the_given_translated_names():
    names = {"soft": "软目标", "attention": "注意力"}
    assert hist.method_label(config(terms={"soft": 0.5, "attention": 1.0}), names) == "软目标 + 注意力"


def test_every_further_term_has_a_weight_column():
    columns = hist.config_columns()
    assert "terms.dkd" in columns and "terms.attention" in columns and "terms.ce" not in columns
    assert hist.differing_columns([config(terms={"dkd": 1.0}), config()]) == ["method", "terms.dkd"]


def test_differing_fields_lists_only_the_fields_that_are_not_all_equal():
    a, b, c = config(temperature=2.0), config(temperature=4.0, label_noise=0.5), config(temperature=2.0)
    assert hist.differing_fields([a, b, c]) == ["temperature", "label_noise"]
    assert hist.differing_fields([a, dict(a)]) == []
    assert hist.differing_fields([a]) == [] and hist.differing_fields([]) == []
    assert hist.differing_fields([config(terms={"relational": 1.0}), config()]) == ["terms"]


def test_differing_columns_keep_table_order_and_add_method_when_the_terms_differ():
    configs = [config(temperature=2.0, student="mlp-large"), config(temperature=4.0, terms={"soft": 0.0})]
    assert hist.differing_columns(configs) == ["student", "method", "temperature", "terms.soft"]
    assert hist.differing_columns([config(seed=1), config(seed=2)]) == []  # seed is not a table column


def test_run_row_has_every_table_column_with_accuracy_in_percent():
    row = hist.run_row(record("r1", config(temperature=3.0)))
    assert list(row) == list(hist.table_columns())
    assert row["student_acc"] == 90.0 and row["baseline_acc"] == 85.0 and row["distill_seconds"] == 1.23
    assert row["temperature"] == 3.0 and row["method"] == "soft targets"
    unfinished = hist.run_row(record("r2", config(), student_acc=None, status="running"))
    assert unfinished["student_acc"] is None and unfinished["distill_seconds"] is None


def test_filters_narrow_rows_and_an_empty_choice_keeps_all():
    students = ["mlp-small", "mlp-large", "mlp-small"]
    rows = [hist.run_row(record(f"r{i}", config(student=s))) for i, s in enumerate(students)]
    assert hist.filter_options(rows)["student"] == ["mlp-large", "mlp-small"]
    assert [r["id"] for r in hist.filter_rows(rows, student=["mlp-large"])] == ["r1"]
    assert len(hist.filter_rows(rows, student=[], dataset=None)) == 3


def test_sort_puts_rows_without_a_value_last():
    rows = [hist.run_row(record("low", config(), 0.5)), hist.run_row(record("none", config(), None, "failed")),
            hist.run_row(record("high", config(), 0.9))]
    assert [r["id"] for r in hist.sort_rows(rows, "student_acc", True)] == ["high", "low", "none"]
    assert [r["id"] for r in hist.sort_rows(rows, "student_acc", False)] == ["low", "high", "none"]


def test_student_curves_read_the_student_epoch_events_only():
    events = [{"phase": "baseline", "kind": "epoch", "epoch": 1, "metrics": {"test_acc": 0.1, "total": 9.0}},
              {"phase": "student", "kind": "step", "epoch": 1, "metrics": {"total": 5.0}},
              {"phase": "student", "kind": "epoch", "epoch": 1, "metrics": {"test_acc": 0.5, "total": 2.0}},
              {"phase": "student", "kind": "epoch", "epoch": 2, "metrics": {"test_acc": 0.75, "total": 1.0}}]
    curves = hist.student_curves(events)
    assert curves["test_acc"] == ([1, 2], [50.0, 75.0])
    assert curves["total"] == ([1, 2], [2.0, 1.0])
    assert hist.student_curves([]) == {"test_acc": ([], []), "total": ([], [])}


def test_final_numbers_report_the_gain_over_the_baseline_in_points():
    (row,) = hist.final_numbers([hist.run_row(record("r", config(), 0.9))])
    assert row["gain"] == 5.0 and row["teacher_acc"] == 95.0


def test_tuning_maps_group_runs_that_differ_only_in_t_and_alpha():
    half = {"soft": 0.5}
    records = [record("a", config(temperature=2.0, terms=half), 0.80, created=3),
               record("b", config(temperature=4.0, terms={"soft": 0.9}), 0.90, created=2),
               record("c", config(temperature=2.0, terms=half), 0.70, created=1),  # older repeat: the latest counts
               record("d", config(temperature=8.0, terms=half, seed=1), 0.60),  # another seed: another group
               record("e", config(temperature=8.0, terms=half), None, status="failed"),  # unfinished: left out
               record("f", config(temperature=4.0, terms=half, device="cpu", log_every=3), 0.85)]  # bookkeeping only
    (m,) = hist.tuning_maps(records)
    assert m.temperatures == [2.0, 4.0] and m.weights == [0.5, 0.9]
    assert m.accuracy == [[0.80, 0.85], [None, 0.90]]
    assert m.cells == 3 and set(m.run_ids) == {"a", "b", "f"}
    assert "temperature" not in m.config and m.config["seed"] == 0


def test_a_tuning_map_can_vary_any_registered_weight():
    records = [record("a", config(temperature=2.0, terms={"dkd": 1.0}), 0.80),
               record("b", config(temperature=4.0, terms={"dkd": 3.0}), 0.90),
               record("c", config(temperature=4.0), 0.70)]  # dkd off: the weight 0 row of the same map
    (m,) = hist.tuning_maps(records, "terms.dkd")
    assert m.weights == [0.0, 1.0, 3.0] and m.accuracy == [[None, 0.70], [0.80, None], [None, 0.90]]
    assert hist.tuning_maps(records) == []  # over α these are three different groups of one cell each


def test_a_run_recorded_before_new_config_fields_shares_a_map_with_one_recorded_today():
    today = RunConfig(temperature=4.0).to_dict()
    before = {k: v for k, v in RunConfig(temperature=2.0).to_dict().items()
              if k not in ("terms_kw", "extra_teachers", "fusion", "teacher_weights", "label_noise")}
    before["hint_feature"] = "embedding"
    (m,) = hist.tuning_maps([record("a", today, 0.9), record("b", before, 0.8)])
    assert m.temperatures == [2.0, 4.0]


def test_no_tuning_map_without_two_distinct_t_alpha_pairs():
    same = [record("a", config(temperature=2.0)), record("b", config(temperature=2.0))]
    assert hist.tuning_maps(same) == []
    assert hist.tuning_maps([record("a", config(temperature=2.0)), record("b", config(temperature=3.0, seed=5))]) == []


def test_short_label_shows_beta_and_gamma_only_when_on():
    assert hist.short_label(config(temperature=4.0, terms={"soft": 0.9})) == "T=4 α=0.9"
    assert hist.short_label(config(temperature=2.5, terms={"soft": 0.5, "attention": 100.0})) == "T=2.5 α=0.5 β=100"
    assert hist.short_label(config(terms={"soft": 0.0, "dkd": 1.0})) == "T=4 α=0 dkd=1"


def test_is_2d_is_true_for_point_datasets_only():
    assert hist.is_2d({"dataset": "moons"}) and not hist.is_2d({"dataset": "digits"})
    assert not hist.is_2d({"dataset": "no-such-set"})


def test_run_overlay_draws_one_line_per_run_with_labelled_axes():
    from kdlab.viz.figures import run_overlay

    fig = run_overlay({"r1 · T=2 α=0.5": ([1, 2], [50.0, 60.0]), "r2 · T=4 α=0.9": ([1, 2], [55.0, 70.0])},
                      "test_accuracy", title="Student test accuracy per epoch")
    assert [trace.name for trace in fig.data] == ["r1 · T=2 α=0.5", "r2 · T=4 α=0.9"]
    assert fig.layout.xaxis.title.text == "epoch" and fig.layout.yaxis.title.text == "test accuracy (%)"


def test_a_run_says_where_it_was_started_and_the_lists_filter_by_it():
    old, sweep = record("old", config()), replace_source(record("trial", config()), "sweep")
    assert [hist.run_source(r) for r in (old, sweep)] == ["distill", "sweep"]  # "app" was the Distill page's
    rows = [hist.run_row(r, source_names={"distill": "Distill", "sweep": "sweep"}) for r in (old, sweep)]
    assert [row["source"] for row in rows] == ["Distill", "sweep"]
    assert hist.filter_options(rows)["source"] == ["Distill", "sweep"]
    assert [row["id"] for row in hist.filter_rows(rows, source=["sweep"])] == ["trial"]


def test_a_run_choice_tells_runs_of_the_same_models_apart_and_names_the_models_kept():
    choice = hist.run_choice(replace_source(record("r", config(temperature=2.0, terms={"soft": 0.5})), "lesson"))
    assert {k: choice[k] for k in ("source", "dataset", "temperature", "student_acc", "method")} == {
        "source": "lesson", "dataset": "digits", "temperature": 2.0, "student_acc": 0.9, "method": ["soft"]}
    assert choice["roles"] == ["teacher", "baseline", "student"]
    assert hist.run_choice(record("a", config(baseline=False), None))["roles"] == ["teacher", "student"]
    assert hist.run_choice(record("a", config(), None))["student_acc"] is None  # not finished: no accuracy yet
