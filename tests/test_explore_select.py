"""ui.explore_select and ui.explore_order: a brush read back as a stretch, the units ranked for it, the matches
found by Jaccard over the on-units, the Gates view of a match, and the unit orders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ui import explore_order as order
from ui import explore_select as sel
from ui import teaching


# --- the brush ----------------------------------------------------------------------------------------------
def _box(x0, x1, **extra):
    return {"box": [{"x": [x0, x1], "y": [-1, 1], "xref": "x", "yref": "y"}], "points": [], "point_indices": [],
            "lasso": [], **extra}


def test_a_box_on_a_step_axis_covers_the_steps_inside_it():
    index = np.arange(100, 200)
    assert sel.stretch_from_selection(_box(120.4, 129.6), index) == (21, 30)  # x 121..129
    assert sel.stretch_from_selection(_box(129.6, 120.4), index) == (21, 30)  # dragged right to left
    assert sel.stretch_from_selection(_box(50, 120), index) == (0, 21)  # cut at the start
    assert sel.stretch_from_selection(_box(10, 20), index) is None  # covers no step


def test_a_box_on_a_date_axis_reads_plotlys_date_text():
    index = pd.date_range("2020-01-01", periods=48, freq="MS").to_numpy()
    found = sel.stretch_from_selection(_box("2020-03-15 10:00:00.5", "2020-07-20"), index)
    assert found == (3, 7)  # April..July 2020


def test_points_are_used_without_a_box_and_empty_is_none():
    index = np.arange(50)
    assert sel.stretch_from_selection({"box": [], "point_indices": [7, 3, 5]}, index) == (3, 8)
    assert sel.stretch_from_selection({"box": [], "point_indices": [], "points": []}, index) is None
    assert sel.stretch_from_selection(None, index) is None
    assert sel.selection_signature(None) == ""
    assert sel.selection_signature(_box(1, 2)) == sel.selection_signature(_box(1, 2))
    assert sel.selection_signature(_box(1, 2)) != sel.selection_signature(_box(1, 3))


# --- ranking ------------------------------------------------------------------------------------------------
def _pattern(T=300, H=12, at=((40, 50), (150, 160), (250, 262)), units=(2, 5), seed=0):
    """Units ``units`` on (0.9) during every stretch of ``at``, every unit off (−0.5 ± noise) elsewhere,
    unit 9 on everywhere, unit 7 on only around the first stretch."""
    rng = np.random.default_rng(seed)
    s = -0.5 + 0.05 * rng.standard_normal((T, H))
    for a, b in at:
        s[a:b, list(units)] = 0.9
    s[:, 9] = 0.9
    s[30:40, 7] = 0.9
    s[50:60, 7] = 0.9
    return s


def test_units_on_inside_and_off_around_rank_first():
    r = sel.rank_units(_pattern(), (40, 50), 0.5)
    assert set(r.units.tolist()) == {2, 5}
    assert set(r.order[:2].tolist()) == {2, 5}
    np.testing.assert_allclose(r.inside[[2, 5, 9, 7]], [1, 1, 1, 0])
    np.testing.assert_allclose(r.around[[2, 5, 9, 7]], [0, 0, 1, 1])
    assert r.score[9] == 0 and r.score[7] == -1
    np.testing.assert_array_equal(sel.around_steps((40, 50), 300), np.r_[30:40, 50:60])
    np.testing.assert_array_equal(sel.around_steps((0, 5), 8), np.r_[5:8])


def test_the_threshold_decides_who_is_on():
    assert sel.rank_units(_pattern(), (40, 50), 0.95).units.size == 0
    with pytest.raises(ValueError):
        sel.rank_units(_pattern(), (50, 40), 0.5)


# --- matching -----------------------------------------------------------------------------------------------
def test_jaccard_per_step():
    states = np.array([[1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0]], dtype=float)
    np.testing.assert_allclose(sel.jaccard_per_step(states, [0, 1], 0.5), [1, 0.5, 0, 0])
    np.testing.assert_array_equal(sel.jaccard_per_step(states, [], 0.5), [0, 0, 0, 0])


def test_runs():
    assert sel.runs(np.array([0, 1, 1, 0, 1], dtype=bool)) == [(1, 3), (4, 5)]
    assert sel.runs(np.zeros(3, dtype=bool)) == []


def test_matches_are_the_other_stretches_with_the_same_units_on():
    states = _pattern()
    r = sel.rank_units(states, (40, 50), 0.5)
    found = sel.find_matches(states, r.units, 0.5, (40, 50))
    assert [(m.start, m.end) for m in found] == [(250, 262), (150, 160)]  # equal scores: the longer first
    assert all(m.score == pytest.approx(2 / 3) for m in found)  # units 2, 5 and the always-on 9: 2 of 3
    assert sel.find_matches(states, [], 0.5, (40, 50)) == []


def test_a_match_must_be_half_as_long_as_the_stretch():
    states = _pattern(at=((40, 60), (150, 158), (250, 262)))
    r = sel.rank_units(states, (40, 60), 0.5)
    assert [(m.start, m.end) for m in sel.find_matches(states, r.units, 0.5, (40, 60))] == [(250, 262)]


def test_extra_units_on_lower_a_matchs_score():
    states = _pattern()
    states[150:160, [0, 1, 3]] = 0.9  # three more units on during the second stretch
    r = sel.rank_units(states, (40, 50), 0.5)
    scores = {m.start: m.score for m in sel.find_matches(states, r.units, 0.5, (40, 50), min_jaccard=0.3)}
    assert scores[250] == pytest.approx(2 / 3) and scores[150] == pytest.approx(2 / 6)


@pytest.mark.parametrize(("start", "n", "window"), [(300, 600, 16), (2, 600, 16), (598, 600, 16), (10, 30, 16)])
def test_the_gates_view_of_a_match_holds_it_with_the_cursor_on_it(start, n, window):
    (first, end), cursor = sel.gates_view(start, n, window)
    lo, hi = teaching.gates_window(n, window)
    assert end - first == hi - lo
    assert 0 <= first < end <= n
    assert first + cursor == start


# --- unit orders --------------------------------------------------------------------------------------------
def _groups(seed=0):
    """12 units in three groups of four that follow three different curves, shuffled."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 6 * np.pi, 240)
    curves = np.stack([np.sin(t), np.sign(np.sin(t / 3)), np.cos(2.3 * t)], axis=1)
    group = rng.permutation(np.repeat([0, 1, 2], 4))
    return curves[:, group] + 0.1 * rng.standard_normal((240, 12)), group


