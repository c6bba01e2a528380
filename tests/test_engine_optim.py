"""Optimisers against hand-computed updates, clipping and schedules."""

import math

import numpy as np
import pytest

from lstm_core.optim import (
    SGD,
    Adam,
    AdamW,
    CosineSchedule,
    ReduceOnPlateau,
    clip_grad_norm,
    global_norm,
    make_optimizer,
)


def _params():
    return {"w": np.array([1.0, -2.0]), "bias": np.array([0.5])}


G1 = {"w": np.array([0.1, -0.3]), "bias": np.array([0.2])}
G2 = {"w": np.array([-0.2, 0.4]), "bias": np.array([0.1])}


def test_sgd_momentum_and_weight_decay_by_hand():
    p = _params()
    opt = SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01)
    opt.step(G1)
    # step 1: g = g + λp (weights only), v = g
    g1 = np.array([0.1 + 0.01 * 1.0, -0.3 + 0.01 * -2.0])
    w1 = np.array([1.0, -2.0]) - 0.1 * g1
    assert np.allclose(p["w"], w1)
    assert np.allclose(p["bias"], [0.5 - 0.1 * 0.2])  # no decay on biases
    opt.step(G2)
    g2 = G2["w"] + 0.01 * w1
    v2 = 0.9 * g1 + g2
    assert np.allclose(p["w"], w1 - 0.1 * v2)


def _adam_by_hand(p0, grads, lr, wd, decoupled, b1=0.9, b2=0.999, eps=1e-8):
    p, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    for t, g in enumerate(grads, start=1):
        if decoupled:
            p = p - lr * wd * p
        else:
            g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mh, vh = m / (1 - b1**t), v / (1 - b2**t)
        p = p - lr * mh / (np.sqrt(vh) + eps)
    return p


@pytest.mark.parametrize(("cls", "decoupled"), [(Adam, False), (AdamW, True)])
def test_adam_and_adamw_by_hand(cls, decoupled):
    p = _params()
    opt = cls(p, lr=0.01, weight_decay=0.1)
    opt.step(G1)
    opt.step(G2)
    expect = _adam_by_hand(np.array([1.0, -2.0]), [G1["w"], G2["w"]], 0.01, 0.1, decoupled)
    assert np.allclose(p["w"], expect, rtol=1e-12, atol=1e-14)
    expect_b = _adam_by_hand(np.array([0.5]), [G1["bias"], G2["bias"]], 0.01, 0.0, decoupled)
    assert np.allclose(p["bias"], expect_b, rtol=1e-12)


def test_first_adam_step_is_lr_times_sign():
    p = {"w": np.array([0.0, 0.0], dtype=np.float32)}
    Adam(p, lr=0.5).step({"w": np.array([3.0, -0.001], dtype=np.float32)})
    assert np.allclose(p["w"], [-0.5, 0.5], atol=1e-4)
    assert p["w"].dtype == np.float32  # updated in place, dtype kept


def test_updates_are_in_place_on_live_arrays():
    w = np.ones(3)
    opt = make_optimizer("adamw", {"w": w}, lr=0.1, weight_decay=0.0)
    opt.step({"w": np.ones(3)})
    assert np.allclose(w, 0.9)
    with pytest.raises(ValueError):
        make_optimizer("rmsprop", {"w": w}, lr=0.1)


def test_clip_grad_norm():
    g = {"a": np.array([3.0]), "b": np.array([4.0])}
    assert global_norm(g) == 5.0
    norm = clip_grad_norm(g, 1.0)
    assert norm == 5.0
    assert global_norm(g) == pytest.approx(1.0, abs=1e-6)
    g2 = {"a": np.array([0.3])}
    clip_grad_norm(g2, 1.0)
    assert g2["a"][0] == 0.3  # below the limit: untouched
    assert math.isinf(clip_grad_norm({"a": np.array([np.inf])}, 1.0))


def test_cosine_and_plateau_schedules():
    opt = SGD({"w": np.zeros(1)}, lr=1.0)
    sched = CosineSchedule(opt, total_epochs=4, min_factor=0.0)
    lrs = [sched.step(e) for e in range(4)]
    assert lrs == pytest.approx([0.5 * (1 + math.cos(math.pi * k / 4)) for k in range(1, 5)])
    opt2 = SGD({"w": np.zeros(1)}, lr=1.0)
    plateau = ReduceOnPlateau(opt2, factor=0.5, patience=1)
    for loss in [1.0, 1.0, 1.0]:
        plateau.step(0, loss)
    assert opt2.lr == 0.5
