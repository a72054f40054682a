"""The maths of DKD, DIST, logit standardization, CTKD, PKT, SP, RKD and multi-teacher fusion, each against a plain
reference written out here with loops and numpy (not the implementation's vectorised form), plus gradchecks and the
known identities and schedules of the official code."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from kdlab.losses.ctkd import INITIAL_RAW_TEMPERATURE, GradientReversal, bounded_temperature, reversal_strength
from kdlab.losses.dist import dist_loss
from kdlab.losses.dkd import dkd_loss, dkd_warmup
from kdlab.losses.fusion import confidence_weights, fused_probs
from kdlab.losses.pkt import OFFICIAL_WEIGHT as PKT_WEIGHT
from kdlab.losses.pkt import pkt_loss
from kdlab.losses.relational import pairwise_distances, relational_loss
from kdlab.losses.sp import OFFICIAL_WEIGHT as SP_WEIGHT
from kdlab.losses.sp import sp_loss
from kdlab.losses.standardize import at_least_float32, zscore

SHAPES = [(1, 5), (3, 2), (8, 10)]
TEMPERATURES = [1.0, 4.0, 8.0]


def randn(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def labels_for(batch, classes, seed=0):
    return torch.randint(classes, (batch,), generator=torch.Generator().manual_seed(seed))


def np_softmax(row):
    e = np.exp(row - row.max())
    return e / e.sum()


def kl(p, q):
    """KL(p ‖ q) of two numpy vectors with 0 · log 0 = 0."""
    return sum(a * math.log(a / b) for a, b in zip(p, q) if a > 0)


def smooth_l1(x):
    return 0.5 * x * x if abs(x) < 1 else abs(x) - 0.5


# --- precision -------------------------------------------------------------------------------------------------------

def test_losses_compute_in_float32_from_half_precision_and_keep_float64():
    assert at_least_float32(torch.zeros(2, dtype=torch.bfloat16)).dtype == torch.float32
    assert at_least_float32(torch.zeros(2, dtype=torch.float64)).dtype == torch.float64
    s, p, y = randn(4, 5).bfloat16(), F.softmax(randn(4, 5, seed=1), 1).bfloat16(), labels_for(4, 5)
    assert dkd_loss(s, p.log(), y, 4.0).dtype == torch.float32
    assert dist_loss(s, p, 4.0).dtype == torch.float32


# --- DKD -------------------------------------------------------------------------------------------------------------

def dkd_reference(s, p, y, T, alpha, beta):
    total = 0.0
    for s_row, p_row, t in zip(s.numpy(), p.numpy(), y.tolist()):
        q_row = np_softmax(s_row / T)
        others = [c for c in range(len(q_row)) if c != t]
        tckd = kl([p_row[t], 1 - p_row[t]], [q_row[t], 1 - q_row[t]])
        p_nt = p_row[others] / p_row[others].sum()
        q_nt = q_row[others] / q_row[others].sum()
        total += alpha * tckd + beta * kl(p_nt, q_nt)
    return T * T * total / len(y)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("T", TEMPERATURES)
def test_dkd_matches_a_per_sample_reference(shape, T):
    s, t, y = randn(*shape, seed=1), randn(*shape, seed=2), labels_for(shape[0], shape[1], seed=3)
    p = F.softmax(t / T, 1)
    expected = dkd_reference(s, p, y, T, 1.5, 8.0)
    torch.testing.assert_close(dkd_loss(s, p.log(), y, T, tckd_weight=1.5),
                               torch.tensor(expected, dtype=torch.float64))


@pytest.mark.parametrize("T", TEMPERATURES)
def test_classic_kd_is_tckd_plus_one_minus_teacher_target_prob_times_nckd(T):
    """Eq. (5) of the paper, sample by sample: KD = TCKD + (1 - p_t^T) · NCKD."""
    s, t, y = randn(6, 7, seed=4), randn(6, 7, seed=5), labels_for(6, 7, seed=6)
    p = F.softmax(t / T, 1)
    for i in range(6):
        weight = 1 - p[i, y[i]].item()
        decoupled = dkd_loss(s[i:i + 1], p[i:i + 1].log(), y[i:i + 1], T, tckd_weight=1.0, nckd_weight=weight)
        classic = T * T * kl(p[i].numpy(), np_softmax(s[i].numpy() / T))
        torch.testing.assert_close(decoupled, torch.tensor(classic, dtype=torch.float64))


def test_dkd_with_a_certain_teacher_is_t_squared_cross_entropy_and_stays_finite():
    s, y, T = randn(3, 4, seed=7).requires_grad_(), torch.tensor([0, 2, 3]), 2.0
    one_hot = F.one_hot(y, 4).double()
    loss = dkd_loss(s, one_hot.log(), y, T, nckd_weight=8.0)
    torch.testing.assert_close(loss, T * T * F.cross_entropy(s / T, y))
    loss.backward()
    assert torch.isfinite(s.grad).all()


def test_dkd_teacher_probabilities_of_zero_give_finite_loss_and_gradient():
    s = randn(2, 4, seed=8).requires_grad_()
    p = torch.tensor([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]], dtype=torch.float64)
    log_p = p.log().requires_grad_()  # log 0 = -inf: a teacher certain that a class is impossible
    loss = dkd_loss(s, log_p, torch.tensor([0, 1]), 4.0)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(s.grad).all() and torch.isfinite(log_p.grad).all()


def test_dkd_gradcheck():
    s, y = randn(3, 5, seed=9).requires_grad_(), labels_for(3, 5, seed=10)
    log_p = F.log_softmax(randn(3, 5, seed=11) / 2, 1).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: dkd_loss(a, b, y, 2.0), (s, log_p))


def test_dkd_warmup_is_mdistillers_min_epoch_over_20_of_240():
    for epoch in [0, 1, 10, 20, 21, 120, 240]:
        assert dkd_warmup(epoch / 240) == pytest.approx(min(epoch / 20, 1.0))
    assert (dkd_warmup(0.0), dkd_warmup(10 / 240), dkd_warmup(1.0)) == (0.0, pytest.approx(0.5), 1.0)


# --- DIST ------------------------------------------------------------------------------------------------------------

def pearson(a, b, eps=1e-8):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (z - mb) for x, z in zip(a, b))
    na = math.sqrt(sum((x - ma) ** 2 for x in a))
    nb = math.sqrt(sum((z - mb) ** 2 for z in b))
    return cov / (na * nb + eps)


def dist_reference(s, p, tau, beta, gamma):
    q = [list(np_softmax(row / tau)) for row in s.numpy()]
    p = p.tolist()
    inter = 1 - sum(pearson(qr, pr) for qr, pr in zip(q, p)) / len(q)
    columns = range(len(q[0]))
    intra = 1 - sum(pearson([r[c] for r in q], [r[c] for r in p]) for c in columns) / len(columns)
    return tau * tau * (beta * inter + gamma * intra)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("tau", TEMPERATURES)
def test_dist_matches_pearson_written_with_loops(shape, tau):
    s, t = randn(*shape, seed=12), randn(*shape, seed=13)
    p = F.softmax(t / tau, 1)
    expected = dist_reference(s, p, tau, 1.0, 2.0)
    torch.testing.assert_close(dist_loss(s, p, tau, intra_weight=2.0), torch.tensor(expected, dtype=torch.float64))


def test_dist_with_one_sample_has_a_constant_intra_part_and_finite_gradient():
    """One sample: every class column is a single value, its centred norm is 0, so ρ = 0 / eps = 0."""
    s, p = randn(1, 6, seed=14).requires_grad_(), F.softmax(randn(1, 6, seed=15), 1)
    inter_only = dist_loss(s, p, 2.0, intra_weight=0.0)
    loss = dist_loss(s, p, 2.0, intra_weight=3.0)
    torch.testing.assert_close(loss, inter_only + 3.0 * 2.0**2)
    loss.backward()
    assert torch.isfinite(s.grad).all()


def test_dist_is_zero_when_student_matches_teacher_up_to_the_official_eps():
    t = randn(5, 8, seed=16)
    p = F.softmax(t / 4, 1)
    assert dist_loss(t, p, 4.0, eps=0.0).item() == pytest.approx(0.0, abs=1e-12)
    assert 0 < dist_loss(t, p, 4.0).item() < 1e-3


def test_dist_gradcheck():
    s, p = randn(4, 5, seed=17).requires_grad_(), F.softmax(randn(4, 5, seed=18), 1).requires_grad_()
    assert torch.autograd.gradcheck(lambda a, b: dist_loss(a, b, 2.0), (s, p))


# --- logit standardization -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 5), (4, 10), (3, 100)])
def test_zscore_uses_the_unbiased_std_like_the_official_tensor_std(shape):
    x = randn(*shape, seed=19) * 3 + 1
    a = x.numpy()
    expected = (a - a.mean(1, keepdims=True)) / (a.std(1, ddof=1, keepdims=True) + 1e-7)
    torch.testing.assert_close(zscore(x), torch.from_numpy(expected))


def test_zscore_removes_scale_and_shift_so_only_the_shape_is_compared():
    x = randn(4, 10, seed=20)
    torch.testing.assert_close(zscore(5.0 * x - 2.0), zscore(x))


def test_zscore_of_a_constant_row_is_zero_with_a_finite_gradient():
    x = torch.zeros(2, 10, dtype=torch.float64, requires_grad=True)
    z = zscore(x)
    z.sum().backward()
    assert torch.equal(z, torch.zeros_like(z)) and torch.isfinite(x.grad).all()


# --- CTKD ------------------------------------------------------------------------------------------------------------

def official_cosine_decay(epoch, max_value=0.0, min_value=-1.0, loops=10):
    """``CosineDecay.get_value`` of zhengli97/CTKD ``train_student.py`` with the scripts' arguments."""
    i = min(max(epoch, 0), loops)
    return (math.cos(i * math.pi / loops) + 1.0) * 0.5 * (max_value - min_value) + min_value


