"""What reports say of the toolbox: training needs per theme without names, small counts under the
secret statistique; the recourses only as a suppressed count per circonscription."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from aesh.models import TrainingNeed, TrainingNeedsWindow, TrainingTheme
from aesh.tests.factories import AeshFactory
from pial.models import SchoolYear
from recourse import services as recourse_services

TODAY = datetime.date.today()


@pytest.fixture
def needs(world):
    year = SchoolYear.objects.create(name="année", start_date=TODAY - datetime.timedelta(days=90),
                                     end_date=TODAY + datetime.timedelta(days=200), is_current=True)
    dep = world.pole_a.departement
    autism, notes, lunch = (TrainingTheme.objects.create(departement=dep, name=n, position=i)
                            for i, n in enumerate(["Autisme", "Prise de notes", "Pause méridienne"]))
    plan = {world.pole_a: [[autism, notes], [autism], [autism, lunch], [autism], [notes]],   # autism 4, notes 2
            world.pole_b: [[autism], [autism, notes], [autism], [notes], [notes], [lunch]]}   # autism 3, notes 3
    names = []
    for pole, answers in plan.items():
        window = TrainingNeedsWindow.objects.create(pole=pole, school_year=year, opens_on=TODAY, closes_on=TODAY)
        for index, themes in enumerate(answers):
            aesh = AeshFactory(home_pole=pole, last_name=f"Demandeur{pole.pk}x{index}")
            names.append(aesh.last_name)
            need = TrainingNeed.objects.create(window=window, aesh=aesh, other="Langue des signes" if index == 0 else "")
            need.themes.set(themes)
    return {"names": names}


def rows(html: str) -> dict[str, list[str]]:
    import re

    table = re.split(r"<tbody[^>]*>", html)[1].split("</tbody>")[0]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        label = re.search(r"<th scope=\"row\"[^>]*>(.*?)</th>", row).group(1)
        found[label] = re.findall(r"<td[^>]*>(.*?)</td>", row)
    return found


def test_the_coordination_reads_counts_per_theme_without_names(client_as, needs):
    page = client_as("coordinator_a").get(reverse("reports:training_needs")).content.decode()
    table = rows(page)
    assert table["Autisme"] == ["4"] and table["AESH ayant répondu"] == ["5"]
    assert table["Prise de notes"] == ["secret"] and table["Pause méridienne"] == ["secret"]  # 2 and 1: < 3
    assert table["Autre besoin, en ses propres mots"] == ["secret"]
    assert "Langue des signes" in page  # words, unsigned, with 5 answers (≥ 3)
    assert not any(name in page for name in needs["names"])


def test_the_dsden_reads_the_departement_and_no_subtraction_gives_a_cell_back(client_as, needs):
    page = client_as("gestionnaire").get(reverse("reports:training_needs")).content.decode()
    table = rows(page)
    # Columns: PIAL Alpha, PIAL Bêta, Total.
    assert table["Autisme"] == ["4", "3", "7"]
    notes = table["Prise de notes"]
    assert notes[0] == "secret" and "secret" in notes[1:]  # 2 hidden, and a second cell so that 5 − 3 tells nothing
    lunch = table["Pause méridienne"]
    assert lunch.count("secret") >= 2  # 1 and 1: both small, the total 2 too (it is small itself)
    assert "Langue des signes" not in page  # words stay at the pôle level
    assert not any(name in page for name in needs["names"])


@pytest.mark.parametrize(("user", "status"), [("coordinator_a", 200), ("pilot_a", 200), ("gestionnaire", 200),
                                              ("aesh_a", 403), ("inspector_a", 403), ("referent_a", 403),
                                              ("admin", 403), ("norole", 403)])
def test_who_reads_training_needs(client_as, needs, user, status):
    assert client_as(user).get(reverse("reports:training_needs")).status_code == status


def test_the_referente_reads_her_pole_counts(client, world, needs):
    from decimal import Decimal

    from aesh.tests.factories import ContractFactory
    from pial.enums import Role
    from pial.tests.factories import MembershipFactory

    member = MembershipFactory(user__email="ref@ac-test.fr", role=Role.AESH, pole=world.pole_a)
    aesh = AeshFactory(home_pole=world.pole_a, user=member.user)
    ContractFactory(aesh=aesh, start_date=TODAY - datetime.timedelta(days=30), end_date=TODAY + datetime.timedelta(
        days=300), referent_quotite=Decimal("0.25"))
    client.force_login(member.user)
    assert rows(client.get(reverse("reports:training_needs")).content.decode())["Autisme"] == ["4"]


@pytest.fixture
def recourses(world):
    from pial.enums import Role
    from pial.tests.factories import MembershipFactory

    def author(pole, school, key):
        member = MembershipFactory(user__email=f"{key}@ac-test.fr", role=Role.AESH, pole=pole)
        aesh = AeshFactory(home_pole=pole, user=member.user)
        aesh.schools.set([school])
        return aesh

    a, b = author(world.pole_a, world.schools_a[0], "ra"), author(world.pole_b, world.schools_b[0], "rb")
    secret = "Texte confidentiel de la sollicitation"
    for aesh, count in ((a, 4), (b, 1)):
        for _ in range(count):
            recourse_services.recourse_send(aesh=aesh, school=aesh.schools.get(), category="FAMILY",
                                            subject="Objet confidentiel", text=secret)
    return secret


def test_the_report_counts_recourses_per_circonscription_under_the_secret(client_as, world, recourses):
    page = client_as("gestionnaire").get(reverse("reports:report")).content.decode()
    section = page.split('id="titre-sollicitations"')[1].split("</section>")[0]
    table = rows(section)
    assert table["Rennes Nord"] == ["secret"] and table["Rennes Sud"] == ["secret"]  # 4 hidden with the 1
    assert table["Total"] == ["5"]
    circ = client_as("inspector_a").get(reverse("reports:report")).content.decode()
    assert rows(circ.split('id="titre-sollicitations"')[1])["Rennes Nord"] == ["4"]


def test_the_recourses_enter_no_report_but_as_a_count(client_as, world, recourses):
    for user in ("gestionnaire", "inspector_a", "coordinator_a", "pilot_a", "admin"):
        client = client_as(user)
        page = client.get(reverse("reports:report")).content.decode()
        assert recourses not in page and "Objet confidentiel" not in page
        if user in ("coordinator_a", "pilot_a"):
            assert "titre-sollicitations" not in page  # the pôle's report shows no count either
        for fmt in ("csv", "xlsx", "ods", "pdf"):
            data = client.get(reverse("reports:export", args=[fmt])).content
            assert recourses.encode() not in data and b"Objet confidentiel" not in data
            if fmt in ("xlsx", "ods"):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
                assert recourses.encode() not in xml
                if user == "gestionnaire":
                    assert b"Sollicitations de l'IEN" in xml or b"Sollicitations de l&apos;IEN" in xml
