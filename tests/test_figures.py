"""Figure builders: the right traces, titled axes, translated labels passed through, empty histories drawn."""
from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from kdlab.viz import figures
from kdlab.viz.figures import DEFAULT_LABELS
from kdlab.measures import reliability, temperature_sweep

CLASSES = ["cat", "dog", "bird"]
ZH = {"probability": "概率", "class": "类别", "epoch": "轮次", "student": "蒸馏学生", "teacher": "教师",
      "loss": "损失 (nats)", "test_accuracy": "测试准确率 (%)", "ce": "交叉熵", "soft": "软目标"}


def axis_titles(fig: go.Figure) -> tuple[str, str]:
    return fig.layout.xaxis.title.text, fig.layout.yaxis.title.text


def assert_titled(fig: go.Figure) -> None:
    assert isinstance(fig, go.Figure)
    x_title, y_title = axis_titles(fig)
    assert x_title and y_title
    assert fig.layout.title.text


def history() -> list[dict]:
    """What a run's listener records: teacher epochs, then baseline and student steps and epochs."""
    events = [dict(phase="teacher", kind="epoch", epoch=e, step=10 * e, progress=0.1 * e,
                   metrics=dict(ce=1 / e, total=1 / e, train_acc=0.9, test_acc=0.9 + 0.01 * e)) for e in (1, 2)]
    for phase, parts in (("baseline", ("ce", "total")), ("student", ("ce", "soft", "attention", "total"))):
        for epoch in (1, 2, 3):
            for step in (3 * epoch - 2, 3 * epoch):
                events.append(dict(phase=phase, kind="step", epoch=epoch, step=step, progress=0.5,
                                   metrics={**{p: 1.0 / step for p in parts}, "train_acc": 0.5}))
            events.append(dict(phase=phase, kind="epoch", epoch=epoch, step=3 * epoch, progress=0.5,
                               metrics={**{p: 1.0 / epoch for p in parts}, "train_acc": 0.6,
                                        "test_acc": 0.7 + epoch / 100, "agreement": 0.8, "kl_to_teacher": 0.3}))
    return events


def test_every_label_key_has_an_english_default():
    assert all(isinstance(v, str) and v for v in DEFAULT_LABELS.values())


def test_probability_bars_draw_one_trace_per_series_and_take_translated_axis_titles():
    fig = figures.probability_bars(CLASSES, {"teacher T=1": [0.9, 0.08, 0.02], "teacher T=4": [0.5, 0.3, 0.2]},
                                   labels=ZH)
    assert_titled(fig)
    assert [t.name for t in fig.data] == ["teacher T=1", "teacher T=4"]
    assert axis_titles(fig) == ("类别", "概率")
    assert list(fig.data[1].y) == [0.5, 0.3, 0.2]


def test_temperature_sweep_lines_are_one_per_class_on_a_log_axis_with_a_marker():
    temperatures = [0.5, 1, 2, 5, 10, 20]
    fig = figures.temperature_sweep_lines(temperatures, temperature_sweep([2.0, 1.0, 0.0], temperatures), CLASSES, 4.0)
    assert_titled(fig)
    assert len(fig.data) == 3 and fig.layout.xaxis.type == "log"
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].x0 == 4.0


def test_an_editable_copy_draws_the_same_and_changing_it_leaves_the_shared_original_alone():
    temperatures = np.geomspace(0.5, 20, 10)
    sweep = figures.temperature_sweep_lines(temperatures, temperature_sweep([2.0, 1.0, 0.0], temperatures), CLASSES,
                                            4.0)
    bars = figures.probability_bars(CLASSES, {"teacher": [0.7, 0.2, 0.1]})
    drawn = lambda fig: json.loads(fig.to_json())  # noqa: E731  (what the browser gets, key order aside)
    originals = {"sweep": drawn(sweep), "bars": drawn(bars)}
    sweep_copy, bars_copy = figures.editable_copy(sweep), figures.editable_copy(bars)
    assert drawn(sweep_copy) == originals["sweep"] and drawn(bars_copy) == originals["bars"]
    figures.move_temperature_marker(sweep_copy, 8.0)
    figures.set_probabilities(bars_copy, {"teacher": np.array([0.4, 0.35, 0.25])}, title="T = 8")
    assert sweep_copy.layout.shapes[0].x0 == 8.0 and list(bars_copy.data[0].y) == [0.4, 0.35, 0.25]
    assert {"sweep": drawn(sweep), "bars": drawn(bars)} == originals