def _blocks(perm: np.ndarray, group: np.ndarray) -> int:
    """How many contiguous blocks the groups form in ``perm`` (3 when every group sits together)."""
    g = group[perm]
    return int(1 + np.count_nonzero(g[1:] != g[:-1]))


def test_clustering_puts_each_group_together():
    states, group = _groups()
    perm = order.cluster_order(states)
    assert sorted(perm.tolist()) == list(range(12))
    assert _blocks(perm, group) == 3
    assert _blocks(np.arange(12), group) > 3  # the numbering alone does not


def test_past_max_cluster_units_the_leading_eigenvector_orders_them(monkeypatch):
    states, group = _groups(1)
    monkeypatch.setattr(order, "MAX_CLUSTER", 4)
    perm = order.cluster_order(states)
    assert sorted(perm.tolist()) == list(range(12))
    r = order.correlations(states)
    vec = np.linalg.eigh(r)[1][:, -1]
    assert np.all(np.diff(vec[perm]) >= 0)


def test_statistic_orders():
    T = 50
    states = np.zeros((T, 3))
    states[10, 0], states[40, 1], states[25, 2] = 1.0, 1.0, 1.0
    np.testing.assert_array_equal(order.unit_order("peak", states), [0, 2, 1])
    values = np.sin(np.arange(T) / 3)
    corr = np.stack([-values, 0.5 * values + 0.01 * np.cos(np.arange(T)), values], axis=1)
    np.testing.assert_array_equal(order.unit_order("input", corr, values), [2, 1, 0])
    memory = np.tile([0.2, 0.9, 0.5], (T, 1))
    np.testing.assert_array_equal(order.unit_order("memory", states, memory=memory), [1, 2, 0])
    np.testing.assert_array_equal(order.unit_order("number", states), [0, 1, 2])
    assert order.orders_for("rnn") == ("number", "input", "peak", "cluster")
    assert "memory" in order.orders_for("gru")
    with pytest.raises(ValueError):
        order.unit_order("memory", states)
    with pytest.raises(ValueError):
        order.unit_order("nonsense", states)


def test_a_constant_unit_correlates_with_nothing():
    states = np.stack([np.arange(10.0), np.ones(10), -np.arange(10.0)], axis=1)
    r = order.correlations(states)
    np.testing.assert_allclose(r, [[1, 0, -1], [0, 1, 0], [-1, 0, 1]], atol=1e-12)
    np.testing.assert_allclose(order.input_correlation(states, np.arange(10.0)), [1, 0, -1], atol=1e-12)


def test_the_curves_context_and_the_spans_inside_it():
    assert sel.context((100, 104), 500) == (80, 124)  # 20 steps at least on each side
    assert sel.context((100, 120), 500) == (40, 180)  # three stretch lengths
    assert sel.context((5, 10), 30) == (0, 30)
    assert sel.clip_spans([(70, 85), (90, 95), (130, 140)], 80, 124) == [(0, 5), (10, 15)]
