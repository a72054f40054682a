"""The numbers the pages explain, each against a hand computation."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch
from torch import nn

from kdlab.evaluate import agreement
from kdlab.models import ModelOutput
from kdlab.viz.attention import cls_attention_grid, head_average
from kdlab.measures import (
    confusion_matrix,
    decision_grid,
    inference_latency,
    kl_divergence,
    reliability,
    temperature_sweep,
    temperature_view,
)


def test_uniform_logits_have_entropy_log_c_and_dark_share_c_minus_one_over_c():
    view = temperature_view(torch.zeros(5), 4.0)
    for suffix in ("1", "t"):
        assert view[f"entropy_{suffix}"] == pytest.approx(math.log(5))
        assert view[f"dark_knowledge_{suffix}"] == pytest.approx(4 / 5)
        np.testing.assert_allclose(view[f"probs_{suffix}"], np.full(5, 0.2), rtol=1e-6)


def test_raising_the_temperature_reveals_dark_knowledge():
    logits = [8.0, 2.0, 0.0]
    view = temperature_view(logits, 5.0)
    z1 = math.exp(8) + math.exp(2) + 1
    assert view["dark_knowledge_1"] == pytest.approx((math.exp(2) + 1) / z1, rel=1e-5)
    p_t = [math.exp(v / 5) / sum(math.exp(u / 5) for u in logits) for v in logits]
    assert view["entropy_t"] == pytest.approx(-sum(p * math.log(p) for p in p_t), rel=1e-5)
    assert view["dark_knowledge_t"] > view["dark_knowledge_1"]
    assert view["entropy_t"] > view["entropy_1"]


def test_kl_divergence_matches_the_sum_written_out_and_is_zero_for_equal_inputs():
    p_logits, q_logits, T = [1.0, 0.0, -1.0], [0.0, 0.5, 0.0], 2.0

    def soft(z):
        e = [math.exp(v / T) for v in z]
        return [v / sum(e) for v in e]

    p, q = soft(p_logits), soft(q_logits)
    expected = sum(a * math.log(a / b) for a, b in zip(p, q))
    assert kl_divergence(p_logits, q_logits, T) == pytest.approx(expected, rel=1e-9)
    batch = torch.tensor([p_logits, p_logits])
    assert kl_divergence(batch, torch.tensor([q_logits, p_logits]), T) == pytest.approx(expected / 2, rel=1e-9)
    assert kl_divergence(batch, batch, T) == pytest.approx(0.0, abs=1e-12)


def test_temperature_sweep_goes_from_nearly_one_hot_to_nearly_uniform():
    sweep = temperature_sweep([3.0, 1.0, 0.0], [0.1, 1.0, 1000.0])
    assert sweep.shape == (3, 3)
    np.testing.assert_allclose(sweep.sum(1), 1.0)
    assert sweep[0, 0] > 0.999
    np.testing.assert_allclose(sweep[2], [1 / 3] * 3, atol=1e-3)
    e = [math.exp(3), math.exp(1), 1.0]
    np.testing.assert_allclose(sweep[1], [v / sum(e) for v in e])


def test_confusion_matrix_counts_rows_as_true_and_columns_as_predicted():
    preds = torch.tensor([0, 1, 1, 2, 2, 2])
    labels = torch.tensor([0, 0, 1, 2, 2, 1])
    expected = [[1, 1, 0], [0, 1, 1], [0, 0, 2]]
    np.testing.assert_array_equal(confusion_matrix(preds, labels, 3), expected)
    logits = torch.nn.functional.one_hot(preds, 3).float() * 5
    np.testing.assert_array_equal(confusion_matrix(logits, labels, 3), expected)


def _two_class_logits(confidence: float, n: int) -> torch.Tensor:
    """Logits whose softmax is exactly (confidence, 1 - confidence)."""
    return torch.tensor([[math.log(confidence), math.log(1 - confidence)]] * n)


def test_perfectly_calibrated_predictions_have_zero_ece():
    logits = _two_class_logits(0.75, 8)
    labels = torch.tensor([0] * 6 + [1] * 2)  # 75% sure, 75% right
    result = reliability(logits, labels)
    assert result["ece"] == pytest.approx(0.0, abs=1e-6)
    assert result["count"].sum() == 8
    assert result["count"][7] == 8  # 0.75 falls in the bin (0.7, 0.8]
    assert result["accuracy"][7] == pytest.approx(0.75)
    assert np.isnan(result["accuracy"][0])


def test_overconfident_predictions_have_the_hand_computed_ece():
    logits = torch.cat([_two_class_logits(0.85, 10), _two_class_logits(0.55, 10)])
    labels = torch.tensor([0] * 6 + [1] * 4 + [0] * 6 + [1] * 4)  # 60% right in both groups
    result = reliability(logits, labels, bins=10)
    # bin (0.8, 0.9]: 10/20 · |0.6 - 0.85|; bin (0.5, 0.6]: 10/20 · |0.6 - 0.55|
    assert result["ece"] == pytest.approx(0.5 * 0.25 + 0.5 * 0.05)
    assert result["confidence"][8] == pytest.approx(0.85)
    assert result["confidence"][5] == pytest.approx(0.55)
    assert list(np.nonzero(result["count"])[0]) == [5, 8]


class HalfPlanes(nn.Module):
    """Class 1 where x > 0, class 0 where x < 0, returning ModelOutput like every kdlab model."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([[-10.0, 0.0], [10.0, 0.0]]))
            self.linear.bias.zero_()

    def forward(self, x):
        return ModelOutput(self.linear(x))


