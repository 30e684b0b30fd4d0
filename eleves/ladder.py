"""The level ladder: where a student goes at the next rentrée, as a pure function.

PS → MS → GS → CP → … → CM2 → 6e → … → 3e → 2nde (or 2de pro, or CAP) → 1re → Terminale;
SEGPA 6e–3e then CAP (or 2de pro); ULIS students keep their ULIS and follow their level. The
result is a proposal: repeating a year, or another track, is chosen on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from eleves.enums import Level
from pial.enums import SchoolKind

L = Level
_NEXT: dict[str, tuple[str, ...]] = {
    # The first choice is the default; the others are offered beside it.
    L.PS: (L.MS,), L.MS: (L.GS,), L.GS: (L.CP,), L.CP: (L.CE1,), L.CE1: (L.CE2,), L.CE2: (L.CM1,),
    L.CM1: (L.CM2,), L.CM2: (L.SIXIEME, L.SIXIEME_SEGPA),
    L.SIXIEME: (L.CINQUIEME,), L.CINQUIEME: (L.QUATRIEME,), L.QUATRIEME: (L.TROISIEME, L.TROISIEME_PM),
    L.TROISIEME: (L.SECONDE, L.SECONDE_PRO, L.CAP1), L.TROISIEME_PM: (L.SECONDE_PRO, L.CAP1),
    L.SECONDE: (L.PREMIERE,), L.PREMIERE: (L.TERMINALE,),
    L.SECONDE_PRO: (L.PREMIERE_PRO,), L.PREMIERE_PRO: (L.TERMINALE_PRO,), L.CAP1: (L.CAP2,),
    L.SIXIEME_SEGPA: (L.CINQUIEME_SEGPA,), L.CINQUIEME_SEGPA: (L.QUATRIEME_SEGPA,),
    L.QUATRIEME_SEGPA: (L.TROISIEME_SEGPA,), L.TROISIEME_SEGPA: (L.CAP1, L.SECONDE_PRO),
    L.BTS1: (L.BTS2,), L.ULIS: (L.ULIS,), L.UEE: (L.UEE,),
}
# The last level of a track: the student leaves the schooling the pôle follows (BTS too).
_LAST = frozenset({L.TERMINALE, L.TERMINALE_PRO, L.CAP2, L.BTS2})

_FIRST_DEGREE = frozenset({L.PS, L.MS, L.GS, L.CP, L.CE1, L.CE2, L.CM1, L.CM2})
_COLLEGE = frozenset({L.SIXIEME, L.CINQUIEME, L.QUATRIEME, L.TROISIEME, L.TROISIEME_PM, L.SIXIEME_SEGPA,
                      L.CINQUIEME_SEGPA, L.QUATRIEME_SEGPA, L.TROISIEME_SEGPA})
_LYCEE = frozenset({L.SECONDE, L.PREMIERE, L.TERMINALE, L.BTS1, L.BTS2})
_PRO = frozenset({L.SECONDE_PRO, L.PREMIERE_PRO, L.TERMINALE_PRO, L.CAP1, L.CAP2, L.TROISIEME_PM})
_MATERNELLE = frozenset({L.PS, L.MS, L.GS})
_TAUGHT_BY: dict[str, frozenset[str]] = {
    SchoolKind.MATERNELLE: _MATERNELLE,
    SchoolKind.ELEMENTAIRE: _FIRST_DEGREE - _MATERNELLE,
    SchoolKind.PRIMAIRE: _FIRST_DEGREE,
    SchoolKind.COLLEGE: _COLLEGE,
    SchoolKind.LYCEE: _LYCEE | _PRO,   # lycées polyvalents: both tracks
    SchoolKind.LP: _PRO,
    SchoolKind.EREA: _COLLEGE | _PRO,
}


@dataclass(frozen=True)
class Step:
    level: str | None          # None: the student leaves (end of the track)
    options: tuple[str, ...]   # what the page offers, the default first, then « redoublement »
    leaves: bool


def next_step(level: str) -> Step:
    """The proposed level at the next rentrée; an unknown or empty level stays as it is."""
    if level in _LAST:
        return Step(level=None, options=(level,), leaves=True)
    choices = _NEXT.get(level)
    if not choices:
        return Step(level=level or None, options=(level,) if level else (), leaves=False)
    repeat = () if level in choices else (level,)
    return Step(level=choices[0], options=(*choices, *repeat), leaves=False)


def teaches(school_kind: str, level: str) -> bool:
    """Whether a school of that kind teaches the level (ULIS and UEE: wherever the student is)."""
    if level in (L.ULIS, L.UEE):
        return True
    return level in _TAUGHT_BY.get(school_kind, frozenset())


def changes_stage(level: str, next_level: str | None) -> bool:
    """École → collège, collège → lycée: a change of school (often of pôle)."""
    def stage(value):
        for name, members in (("1", _FIRST_DEGREE), ("c", _COLLEGE), ("l", _LYCEE | (_PRO - {L.TROISIEME_PM}))):
            if value in members:
                return name
        return None
    return next_level is not None and stage(level) != stage(next_level)
