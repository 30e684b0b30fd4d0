"""Sectors école → collège: the model's checks and the CSV import through the common flow."""

import pytest
from django.core.exceptions import ValidationError

from pial.enums import SchoolKind
from pial.models import Sector
from pial.sectors import run_import, sector_for
from pial.spreadsheets import Sheet
from pial.tests.factories import SchoolFactory


def sheet(rows):
    return Sheet(name="Secteurs", rows=[["UAI école", "UAI collège"], *rows])


@pytest.fixture
def college(world):
    return SchoolFactory(pole=world.pole_b, kind=SchoolKind.COLLEGE, name="Collège Bêta")


def test_import_creates_then_changes_nothing(world, college):
    school = world.schools_a[0]
    rows = [[school.uai, college.uai]]
    report = run_import(sheet=sheet(rows), header_index=0, mapping={"0": "school", "1": "college"},
                        pole=world.pole_a, today=None, commit=True)
    assert report.committed and report.count("nouveau") == 1
    assert sector_for(school) == college
    again = run_import(sheet=sheet(rows), header_index=0, mapping={"0": "school", "1": "college"},
                       pole=world.pole_a, today=None, commit=True)
    assert again.count("inchangé") == 1 and Sector.objects.count() == 1


def test_bad_rows_save_nothing_and_say_why(world, college):
    rows = [[world.schools_a[0].uai, college.uai], ["1234567A", college.uai], [world.schools_a[1].uai,
                                                                               world.schools_a[2].uai]]
    report = run_import(sheet=sheet(rows), header_index=0, mapping={"0": "school", "1": "college"},
                        pole=world.pole_a, today=None, commit=True)
    assert not report.committed and Sector.objects.count() == 0
    assert any("Ligne 3 : École (UAI)" in e for e in report.errors)
    assert any("doit être un collège" in e for e in report.errors)


def test_missing_column_is_fatal(world):
    report = run_import(sheet=sheet([]), header_index=0, mapping={"0": "school"}, pole=world.pole_a,
                        today=None, commit=True)
    assert "collège de secteur" in report.fatal


def test_sector_must_start_from_an_ecole(world, college):
    with pytest.raises(ValidationError, match="part d'une école"):
        Sector(departement=college.departement, school=college, college=college).full_clean()


@pytest.mark.parametrize("who, status", [("gestionnaire", 200), ("admin", 200), ("coordinator_a", 403),
                                         ("pilot_a", 403), ("aesh_a", 403), ("norole", 403)])
def test_who_may_import_sectors(client_as, world, who, status):
    assert client_as(who).get("/secteurs/import/").status_code == status