def test_gradient_reversal_is_identity_forward_and_minus_lambda_backward():
    x, upstream = randn(3, 4, seed=21).requires_grad_(), randn(3, 4, seed=22)
    y = GradientReversal.apply(x, 0.7)
    assert torch.equal(y, x)
    y.backward(upstream)
    assert torch.equal(x.grad, -0.7 * upstream)


def test_reversal_strength_is_the_official_cosine_over_10_of_240_epochs_sign_flipped():
    for epoch in [0, 1, 5, 10, 11, 120, 240]:
        assert reversal_strength(epoch / 240) == pytest.approx(-official_cosine_decay(epoch), abs=1e-12)
    for epoch in [0, 2, 5, 60, 120]:  # ImageNet: 5 of 120 epochs, the same fraction of training
        assert reversal_strength(epoch / 120) == pytest.approx(-official_cosine_decay(epoch, loops=5), abs=1e-12)
    assert reversal_strength(0.0) == 0.0
    assert reversal_strength(5 / 240) == pytest.approx(0.5)
    assert reversal_strength(1.0) == pytest.approx(1.0)


def test_bounded_temperature_starts_near_15_6_and_stays_between_1_and_21():
    start = bounded_temperature(torch.tensor(INITIAL_RAW_TEMPERATURE, dtype=torch.float64))
    assert start.item() == pytest.approx(1 + 20 / (1 + math.exp(-1.0)))
    extremes = bounded_temperature(torch.tensor([-50.0, 50.0]))
    torch.testing.assert_close(extremes, torch.tensor([1.0, 21.0]))


