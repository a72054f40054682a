"""Numerics at the extremes: DKD exact for a very confident teacher, and float64 kept through every registered term
(a float64 gradcheck over the whole registry: a term added tomorrow is checked with no new test code)."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from kdlab import RunConfig
from kdlab.data import load_dataset
from kdlab.losses import terms
from kdlab.losses.base import TermInputs
from kdlab.losses.dkd import dkd_loss
from kdlab.models import InputSpec, build_model


def dkd_reference(student_logits, teacher_logits, labels, T, alpha, beta):
    """DKD from the definition, one row at a time, in float64 log space with math.fsum (no torch kernels):
    TCKD on the binary (target, rest) split, NCKD on the non-target classes renormalised."""
    def log_softmax(row):
        top = max(row)
        lse = top + math.log(math.fsum(math.exp(v - top) for v in row))
        return [v - lse for v in row]

    def lse(values):
        top = max(values)
        return top + math.log(math.fsum(math.exp(v - top) for v in values))

    def kl(log_p, log_q):
        return math.fsum(math.exp(a) * (a - b) for a, b in zip(log_p, log_q) if a > -745)

    total = []
    for s_row, t_row, y in zip(student_logits.tolist(), teacher_logits.tolist(), labels.tolist()):
        log_q, log_p = log_softmax([v / T for v in s_row]), log_softmax([v / T for v in t_row])
        rest_q = lse([v for c, v in enumerate(log_q) if c != y])
        rest_p = lse([v for c, v in enumerate(log_p) if c != y])
        tckd = kl([log_p[y], rest_p], [log_q[y], rest_q])
        nckd = kl([v - rest_p for c, v in enumerate(log_p) if c != y], [v - rest_q for c, v in enumerate(log_q) if c != y])
        total.append(alpha * tckd + beta * nckd)
    return T * T * math.fsum(total) / len(total)


@pytest.mark.parametrize("scale", [1.0, 30.0, 300.0, 1e4])
@pytest.mark.parametrize("T", [1.0, 4.0])
def test_dkd_is_exact_against_a_log_space_reference_up_to_logits_of_1e4(scale, T):
    gen = torch.Generator().manual_seed(int(scale) + int(T))
    s = torch.randn(6, 10, generator=gen, dtype=torch.float64) * scale
    t = torch.randn(6, 10, generator=gen, dtype=torch.float64) * scale
    y = torch.randint(10, (6,), generator=gen)
    expected = dkd_reference(s, t, y, T, 1.0, 8.0)
    got = dkd_loss(s, F.log_softmax(t / T, dim=1), y, T, 1.0, 8.0)
    assert got.dtype == torch.float64
    assert got.item() == pytest.approx(expected, rel=1e-6, abs=1e-9)


def test_dkd_keeps_the_non_target_part_of_a_confident_teacher_in_float32():
    """Logits around 300 at T = 1: every non-target probability underflows in float32, yet the non-target
    distribution (which the NCKD part compares) is well defined; renormalising probabilities lost it (−0.0027
    where the exact value is 31.7)."""
    gen = torch.Generator().manual_seed(0)
    s = torch.randn(4, 10, generator=gen, dtype=torch.float64) * 300
    t = torch.randn(4, 10, generator=gen, dtype=torch.float64) * 300
    y = t.argmax(dim=1)  # a confident, correct teacher
    expected = dkd_reference(s, t, y, 1.0, 1.0, 8.0)
    got = dkd_loss(s.float(), F.log_softmax(t.float(), dim=1), y, 1.0, 1.0, 8.0)
    assert got.item() == pytest.approx(expected, rel=1e-4)


PAIRS = [("digits", "cnn-small", "cnn-small"), ("reviews", "transformer-tiny", "transformer-tiny"),
         ("digits", "mlp-small", "mlp-small"), ("tinylang", "gpt-tiny", "gpt-tiny")]  # a language-model pair


def _outputs(dataset: str, teacher: str, student: str):
    """Float64 outputs of a real teacher and student on three samples of ``dataset``."""
    splits = load_dataset(dataset, seed=0)
    spec = InputSpec.of(splits)
    x = splits.x_train[:3]
    x = x.double() if x.is_floating_point() else x
    teacher_model = build_model(teacher, spec, seed=1).double().eval()
    student_model = build_model(student, spec, seed=2).double().eval()
    with torch.no_grad():
        teacher_out = teacher_model(x)
    return student_model(x), teacher_out, splits.y_train[:3]


@pytest.fixture
def one_thread():
    """One torch thread for tensors this small. With two, each call waits for the second thread to be scheduled:
    on a busy two-core machine a 3 × 10 float64 cross-entropy took 12 ms instead of 5 µs, and a gradcheck makes
    two calls per input element (minutes for the registry instead of seconds)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("spec", terms(), ids=lambda spec: spec.name)
def test_every_registered_term_keeps_float64_and_passes_gradcheck(spec, one_thread):
    pair = next(((d, t, s) for d, t, s in PAIRS if spec.supports(t, s) is None), None)
    assert pair is not None, f"no test pair supports {spec.name}"
    dataset, teacher, student = pair
    student_out, teacher_out, labels = _outputs(dataset, teacher, student)
    config = RunConfig(dataset=dataset, teacher=teacher, student=student)
    module = spec.build(config, student_out, teacher_out, **spec.knobs_in(config)).double()
    floats = [i for i, x in enumerate(student_out.tensors()) if x.is_floating_point()]

    def loss(*variables):
        tensors = student_out.tensors()
        for i, v in zip(floats, variables):
            tensors[i] = v
        inputs = TermInputs(student_out.from_tensors(tensors), teacher_out, [teacher_out.logits], labels,
                            progress=0.5, temperature=4.0)
        return module(inputs)

    variables = [student_out.tensors()[i].detach().clone().requires_grad_() for i in floats]
    value = loss(*variables)
    assert value.dtype == torch.float64, f"{spec.name} computed in {value.dtype}"
    assert torch.autograd.gradcheck(loss, variables, eps=1e-6, atol=1e-5, rtol=1e-4)
