"""Import of schools from the national directory CSV: checked, all or nothing, idempotent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from pial.enums import SchoolKind
from pial.imports import import_directory
from pial.models import Circonscription, Departement, Pole, School

HEADER = (
    "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;"
    "Code_postal;Nom_commune;Code_departement;Libelle_departement;Libelle_academie;"
    "Ecole_maternelle;Ecole_elementaire;Voie_generale;Voie_technologique;Voie_professionnelle;"
    "libelle_nature;nom_circonscription;pial"
)
GOOD = [
    "0350760L;École maternelle Les Lilas;Ecole;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;1;0;;;;ECOLE MATERNELLE;Rennes Nord;0350760L",
    "0942434K;École élémentaire Jean Jaurès;Ecole;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;0;1;;;;ECOLE DE NIVEAU ELEMENTAIRE;Rennes Nord;0350760L",
    "0921921N;Collège Anne de Bretagne;Collège;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;;;;;;COLLEGE;;0921921N",
    "9720963P;Lycée professionnel Coat Mez;Lycée;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;;;0;0;1;LYCEE PROFESSIONNEL;;0921921N",
]
NOT_A_SCHOOL = "0350000A;CIO de Rennes;Information et orientation;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;;;;;;CIO;;"
OTHER_DEP = "0290001R;École de Brest;Ecole;Public;29200;Brest;029;Finistère;Rennes;1;1;;;;ECOLE PRIMAIRE;Brest 1;"
DUPLICATE = "0350760L;École maternelle Les Lilas bis;Ecole;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;1;0;;;;ECOLE MATERNELLE;Rennes Nord;"
BAD_LETTER = "0350760M;École à la lettre fausse;Ecole;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;1;0;;;;;Rennes Nord;"
NO_NAME = "0350001K;;Ecole;Public;35000;Rennes;035;Ille-et-Vilaine;Rennes;1;0;;;;;Rennes Nord;"


def csv_bytes(*rows, encoding="utf-8") -> bytes:
    return "\n".join([HEADER, *rows]).encode(encoding)


@pytest.mark.django_db
def test_good_rows_are_imported_with_kind_zone_circonscription_and_pole():
    report = import_directory(csv_bytes(*GOOD, NOT_A_SCHOOL), wet_run=True)
    assert report.errors == []
    assert (report.created, report.ignored, report.committed) == (4, 1, True)
    lilas = School.objects.get(uai="0350760L")
    assert lilas.kind == SchoolKind.MATERNELLE and lilas.zone == "B"
    assert lilas.circonscription.name == "Rennes Nord"
    assert lilas.pole.code == "0350760L" and lilas.pole.name == "PIAL École maternelle Les Lilas"
    assert School.objects.get(uai="9720963P").kind == SchoolKind.LP
    assert School.objects.get(uai="0942434K").kind == SchoolKind.ELEMENTAIRE
    assert Departement.objects.get().code == "35"
    assert Pole.objects.count() == 2


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing():
    import_directory(csv_bytes(*GOOD), wet_run=True)
    report = import_directory(csv_bytes(*GOOD), wet_run=True)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert School.objects.count() == 4 and Pole.objects.count() == 2
    assert Circonscription.objects.count() == 1


@pytest.mark.django_db
def test_changed_row_updates_the_school():
    import_directory(csv_bytes(*GOOD), wet_run=True)
    renamed = GOOD[0].replace("Les Lilas", "Les Glycines")
    report = import_directory(csv_bytes(renamed, *GOOD[1:]), wet_run=True)
    assert (report.updated, report.unchanged) == (1, 3)
    assert School.objects.get(uai="0350760L").name == "École maternelle Les Glycines"


@pytest.mark.django_db
def test_bad_rows_block_the_whole_import_with_errors_by_line():
    report = import_directory(csv_bytes(*GOOD, DUPLICATE, BAD_LETTER, NO_NAME), wet_run=True)
    assert not report.committed
    assert School.objects.count() == 0 and Departement.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert any(m.startswith("Ligne 6 :") and "figure déjà à la ligne 2" in m for m in messages)
    assert any(m.startswith("Ligne 7 :") and "lettre de contrôle" in m for m in messages)
    assert any(m.startswith("Ligne 8 :") and "nom de l'établissement est vide" in m for m in messages)


@pytest.mark.django_db
def test_skip_invalid_imports_only_the_good_rows():
    report = import_directory(csv_bytes(*GOOD, BAD_LETTER), wet_run=True, skip_invalid=True)
    assert report.committed and report.created == 4 and len(report.errors) == 1
    assert not School.objects.filter(name__contains="lettre fausse").exists()


@pytest.mark.django_db
def test_dry_run_reports_but_saves_nothing():
    report = import_directory(csv_bytes(*GOOD))
    assert report.created == 4 and not report.committed
    assert School.objects.count() == 0 and Pole.objects.count() == 0


@pytest.mark.django_db
def test_windows_1252_file_and_departement_filter():
    report = import_directory(csv_bytes(*GOOD, OTHER_DEP, encoding="cp1252"),
                              departement_code="35", wet_run=True)
    assert report.created == 4 and report.ignored == 1
    assert School.objects.get(uai="0942434K").name == "École élémentaire Jean Jaurès"


@pytest.mark.django_db
def test_missing_column_is_named():
    report = import_directory(b"Identifiant_de_l_etablissement;Nom\n0350760L;X\n", wet_run=True)
    assert "Type_etablissement" in str(report.errors[0]) and not report.committed


@pytest.mark.django_db
def test_command_is_dry_run_unless_wet_run(tmp_path, capsys):
    path = tmp_path / "annuaire.csv"
    path.write_bytes(csv_bytes(*GOOD))
    call_command("import_schools", str(path))
    assert School.objects.count() == 0
    call_command("import_schools", str(path), "--wet-run")
    assert School.objects.count() == 4
    path.write_bytes(csv_bytes(BAD_LETTER))
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_schools", str(path), "--wet-run")
    assert "Ligne 2" in capsys.readouterr().err


def test_admin_import_view_for_gestionnaire_limited_to_their_departement(client_as, world):
    client = client_as("gestionnaire")
    url = reverse("admin:pial_school_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("annuaire.csv", csv_bytes(*GOOD, OTHER_DEP), content_type="text/csv")
    response = client.post(url, {"file": upload, "wet_run": "on"}, follow=True)
    assert response.status_code == 200
    assert "Import enregistré" in response.content.decode()
    assert School.objects.filter(uai="0350760L").exists()
    assert not School.objects.filter(uai="0290001R").exists()


def test_admin_import_view_refused_to_coordinator(client_as, world):
    client = client_as("coordinator_a")
    upload = SimpleUploadedFile("annuaire.csv", csv_bytes(*GOOD), content_type="text/csv")
    response = client.post(reverse("admin:pial_school_import"), {"file": upload, "wet_run": "on"})
    assert response.status_code == 302
    assert not School.objects.filter(uai="0350760L").exists()