# --- PKT -------------------------------------------------------------------------------------------------------------

def pkt_reference(fs, ft, eps=1e-7):
    def probabilities(f):
        unit = [row / (np.linalg.norm(row) + eps) for row in f.numpy()]
        kernel = [[(float(np.dot(u, v)) + 1) / 2 for v in unit] for u in unit]
        return [[k / sum(row) for k in row] for row in kernel]

    ps, pt = probabilities(fs), probabilities(ft)
    n = len(ps)
    return sum(pt[i][j] * math.log((pt[i][j] + eps) / (ps[i][j] + eps)) for i in range(n) for j in range(n)) / n**2


@pytest.mark.parametrize("batch", [1, 4, 7])
def test_pkt_matches_a_double_loop_reference_with_different_widths(batch):
    fs, ft = randn(batch, 6, seed=23), randn(batch, 11, seed=24)
    torch.testing.assert_close(pkt_loss(fs, ft), torch.tensor(pkt_reference(fs, ft), dtype=torch.float64))
    assert PKT_WEIGHT == 30000


def test_pkt_is_zero_for_scaled_copies_and_finite_for_a_zero_vector():
    f = randn(5, 8, seed=25)
    assert pkt_loss(3.0 * f, f).item() == pytest.approx(0.0, abs=1e-12)
    fs = torch.cat([torch.zeros(1, 8, dtype=torch.float64), f[1:]]).requires_grad_()
    pkt_loss(fs, f).backward()
    assert torch.isfinite(fs.grad).all()


