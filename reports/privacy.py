"""Statistical confidentiality (secret statistique), as pure functions.

A count of pupils from 1 to threshold − 1 is shown as « < 3 ». Zero is shown: it
describes nobody (INSEE practice). A second cell is hidden wherever a total would
let anyone subtract a hidden cell back (complementary suppression): for every
relation « total = sum of parts », if exactly one part is hidden while the total
is shown, the smallest other part is hidden too, or the total when no other part
can be. Figures derived from a hidden count (hours, coverage, waiting durations)
are hidden with it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

Key = Hashable


@dataclass(frozen=True)
class Relation:
    """total = sum(parts), each a cell key."""

    total: Key
    parts: tuple[Key, ...]


def primary(values: dict[Key, int | None], threshold: int) -> set[Key]:
    """Counts under the threshold, zero excepted."""
    return {key for key, value in values.items() if value is not None and 0 < value < threshold}


def complementary(values: dict[Key, int | None], hidden: set[Key], relations: Iterable[Relation]) -> set[Key]:
    """Hides more cells until no relation reveals a hidden one by subtraction."""
    hidden = set(hidden)
    relations = list(relations)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            parts_hidden = [p for p in relation.parts if p in hidden]
            if len(parts_hidden) != 1 or relation.total in hidden:
                continue
            candidates = sorted((values[p] or 0, str(p), p) for p in relation.parts
                                if p not in hidden and values.get(p))
            if candidates:
                hidden.add(candidates[0][2])
            else:
                hidden.add(relation.total)
            changed = True
    return hidden


def protect(values: dict[Key, int | None], relations: Iterable[Relation], threshold: int) -> set[Key]:
    """The cells to hide: primary suppression, then complementary."""
    return complementary(values, primary(values, threshold), relations)

