"""Hostile AESH imports found by an adversarial pass: homonyms, an address of another pôle."""

from aesh.models import Aesh
from aesh.tests.factories import AeshFactory
from aesh.tests.test_imports import HEADER, TITLE_ROWS, importer


def _row(name, uai, email):
    return [name, uai, "", "", email, ""]


def test_homonym_with_other_email_is_not_merged_into_existing_aesh(world):
    """Two distinct people named DUPONT Jean (different e-mails): the second row must not
    overwrite the first's e-mail and vanish; it should be a new AESH or a clear error."""
    existing = AeshFactory(home_pole=world.pole_a, last_name="DUPONT", first_name="Jean",
                           email="jean.dupont1@ac-test.fr")
    rows = [*TITLE_ROWS, HEADER, _row("DUPONT Jean", world.schools_a[0].uai, "jean.dupont2@ac-test.fr")]
    report, _ = importer(world, rows)
    existing.refresh_from_db()
    assert existing.email == "jean.dupont1@ac-test.fr", (
        f"homonym merged silently: e-mail overwritten, rows={[(r.status, r.changes) for r in report.rows]}")


def test_two_homonym_rows_in_one_file_are_two_people_or_an_error(world):
    rows = [*TITLE_ROWS, HEADER,
            _row("DUPONT Jean", world.schools_a[0].uai, "jean.dupont1@ac-test.fr"),
            _row("DUPONT Jean", world.schools_a[1].uai, "jean.dupont2@ac-test.fr")]
    report, _ = importer(world, rows)
    assert report.committed, report.errors
    people = Aesh.objects.filter(last_name="DUPONT", first_name="Jean")
    assert sorted(people.values_list("email", flat=True)) == ["jean.dupont1@ac-test.fr", "jean.dupont2@ac-test.fr"]


def test_email_of_other_pole_aesh_does_not_leak_their_name(world):
    """A coordinator of pôle A types any e-mail: the error must not disclose who, in pôle B, owns it."""
    AeshFactory(home_pole=world.pole_b, last_name="SECRETNOM", first_name="Zoé", email="zoe@ac-test.fr")
    rows = [*TITLE_ROWS, HEADER, _row("MARTIN Paul", world.schools_a[0].uai, "zoe@ac-test.fr")]
    report, _ = importer(world, rows, commit=False)
    text = " ".join(" ".join(r.errors + r.warnings + r.changes) for r in report.rows)
    assert "SECRETNOM" not in text.upper() and str(world.pole_b) not in text, text