def test_pkt_gradcheck():
    fs, ft = randn(4, 3, seed=26).requires_grad_(), randn(4, 5, seed=27).requires_grad_()
    assert torch.autograd.gradcheck(pkt_loss, (fs, ft))


# --- SP --------------------------------------------------------------------------------------------------------------

def sp_reference(fs, ft):
    def normalised_gram(f):
        flat = f.reshape(f.shape[0], -1).numpy()
        g = flat @ flat.T
        return g / np.linalg.norm(g, axis=1, keepdims=True)

    return float(np.sum((normalised_gram(ft) - normalised_gram(fs)) ** 2)) / fs.shape[0] ** 2


@pytest.mark.parametrize("batch", [1, 3, 6])
def test_sp_matches_numpy_gram_matrices_of_differently_shaped_maps(batch):
    fs, ft = randn(batch, 4, 3, 3, seed=28), randn(batch, 8, 2, 2, seed=29)
    torch.testing.assert_close(sp_loss(fs, ft), torch.tensor(sp_reference(fs, ft), dtype=torch.float64))
    assert SP_WEIGHT == 3000


def test_sp_gradcheck():
    fs, ft = randn(3, 2, 2, 2, seed=30).requires_grad_(), randn(3, 6, seed=31).requires_grad_()
    assert torch.autograd.gradcheck(sp_loss, (fs, ft))


# --- RKD -------------------------------------------------------------------------------------------------------------

def rkd_reference(s, t):
    def normalised_distances(e):
        rows = e.tolist()
        n = len(rows)
        d = [[math.dist(a, b) for b in rows] for a in rows]
        mean = sum(map(sum, d)) / (n * (n - 1))
        return [x / mean for row in d for x in row]

    def cosines(e):
        rows, out = e.numpy(), []
        for i in range(len(rows)):
            for j in range(len(rows)):
                for k in range(len(rows)):
                    u, v = rows[j] - rows[i], rows[k] - rows[i]
                    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
                    out.append(0.0 if nu == 0 or nv == 0 else float(u @ v) / (nu * nv))
        return out

    def huber(a, b):
        return sum(smooth_l1(x - y) for x, y in zip(a, b)) / len(a)

    return huber(normalised_distances(s), normalised_distances(t)) + 2 * huber(cosines(s), cosines(t))


@pytest.mark.parametrize("rows", [2, 3, 6])
def test_relational_matches_distances_and_angles_written_with_loops(rows):
    s, t = randn(rows, 4, seed=32), randn(rows, 7, seed=33)
    torch.testing.assert_close(relational_loss(s, t), torch.tensor(rkd_reference(s, t), dtype=torch.float64))


def test_relational_is_zero_with_finite_gradients_for_identical_embeddings():
    e = randn(5, 4, seed=34)
    s = e.clone().requires_grad_()
    loss = relational_loss(s, e)
    loss.backward()
    assert loss.item() == 0.0 and torch.isfinite(s.grad).all()


@pytest.mark.parametrize("s", [torch.ones(4, 3, dtype=torch.float64), randn(1, 3, seed=35)])
def test_relational_is_finite_for_a_collapsed_batch_and_a_batch_of_one(s):
    s = s.clone().requires_grad_()
    loss = relational_loss(s, randn(len(s), 3, seed=36))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(s.grad).all()


