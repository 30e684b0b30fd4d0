"""Secret statistique as pure functions: small counts hidden, and never recoverable by
subtraction from a total."""

import pytest

from reports import privacy
from reports.report import PUPIL_COLUMNS, Row, protect_pupils

R = privacy.Relation


@pytest.mark.parametrize(("values", "hidden"), [
    ({"a": 10, "b": 2, "c": 7, "t": 19}, {"b", "c"}),       # b alone would be t − a − c: c is hidden too
    ({"a": 5, "b": 0, "c": 1, "t": 6}, {"a", "c"}),         # zero is shown, it reveals nobody
    ({"a": 1, "b": 2, "c": 9, "t": 12}, {"a", "b"}),        # two hidden parts protect each other
    ({"a": 4, "b": 0, "c": 0, "t": 4}, set()),
])
def test_one_relation(values, hidden):
    relation = R("t", ("a", "b", "c"))
    assert privacy.protect(values, [relation], threshold=3) == hidden


def test_when_no_other_part_can_hide_the_total_is_hidden():
    values = {"a": 2, "b": 0, "t": 2}
    assert privacy.complementary(values, {"a"}, [R("t", ("a", "b"))]) == {"a", "t"}


def test_hiding_spreads_through_crossing_relations():
    # Rows r1, r2 and a total row; columns x, y and their row sum s.
    values = {("r1", "x"): 8, ("r1", "y"): 1, ("r1", "s"): 9,
              ("r2", "x"): 6, ("r2", "y"): 5, ("r2", "s"): 11,
              ("t", "x"): 14, ("t", "y"): 6, ("t", "s"): 20}
    relations = [R((r, "s"), ((r, "x"), (r, "y"))) for r in ("r1", "r2", "t")]
    relations += [R(("t", c), (("r1", c), ("r2", c))) for c in ("x", "y", "s")]
    hidden = privacy.protect(values, relations, threshold=3)
    # r1.y is secret; r1.x (row) and r2.y (column) must go; then r2.x to protect r2.y's row.
    assert {("r1", "y"), ("r1", "x"), ("r2", "y"), ("r2", "x")} <= hidden
    for relation in relations:  # no relation has exactly one unknown left
        unknown = [p for p in (relation.total, *relation.parts) if p in hidden]
        assert len(unknown) != 1


def test_report_rows_hide_small_counts_and_what_derives_from_them():
    rows = [Row("École A", {"pupils": 12, "individuelle": 10, "mutualisee": 2, "ulis": 0, "notified_minutes": 6000,
                            "placed_minutes": 5400, "coverage": 90, "waiting": 1, "waiting_none": 1,
                            "waiting_partial": 0, "waiting_median_days": 40, "waiting_longest_days": 40}),
            Row("École B", {"pupils": 9, "individuelle": 9, "mutualisee": 0, "ulis": 4, "notified_minutes": 5400,
                            "placed_minutes": 2700, "coverage": 50, "waiting": 5, "waiting_none": 2,
                            "waiting_partial": 3, "waiting_median_days": 20, "waiting_longest_days": 60})]
    total = Row("Total", {"pupils": 21, "individuelle": 19, "mutualisee": 2, "ulis": 4, "notified_minutes": 11400,
                          "placed_minutes": 8100, "coverage": 71, "waiting": 6, "waiting_none": 3,
                          "waiting_partial": 3, "waiting_median_days": 30, "waiting_longest_days": 60}, is_total=True)
    protect_pupils(rows, total, threshold=3)
    a, b = rows
    assert {"mutualisee", "waiting", "waiting_none", "waiting_median_days", "waiting_longest_days"} <= a.hidden
    assert "individuelle" in a.hidden  # pupils 12 − mutualisée would give it back
    # Hidden to protect, not small: its hours and coverage (10 pupils) identify nobody.
    assert not {"notified_minutes", "placed_minutes", "coverage"} & a.hidden
    assert "waiting_none" in b.hidden  # primary: 2
    # Nothing can be subtracted back: every additive relation has 0 or ≥ 2 unknowns.
    for row in (*rows, total):
        for whole, parts in (("pupils", ("individuelle", "mutualisee")), ("waiting", ("waiting_none",
                                                                                     "waiting_partial"))):
            assert len([k for k in (whole, *parts) if k in row.hidden]) != 1, (row.label, whole)
    for column in (c.key for c in PUPIL_COLUMNS if c.kind in ("count", "hours")):
        assert len([r for r in (*rows, total) if column in r.hidden]) != 1, column