def test_loss_curves_colour_components_per_phase_and_skip_a_redundant_total():
    fig = figures.loss_curves(history(), labels=ZH)
    assert_titled(fig)
    names = [t.name for t in fig.data]
    assert names == ["baseline · 交叉熵", "蒸馏学生 · 交叉熵", "蒸馏学生 · 软目标", "蒸馏学生 · attention transfer",
                     "蒸馏学生 · total"]
    assert list(fig.data[0].x) == [1, 3, 4, 6, 7, 9]
    assert axis_titles(fig) == (DEFAULT_LABELS["step"], "损失 (nats)")
    assert axis_titles(figures.loss_curves(history(), x="epoch"))[0] == DEFAULT_LABELS["epoch"]
    assert len(figures.loss_curves(history(), x="epoch").data) == 6  # the teacher's epochs count too


def test_epoch_curves_mark_each_epoch_only_while_there_are_few():
    def epochs(n: int) -> list[dict]:
        return [dict(phase="student", kind="epoch", epoch=e, step=e, progress=e / n,
                     metrics={"test_acc": 0.5, "agreement": 0.5}) for e in range(1, n + 1)]

    for build in (figures.accuracy_curves, figures.agreement_curves):
        assert build(epochs(5)).data[0].mode == "lines+markers"
        assert build(epochs(figures.MAX_MARKERS + 1)).data[0].mode == "lines"


def test_a_long_runs_step_losses_are_averaged_down_to_a_few_hundred_points():
    steps = [dict(phase="student", kind="step", epoch=1 + s // 100, step=s, progress=0.5,
                  metrics={"ce": float(s % 2), "total": float(s % 2)}) for s in range(1, 1001)]
    (trace,) = figures.loss_curves(steps).data
    assert len(trace.x) == len(trace.y) <= figures.MAX_LINE_POINTS
    assert trace.x[-1] == 1000, "the curve still reaches the last step"
    assert np.allclose(trace.y, 0.5), "each point is the mean of the steps it stands for (here 0, 1, 0, 1 ...)"
    assert np.mean(trace.y) == pytest.approx(np.mean([e["metrics"]["ce"] for e in steps]))


def test_accuracy_curves_show_baseline_student_and_the_teacher_reference_in_percent():
    fig = figures.accuracy_curves(history(), labels=ZH)
    assert_titled(fig)
    assert [t.name for t in fig.data] == ["baseline", "蒸馏学生", "教师"]
    assert list(fig.data[1].y) == pytest.approx([71, 72, 73])
    assert list(fig.data[2].y) == pytest.approx([92, 92])  # the teacher's last epoch
    assert list(fig.data[2].x) == [1, 3]
    explicit = figures.accuracy_curves(history(), teacher_acc=0.5)
    assert list(explicit.data[2].y) == pytest.approx([50, 50])


def test_agreement_curves_have_one_line_per_student_phase():
    fig = figures.agreement_curves(history())
    assert_titled(fig)
    assert [t.name for t in fig.data] == [DEFAULT_LABELS["baseline"], DEFAULT_LABELS["student"]]
    assert list(fig.data[0].y) == pytest.approx([80, 80, 80])