def test_pairwise_distances_of_40_rows_have_an_exactly_zero_diagonal():
    e = torch.randn(40, 16, generator=torch.Generator().manual_seed(37)) * 10
    d = pairwise_distances(e)
    assert torch.equal(d.diagonal(), torch.zeros(40))
    off = ~torch.eye(40, dtype=torch.bool)
    torch.testing.assert_close(d[off], torch.cdist(e, e)[off], rtol=1e-4, atol=1e-3)


def test_relational_gradcheck():
    s, t = randn(4, 3, seed=38).requires_grad_(), randn(4, 5, seed=39).requires_grad_()
    assert torch.autograd.gradcheck(relational_loss, (s, t))


# --- several teachers ------------------------------------------------------------------------------------------------

def test_fused_probs_with_fixed_weights_is_their_normalised_weighted_mean():
    probs = [F.softmax(randn(3, 5, seed=40 + k), 1) for k in range(3)]
    weights = torch.tensor([1.0, 2.0, 5.0], dtype=torch.float64)
    fused = fused_probs(probs, weights)
    for b in range(3):
        for c in range(5):
            expected = sum(w * p[b, c].item() for w, p in zip([1 / 8, 2 / 8, 5 / 8], probs))
            assert fused[b, c].item() == pytest.approx(expected)
    torch.testing.assert_close(fused.sum(1), torch.ones(3, dtype=torch.float64))


def test_fused_probs_with_per_sample_weights_picks_a_teacher_per_row():
    probs = [F.softmax(randn(2, 4, seed=43 + k), 1) for k in range(2)]
    fused = fused_probs(probs, torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64))
    torch.testing.assert_close(fused, torch.stack([probs[0][0], probs[1][1]]))


def confidence_reference(logits, labels):
    k = len(logits)
    out = []
    for b, y in enumerate(labels.tolist()):
        ce = [-math.log(np_softmax(t[b].numpy())[y]) for t in logits]
        shares = [math.exp(c) / sum(math.exp(x) for x in ce) for c in ce]
        out.append([(1 - s) / (k - 1) for s in shares])
    return torch.tensor(out, dtype=torch.float64)


@pytest.mark.parametrize("k", [2, 3])
def test_confidence_weights_match_ca_mkd_and_rows_sum_to_one(k):
    logits, y = [randn(4, 6, seed=46 + i) for i in range(k)], labels_for(4, 6, seed=49)
    w = confidence_weights(logits, y)
    torch.testing.assert_close(w, confidence_reference(logits, y))
    torch.testing.assert_close(w.sum(1), torch.ones(4, dtype=torch.float64))


def test_confidence_weights_favour_the_teacher_with_lower_cross_entropy_and_pass_no_gradient():
    right = torch.tensor([[5.0, 0.0, 0.0]], dtype=torch.float64, requires_grad=True)
    wrong = torch.tensor([[0.0, 5.0, 0.0]], dtype=torch.float64)
    w = confidence_weights([right, wrong], torch.tensor([0]))
    assert w[0, 0] > w[0, 1] and not w.requires_grad


def test_confidence_weights_for_one_teacher_are_ones():
    assert torch.equal(confidence_weights([randn(3, 4, seed=50)], labels_for(3, 4)), torch.ones(3, 1).double())


def test_fusing_probabilities_gives_the_same_student_gradient_as_weighting_kl_losses():
    """Why fusion may stand in for CA-MKD's weighted sum of per-teacher KL losses."""
    T, y = 3.0, labels_for(4, 5, seed=51)
    logits = [randn(4, 5, seed=52 + k) for k in range(3)]
    probs = [F.softmax(t / T, 1) for t in logits]
    w = confidence_weights(logits, y)

    def gradient(loss_of):
        s = randn(4, 5, seed=55).requires_grad_()
        loss_of(F.log_softmax(s / T, 1)).backward()
        return s.grad

    def kl_rows(p, log_q):
        return (p * (p.log() - log_q)).sum(1)

    weighted = gradient(lambda log_q: sum((w[:, k] * kl_rows(p, log_q)).sum() for k, p in enumerate(probs)))
    fused = gradient(lambda log_q: kl_rows(fused_probs(probs, w), log_q).sum())
    torch.testing.assert_close(fused, weighted)
