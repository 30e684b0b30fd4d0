"""Resources: the pôle's shelf read by its people only, the département's by every pôle of the
département, documents checked on the way in and served by a view only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pial.tests.factories import DepartementFactory, MembershipFactory, PoleFactory
from referents import services
from referents.enums import ResourceKind, Shelf
from referents.models import Resource
from referents.tests.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def shelves(world, toolbox, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    dep = world.pole_a.departement
    made = {
        "pole_a": services.resource_add(shelf=Shelf.POLE, pole=world.pole_a, title="Gabarit de prise de notes",
                                        kind=ResourceKind.DOCUMENT, upload=SimpleUploadedFile("notes.pdf", PDF),
                                        tags="Prise de notes, autisme", levels=["COLLEGE"], user=None,
                                        added_by_label="Rose (AESH référente)"),
        "pole_b": services.resource_add(shelf=Shelf.POLE, pole=world.pole_b, title="Carnet du pôle Bêta",
                                        kind=ResourceKind.DOCUMENT, upload=SimpleUploadedFile("carnet.pdf", PDF),
                                        user=None, added_by_label="coordination"),
        "dep": services.resource_add(shelf=Shelf.DEPARTEMENT, departement=dep, title="Site de l'école inclusive",
                                     kind=ResourceKind.LINK, url="https://ecole-inclusive.example.fr/", user=None,
                                     added_by_label="DSDEN"),
        "national": services.resource_add(shelf=Shelf.NATIONAL, title="Cap École inclusive", kind=ResourceKind.LINK,
                                          url="https://www.reseau-canope.fr/cap-ecole-inclusive", user=None,
                                          added_by_label="administration nationale"),
    }
    other = DepartementFactory(code="29")
    made["other_dep"] = services.resource_add(shelf=Shelf.DEPARTEMENT, departement=other, title="Finistère inclusif",
                                              kind=ResourceKind.LINK, url="https://29.example.fr/", user=None,
                                              added_by_label="DSDEN 29")
    return made


@pytest.mark.parametrize(("user", "seen"), [
    ("aesh_a", {"pole_a", "dep", "national"}),
    ("colleague_a", {"pole_a", "dep", "national"}),
    ("coordinator_a", {"pole_a", "dep", "national"}),
    ("aesh_b_rec", {"pole_b", "dep", "national"}),       # another pôle of the département: its shelf, the same DSDEN's
    ("gestionnaire", {"dep", "national"}),
    ("gestionnaire_other", {"other_dep", "national"}),
])
def test_each_reads_their_shelves(client, world, shelves, user, seen):
    login(client, world, user)
    page = client.get(reverse("referents:library")).content.decode()
    def shown(resource):
        return (resource.url or reverse("referents:resource_file", args=[resource.pk])) in page

    assert {key for key, r in shelves.items() if shown(r)} == seen


@pytest.mark.parametrize(("user", "own", "other"), [
    ("aesh_a", 200, 404), ("coordinator_a", 200, 404), ("pilot_a", 200, 404), ("aesh_b_rec", 404, 200),
    ("gestionnaire", 404, 404), ("inspector_a", 403, 403), ("referent_a", 403, 403),
])
def test_documents_are_served_to_the_shelf_readers_only(client, world, shelves, user, own, other):
    login(client, world, user)
    first = client.get(reverse("referents:resource_file", args=[shelves["pole_a"].pk]))
    second = client.get(reverse("referents:resource_file", args=[shelves["pole_b"].pk]))
    assert (first.status_code, second.status_code) == (own, other)
    if first.status_code == 200:
        assert first["Content-Type"] == "application/pdf" and "attachment" in first["Content-Disposition"]
        assert b"".join(first.streaming_content) == PDF
    first.close()
    second.close()


@pytest.mark.parametrize(("user", "status"), [("coordinator_a", 200), ("referente_a", 200), ("gestionnaire", 200),
                                              ("aesh_a", 403), ("pilot_a", 403), ("inspector_a", 403)])
def test_who_adds_to_a_shelf(client, world, shelves, user, status):
    login(client, world, user)
    assert client.get(reverse("referents:resource_create")).status_code == status


def _post(client, **data):
    base = {"shelf": "POLE", "title": "Fiche", "kind": "DOCUMENT", "description": "", "tags": ""}
    return client.post(reverse("referents:resource_create"), {**base, **data})


@pytest.mark.parametrize(("name", "content", "message"), [
    ("programme.exe", b"MZ\x90\x00", "Ce type de fichier n"),
    ("faux.pdf", b"MZ\x90\x00not a pdf", "ne ressemble pas à un fichier PDF"),
    ("page.html", b"<script>alert(1)</script>", "Ce type de fichier n"),
    ("image.svg", b"<svg onload=alert(1)>", "Ce type de fichier n"),
    ("archive.docx", b"%PDF-1.4", "ne ressemble pas à un fichier DOCX"),
])
def test_hostile_files_are_refused_in_french_and_nothing_is_kept(client, world, shelves, tmp_path, name, content,
                                                                 message):
    login(client, world, "referente_a")
    before = Resource.objects.count(), sorted(p.name for p in (tmp_path / "resources").iterdir())
    assert len(before[1]) == 2  # the two documents of the fixture, in the private storage of the test
    response = _post(client, file=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert (Resource.objects.count(), sorted(p.name for p in (tmp_path / "resources").iterdir())) == before


def test_a_file_over_the_limit_is_refused(client, world, shelves):
    login(client, world, "referente_a")
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    response = _post(client, file=big)
    assert "Le fichier dépasse 10 Mo." in response.content.decode()


def test_a_link_needs_a_web_address(client, world, shelves):
    login(client, world, "coordinator_a")
    response = _post(client, kind="LINK", url="javascript:alert(1)")
    assert response.status_code == 200 and Resource.objects.filter(title="Fiche").count() == 0
    assert _post(client, kind="LINK", url="https://eduscol.education.fr/", tags="autisme").status_code == 302
    added = Resource.objects.get(title="Fiche")
    assert added.pole == world.pole_a and [t.slug for t in added.tags.all()] == ["autisme"]


def test_the_gestionnaire_fills_the_departement_shelf_for_every_pole(client, world, shelves):
    login(client, world, "gestionnaire")
    assert _post(client, shelf="DEPARTEMENT", kind="LINK", url="https://dsden.example.fr/").status_code == 302
    added = Resource.objects.get(title="Fiche")
    assert added.departement == world.pole_a.departement and added.pole is None
    for user in ("aesh_a", "aesh_b_rec"):
        login(client, world, user)
        assert "https://dsden.example.fr/" in client.get(reverse("referents:library")).content.decode()
    # A shelf that is not theirs, asked by hand: refused.
    login(client, world, "coordinator_a")
    _post(client, shelf="DEPARTEMENT", kind="LINK", url="https://pirate.example.fr/", title="Pirate")
    assert not Resource.objects.filter(title="Pirate").exists()


def test_curators_remove_only_their_shelf(client, world, shelves):
    login(client, world, "aesh_a")
    assert client.post(reverse("referents:resource_delete", args=[shelves["pole_a"].pk])).status_code == 403
    login(client, world, "coordinator_a")
    assert client.post(reverse("referents:resource_delete", args=[shelves["dep"].pk])).status_code == 403
    assert client.post(reverse("referents:resource_delete", args=[shelves["pole_b"].pk])).status_code == 404
    assert client.post(reverse("referents:resource_delete", args=[shelves["pole_a"].pk])).status_code == 302
    assert not Resource.objects.filter(pk=shelves["pole_a"].pk).exists()


def test_filters_and_constant_queries(client, world, shelves, django_assert_max_num_queries):
    login(client, world, "aesh_a")
    page = client.get(reverse("referents:library"), {"tag": "autisme"}).content.decode()
    assert "Gabarit de prise de notes" in page and "reseau-canope.fr" not in page
    page = client.get(reverse("referents:library"), {"level": "LYCEE"}).content.decode()
    assert "Gabarit de prise de notes" not in page and "reseau-canope.fr" in page  # no level: every level
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("referents:library"))
    for index in range(8):
        services.resource_add(shelf=Shelf.POLE, pole=world.pole_a, title=f"Lien {index}", kind=ResourceKind.LINK,
                              url=f"https://example.fr/{index}", tags=f"tag{index}, commun", user=None,
                              added_by_label="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("referents:library")).content.decode()
    assert page.count("https://example.fr/") == 8


def test_a_new_pole_of_another_departement_does_not_read_our_departement_shelf(client, world, shelves):
    far = PoleFactory(departement=DepartementFactory(code="56"))
    member = MembershipFactory(user__email="aesh_far@ac-test.fr", role="AESH", pole=far)
    client.force_login(member.user)
    page = client.get(reverse("referents:library")).content.decode()
    assert "Site de l&#x27;école inclusive" not in page and "reseau-canope.fr" in page
