"""Each distillation term against an independent small computation, plus the classic facts about T."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from kdlab import DistillationLoss, ModelOutput, RunConfig, soft_target_loss
from kdlab.losses import TermInputs, terms
from kdlab.losses import term as term_spec
from kdlab.losses.attention import activation_attention_loss, attention_map_loss, layer_pairs
from kdlab.losses.hint import HintLoss
from kdlab.losses.relational import relational_loss


def inputs(student: ModelOutput, teacher: ModelOutput, labels=None, temperature=4.0) -> TermInputs:
    labels = torch.zeros(len(student.logits), dtype=torch.long) if labels is None else labels
    return TermInputs(student, teacher, [teacher.logits], labels, 0.5, temperature)


def logits(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_soft_target_loss_is_t_squared_kl_written_out_with_sums():
    s, t, T = logits(5, 4, seed=1), logits(5, 4, seed=2), 3.0
    p = [[math.exp(v / T) for v in row] for row in t.tolist()]
    q = [[math.exp(v / T) for v in row] for row in s.tolist()]
    expected = 0.0
    for pr, qr in zip(p, q):
        zp, zq = sum(pr), sum(qr)
        expected += sum((a / zp) * (math.log(a / zp) - math.log(b / zq)) for a, b in zip(pr, qr))
    expected = T * T * expected / len(p)
    assert soft_target_loss(s, t, T).item() == pytest.approx(expected, rel=1e-5)


def test_soft_target_loss_is_zero_when_student_equals_teacher():
    t = logits(4, 6)
    assert soft_target_loss(t, t, 2.0).item() == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("T", [1.0, 4.0, 20.0])
def test_gradient_is_t_times_q_minus_p_so_t_squared_keeps_its_scale(T):
    s, t = logits(3, 5, seed=3).requires_grad_(), logits(3, 5, seed=4)
    soft_target_loss(s, t, T).backward()
    q, p = F.softmax(s.detach() / T, 1), F.softmax(t / T, 1)
    torch.testing.assert_close(s.grad, T * (q - p) / 3, rtol=1e-5, atol=1e-6)


def test_high_temperature_gradient_approaches_logit_matching():
    """Hinton et al. 2015 §2.1: for zero-mean logits, T(q - p) -> (s - t)/N as T grows."""
    s, t = logits(2, 10, seed=5), logits(2, 10, seed=6)
    s, t = s - s.mean(1, keepdim=True), t - t.mean(1, keepdim=True)
    matching = (s - t) / 10

    def gradient(T):
        x = s.clone().requires_grad_()
        soft_target_loss(x, t, T).backward()
        return x.grad * 2  # undo the batch mean

    assert (gradient(1000.0) - matching).abs().max() < 1e-3 * matching.abs().max()
    assert (gradient(1.0) - matching).abs().max() > 0.1 * matching.abs().max()


def test_alpha_zero_is_plain_cross_entropy():
    config = RunConfig(terms={"soft": 0.0})
    s, t = ModelOutput(logits(6, 10, seed=7).float()), ModelOutput(logits(6, 10, seed=8).float())
    labels = torch.arange(6)
    parts = DistillationLoss(config, s, t)(s, t, labels)
    assert set(parts) == {"ce", "total"}
    torch.testing.assert_close(parts["total"], F.cross_entropy(s.logits, labels))


def test_total_is_the_documented_weighted_sum():
    config = RunConfig(teacher="cnn-small", student="cnn-small", temperature=2.0,
                       terms={"soft": 0.3, "attention": 5.0, "representation": 2.0, "relational": 0.5})
    maps = [torch.rand(4, 4, 4)]
    s = ModelOutput(logits(4, 3, seed=9).float(), {"embedding": torch.randn(4, 8), "mid": torch.randn(4, 8)},
                    activation_maps=maps)
    t = ModelOutput(logits(4, 3, seed=10).float(), {"embedding": torch.randn(4, 8), "mid": torch.randn(4, 8)},
                    activation_maps=[torch.rand(4, 4, 4)])
    parts = DistillationLoss(config, s, t)(s, t, torch.tensor([0, 1, 2, 0]))
    expected = 0.7 * parts["ce"] + 0.3 * parts["soft"] + 5 * parts["attention"] + 2 * parts["representation"] \
        + 0.5 * parts["relational"]
    torch.testing.assert_close(parts["total"], expected)


def test_layer_pairs_map_relative_depth_and_end_on_the_last_layer():
    assert layer_pairs(2, 4) == [(0, 1), (1, 3)]
    assert layer_pairs(4, 2) == [(0, 0), (1, 0), (2, 1), (3, 1)]
    assert layer_pairs(3, 3) == [(0, 0), (1, 1), (2, 2)]


def test_attention_map_loss_is_mse_per_head_when_heads_match():
    s, t = torch.rand(2, 2, 5, 5), torch.rand(2, 2, 5, 5)
    assert attention_map_loss([s], [t]).item() == pytest.approx(((s - t) ** 2).mean().item(), rel=1e-6)


def test_attention_map_loss_averages_heads_when_counts_differ():
    s, t = torch.rand(2, 2, 5, 5), torch.rand(2, 4, 5, 5)
    expected = ((s.mean(1) - t.mean(1)) ** 2).mean()
    assert attention_map_loss([s], [t]).item() == pytest.approx(expected.item(), rel=1e-6)


def test_attention_map_loss_names_a_token_count_mismatch():
    with pytest.raises(ValueError, match="same number of tokens"):
        attention_map_loss([torch.rand(1, 1, 5, 5)], [torch.rand(1, 1, 17, 17)])


def test_activation_attention_is_scale_free_and_written_out():
    t = torch.rand(3, 4, 4)
    assert activation_attention_loss([7.0 * t], [t]).item() == pytest.approx(0.0, abs=1e-7)
    s = torch.rand(3, 4, 4)
    qs, qt = s.flatten(1), t.flatten(1)
    expected = ((qs / qs.norm(dim=1, keepdim=True) - qt / qt.norm(dim=1, keepdim=True)) ** 2).mean()
    assert activation_attention_loss([s], [t]).item() == pytest.approx(expected.item(), rel=1e-5)


def test_activation_attention_pools_the_larger_map():
    t = torch.rand(2, 8, 8)
    pooled = F.avg_pool2d(t.unsqueeze(1), 2).squeeze(1)
    assert activation_attention_loss([pooled], [t]).item() == pytest.approx(0.0, abs=1e-7)


def test_hint_projects_narrow_student_features_to_the_teacher_width_and_learns():
    config = RunConfig(terms={"representation": 1.0})
    s = ModelOutput(torch.zeros(4, 3), {"embedding": torch.randn(4, 8)})
    t = ModelOutput(torch.zeros(4, 3), {"embedding": torch.randn(4, 32)})
    term = HintLoss(config, s, t, feature="embedding")
    assert isinstance(term.project, torch.nn.Linear) and term.project.weight.shape == (32, 8)
    loss = term(inputs(s, t))
    loss.backward()
    assert term.project.weight.grad.abs().sum() > 0


def test_hint_uses_a_1x1_conv_between_feature_maps_and_pools_space():
    config = RunConfig(terms={"representation": 1.0}, terms_kw={"representation": {"feature": "mid"}})
    s = ModelOutput(torch.zeros(2, 3), {"mid": torch.randn(2, 4, 8, 8)})
    t = ModelOutput(torch.zeros(2, 3), {"mid": torch.randn(2, 16, 4, 4)})
    term = HintLoss(config, s, t, **term_spec("representation").knobs_in(config))
    assert isinstance(term.project, torch.nn.Conv2d) and term.project.kernel_size == (1, 1)
    assert torch.isfinite(term(inputs(s, t)))


def test_hint_is_zero_for_identical_features_of_equal_width():
    f = torch.randn(4, 16)
    out = ModelOutput(torch.zeros(4, 3), {"embedding": f})
    term = HintLoss(RunConfig(terms={"representation": 1.0}), out, out, feature="embedding")
    assert isinstance(term.project, torch.nn.Identity)
    assert term(inputs(out, out)).item() == 0.0


def test_relational_loss_ignores_scale_and_rotation_but_not_structure():
    e = torch.randn(8, 5)
    rotation, _ = torch.linalg.qr(torch.randn(5, 5))
    assert relational_loss(3.0 * e @ rotation, e).item() == pytest.approx(0.0, abs=1e-6)
    assert relational_loss(torch.randn(8, 5), e).item() > 0.01


@pytest.mark.parametrize("name", [spec.name for spec in terms()])
def test_every_registered_term_gives_a_finite_differentiable_scalar(name):
    from kdlab.models import InputSpec, build_model

    registered = term_spec(name)
    if registered.supports("cnn-small", "cnn-small") is None:
        spec = InputSpec("image", (1, 8, 8), 10)
        teacher, student = build_model("cnn-small", spec, 0), build_model("cnn-small", spec, 1, {"width": 4})
        x, labels, pair = torch.rand(4, 1, 8, 8), torch.tensor([0, 1, 2, 3]), ("digits", "cnn-small", "cnn-small")
    else:  # a language-model term: a GPT pair, next-token targets
        spec = InputSpec("sequence", (6,), 12, vocab_size=12)
        teacher, student = build_model("gpt-small", spec, 0), build_model("gpt-tiny", spec, 1)
        x, labels = torch.randint(1, 12, (4, 6)), torch.randint(1, 12, (4, 6))
        pair = ("tinylang", "gpt-small", "gpt-tiny")
    s_out, t_out = student(x), teacher(x)
    weights = {registered.complement_of or name: 0.5}  # cross-entropy is on at 1 - α
    config = RunConfig(dataset=pair[0], teacher=pair[1], student=pair[2], terms=weights).validate()
    module = registered.build(config, s_out, t_out, **registered.knobs_in(config))
    value = module(inputs(s_out, t_out.map(torch.Tensor.detach), labels))
    assert value.dim() == 0 and torch.isfinite(value)
    value.backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in student.parameters())