@pytest.mark.parametrize("partial", [[], history()[:4]])
def test_learning_curves_work_on_an_empty_or_just_started_history(partial):
    built = figures.learning_curves(partial, labels=ZH)
    assert set(built) == {"loss", "accuracy", "agreement"}
    for fig in built.values():
        assert_titled(fig)
    assert axis_titles(built["accuracy"]) == ("轮次", "测试准确率 (%)")
    if not partial:
        assert all(len(fig.data) == 0 for fig in built.values())
    else:  # only the teacher's epochs so far: its reference line, nothing else
        assert [t.name for t in built["accuracy"].data] == ["教师"]


def test_per_class_bars_skip_a_missing_baseline_and_show_percent():
    fig = figures.per_class_bars(CLASSES, {"teacher": [1.0, 0.5, 0.25], "baseline": None, "student": [0.5, 0.5, 0.5]})
    assert_titled(fig)
    assert len(fig.data) == 2
    assert list(fig.data[0].y) == pytest.approx([100, 50, 25])


def test_confusion_heatmap_labels_every_cell_and_puts_true_classes_down_the_side():
    matrix = np.array([[5, 1, 0], [0, 6, 0], [2, 0, 4]])
    fig = figures.confusion_heatmap(matrix, CLASSES, "学生")
    assert_titled(fig)
    assert len(fig.data) == 1 and fig.layout.title.text == "学生"
    assert axis_titles(fig) == (DEFAULT_LABELS["predicted"], DEFAULT_LABELS["true"])
    assert fig.layout.yaxis.autorange == "reversed"
    np.testing.assert_array_equal(fig.data[0].z, matrix)


def test_reliability_diagram_has_the_diagonal_and_the_ece_in_each_legend_entry():
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(size=(200, 3)) * 3, rng.integers(0, 3, 200)
    rels = {"teacher": reliability(logits, labels), "student": reliability(logits / 3, labels)}
    fig = figures.reliability_diagram(rels, labels={"teacher": "教师", "ece": "校准误差"})
    assert_titled(fig)
    assert len(fig.data) == 3
    assert fig.data[1].name == f"教师 (校准误差 {rels['teacher']['ece']:.3f})"
    assert list(fig.data[0].x) == [0, 1] and list(fig.data[0].y) == [0, 1]


def test_decision_boundaries_draw_one_panel_per_model_with_points_per_class():
    xs = ys = np.linspace(-1, 1, 5)
    grid = (np.add.outer(ys, xs) > 0).astype(int)
    grids = {name: (xs, ys, grid) for name in ("teacher", "baseline", "student")}
    points, point_labels = np.array([[-0.5, -0.5], [0.5, 0.5], [0.2, 0.9]]), np.array([0, 1, 1])
    fig = figures.decision_boundaries(grids, points, point_labels, class_names=["A", "B"], labels=ZH)
    assert_titled(fig)
    assert len(fig.data) == 3 * (1 + 2)
    assert [a.text for a in fig.layout.annotations] == ["教师", "baseline", "蒸馏学生"]
    assert sum(bool(t.showlegend) for t in fig.data if t.type == "scatter") == 2
    assert fig.layout.xaxis3.title.text == DEFAULT_LABELS["feature_1"]


def test_attention_heatmap_keeps_repeated_tokens_apart():
    tokens = ["[CLS]", "the", "cat", "the"]
    fig = figures.attention_heatmap(np.full((4, 4), 0.25), tokens, tokens, "层 1")
    assert_titled(fig)
    assert len(fig.data) == 1 and fig.layout.title.text == "层 1"
    assert list(fig.layout.xaxis.ticktext) == tokens and list(fig.layout.xaxis.tickvals) == [0, 1, 2, 3]