def test_decision_grid_separates_two_half_planes_and_restores_train_mode():
    model = HalfPlanes().train()
    points = torch.tensor([[-1.0, -2.0], [1.0, 2.0]])
    xs, ys, classes, confidence = decision_grid(model, points, resolution=21, margin=0.5)
    assert model.training
    assert classes.shape == confidence.shape == (21, 21)
    assert xs[0] == pytest.approx(-1.5) and xs[-1] == pytest.approx(1.5)
    assert ys[0] == pytest.approx(-2.5) and ys[-1] == pytest.approx(2.5)
    expected = np.broadcast_to((xs > 0).astype(int), (21, 21))
    off_axis = np.abs(xs) > 1e-6
    np.testing.assert_array_equal(classes[:, off_axis], expected[:, off_axis])
    assert confidence[:, 0].min() > 0.99 and confidence.min() >= 0.5


def test_inference_latency_is_a_positive_finite_number_of_milliseconds_and_quick():
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    started = time.perf_counter()
    ms = inference_latency(model, torch.randn(4, 8))
    assert 0 < ms < 1000 and math.isfinite(ms)
    assert time.perf_counter() - started < 1.0


def test_agreement_counts_matching_argmaxes():
    a = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    b = torch.tensor([[2.0, 0.0], [3.0, 1.0], [1.0, 0.0], [0.0, 5.0]])
    assert agreement(a, b).item() == pytest.approx(0.75)
    assert agreement(a, torch.tensor([0, 1, 1, 1])).item() == pytest.approx(0.75)


def test_head_average_is_the_mean_over_heads_and_keeps_rows_summing_to_one():
    attention = torch.softmax(torch.randn(3, 4, 4, generator=torch.Generator().manual_seed(0)), -1)
    averaged = head_average(attention)
    assert averaged.shape == (4, 4)
    np.testing.assert_allclose(averaged, attention.mean(0).numpy(), rtol=1e-6)
    np.testing.assert_allclose(averaged.sum(-1), 1.0, rtol=1e-6)


def test_cls_attention_grid_reads_the_cls_row_over_patches_in_row_major_order():
    attention = torch.zeros(5, 5)
    attention[0] = torch.tensor([0.2, 0.4, 0.2, 0.1, 0.1])  # CLS keeps 0.2 for itself
    attention[1:, 0] = 1.0
    grid = cls_attention_grid(attention, (2, 2))
    np.testing.assert_allclose(grid, [[0.5, 0.25], [0.125, 0.125]], rtol=1e-6)
    with pytest.raises(ValueError, match="3x3"):
        cls_attention_grid(attention, (3, 3))


def test_the_principal_plane_keeps_the_widest_directions_and_says_how_much_they_hold():
    from kdlab.viz.data_views import principal_plane

    x = torch.zeros(50, 4)
    x[:, 2] = torch.linspace(-5, 5, 50)  # nearly all the variance on one feature
    x[:, 0] = 0.1 * torch.tensor([1.0, -1.0]).repeat(25)  # and a little on another
    coords, explained = principal_plane(x)
    assert coords.shape == (50, 2)
    assert abs(abs(coords[:, 0]).max() - 5) < 0.01 and abs(abs(coords[:, 1]).max() - 0.1) < 0.01
    assert explained[0] > 0.99 and abs(explained.sum() - 1) < 1e-9
    one, shares = principal_plane(torch.arange(5.0).reshape(5, 1))  # one feature: a line on the plane
    assert (one[:, 1] == 0).all() and shares.tolist() == [1.0, 0.0]


def test_many_classes_are_drawn_as_the_ones_most_involved_in_mistakes():
    from kdlab.viz.data_views import is_plane, most_confused

    matrix = np.diag(np.full(40, 10))
    matrix[3, 7] = 5  # 3 taken for 7
    matrix[20, 3] = 2
    assert most_confused([np.eye(30)]) is None  # 30 classes: all of them
    shown = most_confused([matrix, matrix], limit=3)
    assert shown.tolist() == [3, 7, 20]
    assert is_plane(torch.zeros(4, 2)) and not is_plane(torch.zeros(4, 3)) and not is_plane(torch.zeros(4, 1, 2))


def test_boundary_panels_skip_point_data_that_is_not_a_plane():
    from kdlab import RunConfig
    from kdlab.data import Splits
    from kdlab.runs.loading import LoadedRun
    from kdlab.measures import boundary_panels

    def run(features: int) -> LoadedRun:
        x, y = torch.randn(8, features), torch.arange(8) % 2
        splits = Splits(f"upload-{features}", x, y, x, y, ["a", "b"], "points")
        return LoadedRun(f"r{features}", RunConfig(), {}, splits, {"student": nn.Linear(features, 2)})

    panels = boundary_panels({"plane": run(2), "three": run(3), "one": run(1)}, resolution=4)
    assert [list(panel["grids"]) for panel in panels.values()] == [["plane"]]  # no mat1/mat2 error, no IndexError
