"""The level ladder, family by family: école, collège, lycée, lycée pro, ULIS, SEGPA."""

import pytest

from eleves.enums import Level as L
from eleves.ladder import changes_stage, next_step, teaches
from pial.enums import SchoolKind as K


@pytest.mark.parametrize("level, expected", [
    # école
    (L.PS, L.MS), (L.MS, L.GS), (L.GS, L.CP), (L.CP, L.CE1), (L.CE1, L.CE2), (L.CE2, L.CM1), (L.CM1, L.CM2),
    (L.CM2, L.SIXIEME),
    # collège
    (L.SIXIEME, L.CINQUIEME), (L.CINQUIEME, L.QUATRIEME), (L.QUATRIEME, L.TROISIEME), (L.TROISIEME, L.SECONDE),
    # lycée
    (L.SECONDE, L.PREMIERE), (L.PREMIERE, L.TERMINALE),
    # lycée pro
    (L.SECONDE_PRO, L.PREMIERE_PRO), (L.PREMIERE_PRO, L.TERMINALE_PRO), (L.CAP1, L.CAP2),
    (L.TROISIEME_PM, L.SECONDE_PRO),
    # SEGPA
    (L.SIXIEME_SEGPA, L.CINQUIEME_SEGPA), (L.CINQUIEME_SEGPA, L.QUATRIEME_SEGPA),
    (L.QUATRIEME_SEGPA, L.TROISIEME_SEGPA), (L.TROISIEME_SEGPA, L.CAP1),
    # ULIS: kept
    (L.ULIS, L.ULIS),
])
def test_next_level(level, expected):
    step = next_step(level)
    assert step.level == expected and not step.leaves
    assert step.options[0] == expected
    assert level in step.options  # repeating the year is always offered


def test_third_offers_the_three_tracks():
    assert next_step(L.TROISIEME).options[:3] == (L.SECONDE, L.SECONDE_PRO, L.CAP1)


@pytest.mark.parametrize("level", [L.TERMINALE, L.TERMINALE_PRO, L.CAP2, L.BTS2])
def test_end_of_track_leaves(level):
    step = next_step(level)
    assert step.leaves and step.level is None


def test_unknown_level_stays():
    assert next_step("").level is None and not next_step("").leaves


@pytest.mark.parametrize("kind, level, expected", [
    (K.MATERNELLE, L.GS, True), (K.MATERNELLE, L.CP, False), (K.ELEMENTAIRE, L.CM2, True),
    (K.ELEMENTAIRE, L.SIXIEME, False), (K.PRIMAIRE, L.CP, True), (K.COLLEGE, L.SIXIEME_SEGPA, True),
    (K.COLLEGE, L.SECONDE, False), (K.LP, L.SECONDE_PRO, True), (K.LP, L.SECONDE, False),
    (K.LYCEE, L.PREMIERE, True), (K.ELEMENTAIRE, L.ULIS, True),
])
def test_teaches(kind, level, expected):
    assert teaches(kind, level) is expected


def test_changes_stage():
    assert changes_stage(L.CM2, L.SIXIEME) and changes_stage(L.TROISIEME, L.CAP1)
    assert not changes_stage(L.CM1, L.CM2) and not changes_stage(L.SIXIEME, L.CINQUIEME)
    assert not changes_stage(L.TERMINALE, None)