@pytest.mark.parametrize("image", [np.arange(64.0).reshape(8, 8), np.ones((3, 8, 8))])
def test_image_and_map_shows_the_grey_image_beside_the_map_on_a_scale_from_zero(image):
    heat = np.array([[1.0, 2.0], [3.0, 4.0]])
    fig = figures.image_and_map(image, heat, labels={"pixel_x": "列 (像素)"})
    assert_titled(fig)
    assert len(fig.data) == 2
    grey, shown = np.asarray(fig.data[0].z), np.asarray(fig.data[1].z)
    assert grey.shape == (8, 8) and 0 <= grey.min() and grey.max() <= 1 and fig.data[0].showscale is False
    np.testing.assert_array_equal(shown, heat)  # one cell per patch, not blocks over the picture
    assert fig.data[1].zmin == 0 and fig.data[1].zmax == 4.0 and fig.data[1].xaxis == "x2"
    assert fig.layout.xaxis.title.text == "列 (像素)"


def test_token_attention_is_one_bar_per_token():
    fig = figures.token_attention(["a", "good", "film"], [0.2, 0.5, 0.3], title="注意力")
    assert_titled(fig)
    assert len(fig.data) == 1 and list(fig.data[0].y) == [0.2, 0.5, 0.3]
    assert list(fig.layout.xaxis.ticktext) == ["a", "good", "film"]


def test_accuracy_heatmap_puts_temperature_across_and_alpha_down_with_missing_cells():
    fig = figures.accuracy_heatmap([1, 4, 10], [0.1, 0.9], [[0.8, 0.85, None], [0.7, 0.9, 0.88]])
    assert_titled(fig)
    assert list(fig.data[0].x) == ["1", "4", "10"] and list(fig.data[0].y) == ["0.1", "0.9"]
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z[1, 1] == pytest.approx(90) and np.isnan(z[0, 2])


@pytest.mark.parametrize("image, trace_type", [(np.eye(8), "heatmap"), (np.ones((1, 8, 8)), "heatmap"),
                                               (np.random.default_rng(0).normal(size=(3, 8, 8)), "image")])
def test_image_thumbnail_is_one_small_picture_without_axes(image, trace_type):
    fig = figures.image_thumbnail(image, title="7")
    assert len(fig.data) == 1 and fig.data[0].type == trace_type
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.width == fig.layout.height == 220


HOSTILE = ['<a href="http://evil.example">click me</a>', '<span style="font-size:300px">x</span>', "<b>bold</b><br>",
           "$x^2$", "long " * 100]
INJECTED = ("<a", "</a>", "<span", "<b>", "<br>b")


def hostile_figures() -> list[go.Figure]:
    """Every builder that draws a class, series, run or token name, fed hostile names (as an upload could)."""
    n = len(HOSTILE)
    logits = np.random.default_rng(0).normal(size=(40, n))
    labels = np.arange(40) % n
    grid = (np.linspace(0, 1, 4), np.linspace(0, 1, 4), np.zeros((4, 4), dtype=int))
    probs = np.full(n, 1 / n)
    return [figures.per_class_bars(HOSTILE, {"teacher": probs, HOSTILE[0]: probs}),
            figures.confusion_heatmap(np.eye(n, dtype=int), HOSTILE, HOSTILE[1]),
            figures.probability_bars(HOSTILE, {HOSTILE[0]: probs}, title=HOSTILE[2]),
            figures.set_probabilities(figures.probability_bars(HOSTILE, {"a": probs}), {HOSTILE[0]: probs},
                                      title=HOSTILE[1]),
            figures.temperature_sweep_lines([1, 2], temperature_sweep(logits[0], [1, 2]), HOSTILE, 1.0),
            figures.reliability_diagram({HOSTILE[0]: reliability(logits, labels)}),
            figures.decision_boundaries({HOSTILE[0]: grid}, np.zeros((n, 2)), np.arange(n), class_names=HOSTILE),
            figures.attention_heatmap(np.eye(n), HOSTILE, HOSTILE),
            figures.token_attention(HOSTILE, probs),
            figures.run_overlay({HOSTILE[0]: ([1, 2], [0.5, 0.6])}, "test_accuracy"),
            figures.information_curves([1, 2], {HOSTILE[1]: [0.1, 0.2]}, 1.0),
            figures.bias_shift_lines([0, 1], {HOSTILE[0]: [0.1, 0.2]}, 0.0),
            figures.image_thumbnail(np.zeros((4, 4)), title=HOSTILE[0]),
            figures.method_gains([dict(method=HOSTILE[0], baseline=False, gain_mean=1.0, gain_low=0.5,
                                       gain_high=1.5, verdict="better")])]


