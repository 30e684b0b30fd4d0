"""A coordinator of pôle A sees nothing of pôle B: in pages, selectors and the admin."""

from django.urls import reverse

from pial.enums import Role
from pial.models import Membership, Pole, School
from pial.scope import SESSION_KEY, Scope
from pial.tests.factories import MembershipFactory, SchoolFactory
from pial.tests.helpers import count_queries


def scope_of(user) -> Scope:
    return Scope.of(user.memberships.get())


def test_school_selector_per_role(world):
    a = {s.pk for s in world.schools_a}
    b = {s.pk for s in world.schools_b}
    visible = lambda key: set(School.objects.visible_to(scope_of(world.users[key])).values_list("pk", flat=True))  # noqa: E731
    assert visible("coordinator_a") == a
    assert visible("aesh_b") == b
    assert visible("inspector_a") == a
    assert visible("referent_a") == a
    assert visible("gestionnaire") == a | b
    assert visible("gestionnaire_other") == set()
    assert set(School.objects.visible_to(Scope.national()).values_list("pk", flat=True)) == a | b
    assert not School.objects.visible_to(Scope.nobody()).exists()


def test_pole_selector_per_role(world):
    assert list(Pole.objects.visible_to(scope_of(world.users["coordinator_a"]))) == [world.pole_a]
    assert list(Pole.objects.visible_to(scope_of(world.users["inspector_a"]))) == [world.pole_a]
    assert set(Pole.objects.visible_to(scope_of(world.users["gestionnaire"]))) == {
        world.pole_a, world.pole_b
    }


def test_coordinator_home_shows_own_pole_only(client_as, world):
    html = client_as("coordinator_a").get(reverse("home")).content.decode()
    assert "PIAL Alpha" in html and "École Alpha 0" in html
    assert "PIAL Bêta" not in html and "École Bêta" not in html


def test_coordinator_people_page_shows_own_pole_only(client_as, world):
    html = client_as("coordinator_a").get(reverse("people")).content.decode()
    assert "pilot_a@ac-test.fr" in html and "aesh_a@ac-test.fr" in html
    assert "coordinator_b@ac-test.fr" not in html and "aesh_b@ac-test.fr" not in html


def test_coordinator_admin_lists_own_pole_only(client_as, world):
    client = client_as("coordinator_a")
    html = client.get(reverse("admin:pial_school_changelist")).content.decode()
    assert "École Alpha 0" in html and "École Bêta" not in html
    other = world.schools_b[0]
    response = client.get(reverse("admin:pial_school_change", args=[other.pk]))
    # The admin answers an object outside the queryset by redirecting with a message.
    assert response.status_code == 302
    html = client.get(reverse("admin:pial_membership_changelist")).content.decode()
    assert "aesh_a@ac-test.fr" in html and "aesh_b@ac-test.fr" not in html


def test_coordinator_reads_but_does_not_edit_schools_in_admin(client_as, world):
    client = client_as("coordinator_a")
    school = world.schools_a[0]
    url = reverse("admin:pial_school_change", args=[school.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"uai": school.uai, "name": "Renommée", "kind": school.kind,
                      "departement": school.departement_id})
    school.refresh_from_db()
    assert school.name != "Renommée"


def test_gestionnaire_edits_school_of_their_departement_in_admin(client_as, world):
    client = client_as("gestionnaire")
    school = world.schools_b[0]
    url = reverse("admin:pial_school_change", args=[school.pk])
    response = client.post(url, {
        "uai": school.uai, "name": "École renommée", "kind": school.kind, "city": "Rennes",
        "departement": school.departement_id, "circonscription": school.circonscription_id,
        "pole": school.pole_id, "zone": "B",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    school.refresh_from_db()
    assert school.name == "École renommée"
    # Another département's gestionnaire cannot even open it.
    assert client_as("gestionnaire_other").get(url).status_code == 302


def test_scope_switch_between_own_memberships(client, world):
    user = world.users["coordinator_a"]
    second = MembershipFactory(user=user, role=Role.PILOT, pole=world.pole_b)
    client.force_login(user)
    response = client.post(reverse("scope_switch"), {"scope": str(second.pk), "next": "/"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(second.pk)
    html = client.get(reverse("home")).content.decode()
    assert "PIAL Bêta" in html and "École Alpha" not in html


def test_scope_switch_refuses_someone_elses_membership(client, world):
    client.force_login(world.users["coordinator_a"])
    other = Membership.objects.get(user=world.users["coordinator_b"])
    response = client.post(reverse("scope_switch"), {"scope": str(other.pk)}, follow=True)
    assert SESSION_KEY not in client.session
    assert "ne fait pas partie des vôtres" in response.content.decode()
    assert "PIAL Bêta" not in client.get(reverse("home")).content.decode()


def test_scope_switch_ignores_foreign_next_url(client, world):
    client.force_login(world.users["coordinator_a"])
    membership = world.users["coordinator_a"].memberships.get()
    response = client.post(
        reverse("scope_switch"), {"scope": str(membership.pk), "next": "https://exemple.com/"}
    )
    assert response["Location"] == reverse("home")


def test_home_query_count_does_not_grow(client_as, world):
    client = client_as("coordinator_a")
    client.get(reverse("home"))
    few = count_queries(lambda: client.get(reverse("home")))
    # Session, user, scope, MFA check, pôle with its team, schools, session save.
    assert few <= 12
    SchoolFactory.create_batch(30, pole=world.pole_a)
    MembershipFactory.create_batch(5, role=Role.PILOT, pole=world.pole_a)
    assert count_queries(lambda: client.get(reverse("home"))) == few
    assert client.get(reverse("home")).content.decode().count("<tr>") >= 33


def test_people_query_count_does_not_grow(client_as, world):
    client = client_as("gestionnaire")
    client.get(reverse("people"))
    few = count_queries(lambda: client.get(reverse("people")))
    assert few <= 12
    MembershipFactory.create_batch(20, role=Role.AESH, pole=world.pole_a)
    assert count_queries(lambda: client.get(reverse("people"))) == few
