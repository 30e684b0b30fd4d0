"""« Solliciter l'IEN »: need to know (the author, the inspector of the right circonscription, the
coordination only when the AESH chose so), every read journaled, the student named by first name
and initial, health words questioned, e-mails that carry nothing."""

import pytest
from django.core import mail
from django.urls import reverse

from aesh.tests.factories import AeshFactory
from pial.enums import Role
from pial.tests.factories import MembershipFactory
from recourse import rules, services
from recourse.enums import RecourseStatus
from recourse.models import Recourse, RecourseMessage, RecourseRead

TEXT = "Un parent m'interpelle chaque soir à la sortie et me demande mon numéro personnel."


@pytest.fixture
def people(world):
    def aesh(key, pole, school):
        membership = MembershipFactory(user__email=f"{key}@ac-test.fr", role=Role.AESH, pole=pole)
        world.users[key] = membership.user
        record = AeshFactory(home_pole=pole, user=membership.user, email=f"{key}@ac-test.fr", first_name="Léa",
                             last_name=key.capitalize())
        record.schools.set([school])
        return record

    inspector_b = MembershipFactory(user__email="inspector_b@ac-test.fr", role=Role.INSPECTOR, pole=None,
                                    circonscription=world.pole_b.circonscription)
    world.users["inspector_b"] = inspector_b.user
    return {"author": aesh("author", world.pole_a, world.schools_a[0]),
            "colleague": aesh("colleague", world.pole_a, world.schools_a[0]),
            "referente": aesh("referente", world.pole_a, world.schools_a[1]),
            "far": aesh("far", world.pole_b, world.schools_b[0])}


def send(people, **fields):
    return services.recourse_send(aesh=people["author"], school=people["author"].schools.get(), category="FAMILY",
                                  subject="Échanges à la sortie", text=TEXT, **fields)


@pytest.mark.parametrize(("label", "error"), [
    ("", False), ("Léo M.", False), ("Léo M", False), ("Marie-Lou B.", False), ("N'Golo K.", False),
    ("Anne Sophie D.", False), ("léo m", False),
    ("Léo Martin", True), ("Léo", True), ("LM", True), ("Léo M. 6e B", True), ("Léo 12", True),
    ("M. Léo", True), ("Léo MA.", True),
])
def test_a_student_is_named_by_first_name_and_initial_only(label, error):
    assert (rules.student_label_error(label) is not None) is error


def test_labels_are_written_the_same_way():
    assert rules.normalized_student_label("léo  m") == "Léo M."
    assert rules.normalized_student_label("marie-lou b.") == "Marie-Lou B."


def test_health_words_are_found_whatever_their_spelling():
    assert rules.health_terms("Il a un TDAH et un traitement", "") == ["tdah", "traitement"]  # in the order of the list
    assert rules.health_terms("Épilepsie") == ["epilepsie"]
    assert rules.health_terms("élève en situation de handicap, atsem absente") == []


