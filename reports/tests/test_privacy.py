"""Secret statistique as pure functions (reports.privacy): small counts hidden, never
recoverable by subtraction or by bounds, with room enough to be any of the small values."""

import pytest

from reports import privacy

R = privacy.Relation


def problem(values, relations, fixed=None, **extra):
    counts = set(values)
    return privacy.Problem(values=values, relations=relations, threshold=3, counts=counts,
                           primary={k for k, v in values.items() if 0 < v < 3}, fixed=fixed or {}, **extra)


def unknowns(relation, hidden):
    return [p for p in (relation.total, *relation.parts) if p in hidden]


@pytest.mark.parametrize(("values", "hidden"), [
    ({"a": 10, "b": 2, "c": 7, "t": 19}, {"b", "c"}),       # b alone would be t − a − c: c (the smaller) too
    ({"a": 5, "b": 0, "c": 1, "t": 6}, {"a", "c"}),         # zero is shown, it reveals nobody
    ({"a": 4, "b": 0, "c": 0, "t": 4}, set()),
])
def test_one_relation(values, hidden):
    relation = R("t", ("a", "b", "c"))
    assert privacy.protect(problem(values, [relation], fixed={"t": False})) == hidden


def test_two_small_cells_are_not_enough_for_each_other():
    # a = 1 and b = 2 hidden together give a ∈ [1, 2] (both ≥ 1, a + b = 3): a third cell is needed.
    values = {"a": 1, "b": 2, "c": 9, "t": 12}
    hidden = privacy.protect(problem(values, [R("t", ("a", "b", "c"))], fixed={"t": False}))
    assert hidden == {"a", "b", "c"}
    lows, highs = privacy.intervals(problem(values, [R("t", ("a", "b", "c"))], fixed={"t": False}), hidden)
    assert (lows["a"], highs["a"]) == (1, 10)


def test_a_total_decided_above_stays_as_decided():
    values = {"a": 2, "b": 0, "t": 2}
    # The total was hidden by the table above: the part carries it down, nothing else can.
    assert privacy.protect(problem(values, [R("t", ("a", "b"))], fixed={"t": True})) == {"a", "t"}


def test_the_readers_own_total_goes_before_the_part_that_makes_most_of_it():
    # Lys-Nord 12, the other pôle 2: hiding the total (14) loses less than hiding Lys-Nord.
    values = {"lys": 12, "college": 2, "total": 14}
    relation = R("total", ("lys", "college"))
    cost = {"lys": 13 * 1.5, "college": 3 * 1.5, "total": 15}
    assert privacy.protect(problem(values, [relation], cost=cost)) == {"college", "total"}


def test_hiding_spreads_through_crossing_relations():
    # Rows r1, r2 and a total row; columns x, y and their row sum s.
    values = {("r1", "x"): 8, ("r1", "y"): 1, ("r1", "s"): 9,
              ("r2", "x"): 6, ("r2", "y"): 5, ("r2", "s"): 11,
              ("t", "x"): 14, ("t", "y"): 6, ("t", "s"): 20}
    relations = [R((r, "s"), ((r, "x"), (r, "y"))) for r in ("r1", "r2", "t")]
    relations += [R(("t", c), (("r1", c), ("r2", c))) for c in ("x", "y", "s")]
    fixed = {("t", c): False for c in ("x", "y", "s")}
    hidden = privacy.protect(problem(values, relations, fixed=fixed))
    assert {("r1", "y"), ("r1", "x"), ("r2", "y"), ("r2", "x")} <= hidden
    for relation in relations:  # no relation has exactly one unknown left
        assert len(unknowns(relation, hidden)) != 1
    lows, highs = privacy.intervals(problem(values, relations, fixed=fixed), hidden)
    assert highs[("r1", "y")] - lows[("r1", "y")] >= 2 and highs[("r1", "y")] >= 3


def test_bounds_narrow_what_subtraction_leaves():
    # Waiting ≤ pupils: a hidden waiting count of 1 beside a school of 2 pupils is at most 2.
    values = {"w1": 1, "w2": 5, "t": 6, "p1": 2}
    bounds = [privacy.Bound("w1", "p1")]
    lows, highs = privacy.intervals(problem(values, [R("t", ("w1", "w2"))], bounds=bounds), {"w1", "w2"})
    assert highs["w1"] == 2
    assert privacy.disclosed(problem(values, [], bounds=bounds), "w1", lows["w1"], highs["w1"])
