"""Secret statistique as pure functions (pial.privacy): small counts hidden, never
recoverable by subtraction or by bounds, with room enough to be any of the small values;
the exact ranges checked against brute force; the reader's own total hidden last."""

import itertools

import pytest

from pial import privacy


def table(values: dict, relations: list[tuple[str, tuple[str, ...]]], published=None, cost=None, bounds=()):
    """A one-dimensional table: every cell a count, `relations` as (total, parts)."""
    rows = [privacy.equal(total, parts) for total, parts in relations]
    rows += [privacy.at_most(small, big) for small, big in bounds]
    return privacy.Problem(values=values, published=set(values) if published is None else published,
                           counts=set(values), rows=rows,
                           primary={k for k, v in values.items() if 0 < v < 3 and (published is None or k in published)},
                           threshold=3, cost=cost or {})


def brute_force(problem: privacy.Problem, hidden: set, key, up_to: int = 12) -> tuple[int, int]:
    """Every whole-number assignment of the unknown cells, as a reader would try them."""
    unknown = sorted(c for c in problem.values if c in hidden or c not in problem.published)
    found = []
    for guess in itertools.product(range(up_to + 1), repeat=len(unknown)):
        values = dict(problem.values) | dict(zip(unknown, guess, strict=True))
        if any(values[c] < 1 for c in unknown if c in hidden):
            continue
        if all(row.low - 1e-9 <= sum(k * values[c] for c, k in row.terms) <= row.high + 1e-9 for row in problem.rows):
            found.append(values[key])
    return min(found), max(found)


def test_a_small_cell_takes_a_partner_with_room_and_zero_stays_shown():
    problem = table({"a": 5, "b": 0, "c": 1, "t": 6}, [("t", ("a", "b", "c"))])
    hidden = privacy.protect(problem).hidden
    assert hidden == {"a", "c"}                      # zero reveals nobody; a has room for c
    ranges = privacy.Ranges(problem)
    assert ranges.check("c", hidden)[0]
    assert brute_force(problem, hidden, "c") == (1, 5)


def test_two_small_cells_are_not_enough_for_each_other():
    # a = 1 and b = 2 hidden together give a ∈ [1, 2] (both ≥ 1, a + b = 3): a third cell is needed.
    problem = table({"a": 1, "b": 2, "c": 9, "t": 12}, [("t", ("a", "b", "c"))])
    ranges = privacy.Ranges(problem)
    assert not ranges.check("a", {"a", "b"})[0]
    assert brute_force(problem, {"a", "b"}, "a") == (1, 2)
    hidden = privacy.protect(problem).hidden
    assert hidden == {"a", "b", "c"}
    assert brute_force(problem, hidden, "a") == (1, 10)


def test_the_readers_own_total_is_hidden_last():
    # Lys-Nord 12, the other pôle 2, the circonscription 14: the headline stays, Lys-Nord goes.
    problem = table({"lys": 12, "college": 2, "total": 14}, [("total", ("lys", "college"))],
                    cost={"lys": 13 * 1.5, "college": 3 * 1.5, "total": 15 * 1000})
    assert privacy.protect(problem).hidden == {"college", "lys"}


def test_a_total_is_hidden_when_nothing_else_can_be():
    # Three schools of 1 under a published 3: each is pinned to 1 whatever else is hidden below.
    problem = table({"a": 1, "b": 1, "c": 1, "pole": 3, "d": 4, "circ": 7},
                    [("pole", ("a", "b", "c")), ("circ", ("pole", "d"))],
                    cost={"circ": 1e6})
    hidden = privacy.protect(problem).hidden
    assert {"a", "b", "c", "pole", "d"} <= hidden and "circ" not in hidden
    assert brute_force(problem, hidden, "a", up_to=7)[1] >= 3


def test_crossing_relations_hide_a_rectangle():
    # Rows r1, r2 and their total t; columns x, y and their sum s (students = individuelle + mutualisée).
    values = {("r1", "x"): 8, ("r1", "y"): 1, ("r1", "s"): 9,
              ("r2", "x"): 6, ("r2", "y"): 5, ("r2", "s"): 11,
              ("t", "x"): 14, ("t", "y"): 6, ("t", "s"): 20}
    relations = [((r, "s"), ((r, "x"), (r, "y"))) for r in ("r1", "r2", "t")]
    relations += [(("t", c), (("r1", c), ("r2", c))) for c in ("x", "y", "s")]
    cost = {k: (v + 1) * (1000 if k[0] == "t" else 1) for k, v in values.items()}
    problem = table(values, relations, cost=cost)
    hidden = privacy.protect(problem).hidden
    assert hidden == {("r1", "x"), ("r1", "y"), ("r2", "x"), ("r2", "y")}   # the totals stay
    assert brute_force(problem, hidden, ("r1", "y")) == (1, 5)          # r2's y is at least 1
    assert privacy.Ranges(problem).check(("r1", "y"), hidden) == (True, 1, 5)


def test_bounds_narrow_what_subtraction_leaves():
    # Waiting ≤ students: a hidden waiting count of 1 beside a school of 2 students is at most 2.
    problem = table({"w1": 1, "w2": 5, "t": 6, "p1": 2}, [("t", ("w1", "w2"))], bounds=[("w1", "p1")])
    ranges = privacy.Ranges(problem)
    is_safe, _, high = ranges.check("w1", {"w1", "w2"})
    assert not is_safe and high == 2 == brute_force(problem, {"w1", "w2"}, "w1")[1]
    hidden = privacy.protect(problem).hidden
    assert "p1" in hidden and ranges.check("w1", hidden)[0]


def test_the_exact_range_is_the_whole_number_one():
    # Hours tie counts to a continuous cell: 100 minutes for `n` students at most 60 minutes each
    # and at least 0.6: a relaxation says n ≥ 1.67, whole numbers say n ≥ 2.
    values = {"n": 2, "m": 1, "p": 3, "hours": 100.0}
    problem = privacy.Problem(values=values, published={"n", "m", "p", "hours"}, counts={"n", "m", "p"},
                              rows=[privacy.equal("p", ("n", "m")), privacy.at_most("hours", "n", 60.0),
                                    privacy.at_least("hours", "n", 0.6)],
                              primary={"n", "m"}, threshold=3)
    ranges = privacy.Ranges(problem)
    assert ranges.check("m", {"n", "m"})[1:] == (1, 1)          # m = 3 − n and n ≥ 2: disclosed
    hidden = privacy.protect(problem).hidden
    assert hidden >= {"n", "m", "p"} and not privacy.disclosed(problem, "n", *ranges.check("n", hidden)[1:])


@pytest.mark.parametrize("value", [1, 2])
def test_a_small_count_must_reach_the_threshold(value):
    problem = table({"a": value, "b": 4, "t": 4 + value}, [("t", ("a", "b"))])
    assert privacy.disclosed(problem, "a", 1, 2)           # 1–2: the reader knows it is small
    assert not privacy.disclosed(problem, "a", 1, 3)