def test_the_author_writes_and_the_right_inspector_is_told_without_the_content(client, world, people,
                                                                                django_capture_on_commit_callbacks):
    client.force_login(world.users["author"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recourse:create"), {
            "school": world.schools_a[0].pk, "category": "FAMILY", "subject": "Échanges à la sortie",
            "student_label": "léo m", "text": TEXT})
    recourse = Recourse.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("recourse:detail", args=[recourse.pk])
    assert recourse.circonscription == world.pole_a.circonscription and recourse.student_label == "Léo M."
    assert [m.to for m in mail.outbox] == [["inspector_a@ac-test.fr"]]
    body = mail.outbox[0].body + mail.outbox[0].subject
    assert "parent" not in body and "sortie" not in body and "Léo" not in body and "Author" not in body


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"student_label": "Léo Martin"}, "student_label", "prénom et l'initiale"),
    ({"text": "Il a un TDAH, son traitement le fatigue."}, "text", "information de santé"),
    ({"school": "other"}, "school", "Sélectionnez un choix valide"),
    ({"subject": ""}, "subject", "Ce champ est obligatoire"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_sent(client, world, people, payload, field, message):
    client.force_login(world.users["author"])
    data = {"school": world.schools_a[0].pk, "category": "FAMILY", "subject": "Objet", "text": TEXT, **payload}
    if data["school"] == "other":
        data["school"] = world.schools_b[0].pk  # a school where the AESH does not work
    response = client.post(reverse("recourse:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Recourse.objects.exists()


def test_health_words_may_be_confirmed(client, world, people):
    client.force_login(world.users["author"])
    data = {"school": world.schools_a[0].pk, "category": "STUDENT", "subject": "Crise", "text": "Des troubles en classe."}
    first = client.post(reverse("recourse:create"), data)
    assert "confirm_no_health" in first.content.decode() and not Recourse.objects.exists()
    assert client.post(reverse("recourse:create"), {**data, "confirm_no_health": "on"}).status_code == 302
    assert Recourse.objects.count() == 1


@pytest.mark.parametrize(("informed", "user", "status"), [
    (False, "author", 200), (False, "inspector_a", 200),
    (False, "coordinator_a", 404), (False, "pilot_a", 404), (False, "colleague", 404), (False, "referente", 404),
    (False, "inspector_b", 404), (False, "far", 404), (False, "coordinator_b", 404),
    (False, "gestionnaire", 403), (False, "referent_a", 403), (False, "admin", 403),
    (True, "coordinator_a", 200), (True, "pilot_a", 404), (True, "coordinator_b", 404), (True, "colleague", 404),
])
def test_need_to_know_on_each_recourse(client, world, people, informed, user, status):
    recourse = send(people, inform_coordination=informed)
    client.force_login(world.users[user])
    response = client.get(reverse("recourse:detail", args=[recourse.pk]))
    assert response.status_code == status
    if status == 200:
        assert TEXT.replace("'", "&#x27;") in response.content.decode()
        assert RecourseRead.objects.filter(recourse=recourse, user=world.users[user]).count() == 1
    else:
        assert not RecourseRead.objects.filter(recourse=recourse).exists()
    inbox = client.get(reverse("recourse:inbox"))
    assert "Échanges à la sortie" not in inbox.content.decode() or status == 200


def test_every_read_is_journaled_and_the_author_sees_who_read(client, world, people):
    recourse = send(people)
    client.force_login(world.users["inspector_a"])
    client.get(reverse("recourse:inbox"))
    client.get(reverse("recourse:detail", args=[recourse.pk]))
    client.get(reverse("recourse:detail", args=[recourse.pk]))
    reads = RecourseRead.objects.filter(user=world.users["inspector_a"])
    assert reads.count() == 3 and reads.filter(recourse=None, detail__startswith="liste").count() == 1
    client.force_login(world.users["author"])
    page = client.get(reverse("recourse:detail", args=[recourse.pk])).content.decode()
    assert page.count("l'inspection</li>".replace("'", "&#x27;")) + page.count("— l'inspection") >= 2
    with pytest.raises(PermissionError):
        reads.first().delete()
    with pytest.raises(PermissionError):
        reads.update(detail="effacé")


def test_the_inspector_answers_and_the_author_reads_the_answer(client, world, people, django_capture_on_commit_callbacks):
    recourse = send(people)
    mail.outbox.clear()
    client.force_login(world.users["coordinator_a"])
    assert client.post(reverse("recourse:detail", args=[recourse.pk]), {"text": "x", "status": "CLOSED"}).status_code \
        == 404
    client.force_login(world.users["inspector_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("recourse:detail", args=[recourse.pk]),
                               {"text": "Je vous propose un entretien mardi à 16 h 45.", "status": "MEETING"})
    assert response.status_code == 302
    recourse.refresh_from_db()
    assert recourse.status == RecourseStatus.MEETING_PROPOSED
    assert [m.to for m in mail.outbox] == [["author@ac-test.fr"]] and "mardi" not in mail.outbox[0].body
    client.force_login(world.users["author"])
    page = client.get(reverse("recourse:detail", args=[recourse.pk])).content.decode()
    assert "Je vous propose un entretien mardi" in page and "Entretien proposé" in page
    client.post(reverse("recourse:detail", args=[recourse.pk]), {"text": "Mardi me convient."})
    assert RecourseMessage.objects.filter(recourse=recourse, from_inspector=False).count() == 1
    # The author cannot set the state; only the inspector closes.
    client.post(reverse("recourse:detail", args=[recourse.pk]), {"text": "fin", "status": "CLOSED"})
    recourse.refresh_from_db()
    assert recourse.status == RecourseStatus.MEETING_PROPOSED


def test_inbox_counts_by_state_with_constant_queries(client, world, people, django_assert_max_num_queries):
    send(people)
    client.force_login(world.users["inspector_a"])
    client.get(reverse("recourse:inbox"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("recourse:inbox"))
    for _ in range(6):
        send(people)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("recourse:inbox")).content.decode()
    assert page.count("Échanges à la sortie") == 7 and "Reçue (7)" in page


def test_pilots_are_addressed_only_when_the_setting_allows(world, people, settings):
    assert send(people, inform_pilots=True).inform_pilots is False
    settings.PIAL = {**settings.PIAL, "RECOURSE_TO_PILOTS": True}
    assert send(people, inform_pilots=True).inform_pilots is True


def test_the_aesh_is_told_when_no_inspector_has_an_account_yet(client, world, people):
    world.users["inspector_b"].memberships.all().delete()
    client.force_login(world.users["far"])
    response = client.post(reverse("recourse:create"), {"school": world.schools_b[0].pk, "category": "OTHER",
                                                        "subject": "Objet", "text": TEXT}, follow=True)
    assert "n&#x27;a encore de compte dans pial" in response.content.decode()
    assert Recourse.objects.get().circonscription == world.pole_b.circonscription
