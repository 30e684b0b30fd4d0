"""The AESH table under the students' secret statistique.

The AESH table publishes, for each group of home pôles, the weekly hours placed on its AESH's
timetables and the ETP they make: beside a pôle of one pupil, those hours are that pupil's
placed hours, the very cell the students' table hides. So a group's placed hours (and its
« ETP placés », which gives them back from the published ETP and contract hours) are hidden
wherever the students' figures of the same territory hide their placed hours, and, as for the
students, more cells are hidden where a total, another row or another level the reader can open
would give them back.

Every AESH cell the reader can read (their report's rows and total, and those of every part
they can open) is a sum of home pôles; one protection problem over all of them (pial.privacy)
decides which sums are hidden, so a sum reads the same in every table, and no subtraction
between tables (a circonscription's row and its pôles, a pôle's own report) gives one back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pial import privacy

Poles = frozenset
MEASURES = frozenset({"placed_minutes", "placed_etp"})  # hidden together: one gives the other back
OWN_TOTAL_COST = 1e6  # the reader's own total, last


@dataclass
class Sight:
    """What a reader can read of the AESH's placed hours: each cell as its set of home pôles,
    whether the students' figures of the same territory hide their placed hours, its cost."""

    placed: dict[int, float]                      # home pôle → placed minutes (pôles with AESH)
    available: dict[int, float] = field(default_factory=dict)  # home pôle → contract minutes
    cells: dict[Poles, bool] = field(default_factory=dict)      # cell → the students' hours hidden
    own: set[Poles] = field(default_factory=set)

    def add(self, poles: Iterable[int], students_hidden: bool, own: bool = False) -> Poles:
        key = Poles(p for p in poles if p in self.placed)
        if key:
            self.cells[key] = self.cells.get(key, False) or students_hidden
            if own:
                self.own.add(key)
        return key


def hidden_cells(sight: Sight, threshold: int) -> set[Poles]:
    """The cells to hide: those beside hidden student hours, and those that would give them back."""
    if not any(sight.cells.values()):
        return set()
    singles = {Poles({p}) for key in sight.cells for p in key}
    keys = set(sight.cells) | singles
    values = {key: float(sum(sight.placed[p] for p in key)) for key in keys}
    rows = [privacy.equal(key, [Poles({p}) for p in key]) for key in keys if len(key) > 1]
    # Placed hours lie between zero and the published contract hours of the same cell.
    rows += [privacy.Row(((key, 1.0),), 0.0, float(sum(sight.available.get(p, 0) for p in key)))
             for key in sight.cells]
    primary = {key for key, hidden in sight.cells.items() if hidden}
    cost = {key: (OWN_TOTAL_COST if key in sight.own else values[key] + len(key)) for key in sight.cells}
    found = privacy.protect(privacy.Problem(values=values, published=set(sight.cells), counts=set(), rows=rows,
                                            primary=primary, threshold=threshold, cost=cost))
    return {key for key in found.hidden if key in sight.cells}


def row_poles(poles: Iterable[int], group_of: Callable[[int], object], key) -> Poles:
    """The home pôles of one row of a table: those of the table whose group is the row's."""
    return Poles(p for p in poles if group_of(p) == key)