def test_user_names_reach_a_figure_as_text_never_as_markup_and_cut_to_a_label():
    for fig in hostile_figures():
        spec = fig.to_json()
        assert not [tag for tag in INJECTED if tag in spec], fig.layout.title.text
        assert "long " * 20 not in spec  # 500 characters cut to a label's length
        assert '"$x^2$"' not in spec  # not typeset as a formula
    bars = hostile_figures()[0]
    assert bars.data[0].x[1] == '&lt;span style="font-size:300px"&gt;x&lt;/span&gt;'  # plotly draws it as typed
    assert len(set(figures.confusion_heatmap(np.eye(2), ["x" * 50 + "1", "x" * 50 + "2"], "t").data[0].x)) == 2


def test_projected_predictions_draw_one_panel_per_model_coloured_by_its_prediction():
    coords = np.random.default_rng(0).normal(size=(12, 2))
    fig = figures.projected_predictions(coords, {"teacher": np.arange(12) % 3, "student": np.zeros(12, int)},
                                        CLASSES, [0.6, 0.3])
    assert [a.text for a in fig.layout.annotations] == ["teacher", "distilled student"]
    assert axis_titles(fig)[0] == "principal component 1 (60 % of the variance)"
    assert len(fig.data) == 6 and [t.name for t in fig.data if t.showlegend is not False] == CLASSES
    many = figures.projected_predictions(coords, {"student": np.arange(12)}, [str(c) for c in range(40)], [1, 0])
    assert len(many.data) == 1  # past MAX_LEGEND_CLASSES classes: one trace, the class in the hover


def test_two_models_maps_share_one_colour_scale_from_zero():
    teacher = figures.image_and_map(np.ones((4, 4)), np.full((2, 2), 0.12))
    student = figures.image_and_map(np.ones((4, 4)), np.full((2, 2), 0.06))
    tokens = [figures.token_attention(["a", "b"], np.array(w)) for w in ([0.2, 0.8], [0.5, 0.5])]
    figures.same_colour_scale(teacher, student)
    figures.same_colour_scale(*tokens)
    assert [(f.data[1].zmin, f.data[1].zmax) for f in (teacher, student)] == [(0, 0.12)] * 2
    assert teacher.data[0].zmax is None  # the grey input keeps its own scale
    assert [(f.data[0].marker.cmin, f.data[0].marker.cmax) for f in tokens] == [(0, 0.8)] * 2


def test_the_figures_template_is_plotly_white_for_every_trace_type_kdlab_draws():
    import re
    from pathlib import Path

    import plotly.io as pio

    from kdlab.viz.figures.base import DRAWN_TRACES, TEMPLATE

    white, ours = pio.templates["plotly_white"], pio.templates[TEMPLATE]
    assert ours.layout == white.layout
    sources = "".join(path.read_text() for path in Path(figures.__file__).parent.glob("*.py"))
    drawn = {name.lower() for name in re.findall(r"go\.([A-Z]\w+)\(", sources)} - {"figure"}
    assert drawn and drawn <= set(DRAWN_TRACES), f"a new trace type needs its defaults: {drawn - set(DRAWN_TRACES)}"
    for kind in drawn:
        assert getattr(ours.data, kind) == getattr(white.data, kind), kind
    assert figures.probability_bars(["a", "b"], {"x": [0.4, 0.6]}).layout.template == ours
    drawn_by_name = go.Figure(layout=dict(template=TEMPLATE))  # what _style gives a figure, without the deep copy
    assert json.loads(figures.base._style(go.Figure(), "t", None, None).to_json())["layout"]["template"] == \
        json.loads(drawn_by_name.to_json())["layout"]["template"]
