"""After `make run`, the toolbox and the recourse are alive on the demo, and what two pages say
about the same thing agrees."""

import pytest
from django.urls import reverse

from aesh.models import TrainingNeed
from hours.models import ReferentActivity
from pial.demo import DEMO_DOMAIN
from pial.models import Membership, School
from pial.scope import SESSION_KEY
from recourse.enums import RecourseStatus
from recourse.models import Recourse
from referents.models import NewcomerPath, PracticeSession, Resource, WelcomeSheet


@pytest.fixture
def demo_site(demo, settings):
    settings.MFA_REQUIRED = False  # demo mode: DEBUG and DEMO


def as_(client, email):
    membership = Membership.objects.filter(user__email=email).order_by("pk").first()
    client.force_login(membership.user)
    session = client.session
    session[SESSION_KEY] = str(membership.pk)
    session.save()
    return client


def test_the_demo_holds_every_part_of_the_toolbox(demo):
    assert WelcomeSheet.objects.count() == School.objects.count()
    assert WelcomeSheet.objects.filter(version__gt=1).exists()
    halfway = NewcomerPath.objects.get(aesh__home_pole__name="PIAL de Lys-Nord écoles")
    assert halfway.steps.count() == 2 and halfway.completed_at is None
    assert ReferentActivity.objects.filter(client_token=f"newcomer-{halfway.pk}-WELCOME_MEETING").count() == 1
    assert Resource.objects.filter(pole__isnull=False).exists() and Resource.objects.filter(departement__isnull=False)\
        .exists()
    past = PracticeSession.objects.get(counts_as_training=True)
    present = past.attendances.filter(attended=True)
    assert present.count() >= 6 and present.filter(training__isnull=True).count() == 0
    assert TrainingNeed.objects.count() > 10
    answered = Recourse.objects.get(aesh__user__email=f"aesh@{DEMO_DOMAIN}")
    assert answered.status == RecourseStatus.MEETING_PROPOSED and answered.messages.count() == 1


def test_two_pages_agree_on_the_demo(demo_site, client):
    # The inspector's inbox and the report's count: the same recourses of Lys-Nord.
    ien = as_(client, f"ien@{DEMO_DOMAIN}")
    inbox = ien.get(reverse("recourse:inbox")).content.decode()
    assert "Échanges difficiles à la sortie" in inbox and "Emploi du temps sur trois" not in inbox
    report = ien.get(reverse("reports:report")).content.decode()
    assert "Sollicitations de l&#x27;IEN par les AESH" in report and "Échanges difficiles" not in report
    # The référente's log and her newcomer's path: the same welcome meeting.
    referente = as_(client, f"referente@{DEMO_DOMAIN}")
    log = referente.get(reverse("hours:referent_log")).content.decode()
    assert "Parcours d&#x27;accueil : Rencontre d&#x27;accueil" in log
    path = NewcomerPath.objects.get(referent__user__email=f"referente@{DEMO_DOMAIN}")
    page = referente.get(reverse("referents:path", args=[path.pk])).content.decode()
    assert "dans le journal du ou de la référent·e" in page
    # Julie sees her answer; the coordination of her pôle does not see her recourse.
    julie = as_(client, f"aesh@{DEMO_DOMAIN}")
    mine = Recourse.objects.get(aesh__user__email=f"aesh@{DEMO_DOMAIN}")
    assert "entretien mardi prochain" in julie.get(reverse("recourse:detail", args=[mine.pk])).content.decode()
    coordination = as_(client, f"coordination@{DEMO_DOMAIN}")
    assert coordination.get(reverse("recourse:detail", args=[mine.pk])).status_code == 404
    counts = coordination.get(reverse("reports:training_needs")).content.decode()
    assert "AESH ayant répondu" in counts and "secret" in counts


def test_the_demo_newcomer_who_ticked_sheets_read_has_read_each_sheet(demo_site, client):
    """The path page must not say « Livrets lus : fait » above « pas encore lu » for each sheet."""
    halfway = NewcomerPath.objects.get(aesh__home_pole__name="PIAL de Lys-Nord écoles")
    assert halfway.steps.filter(kind="SHEETS_READ").exists()
    page = as_(client, f"referente@{DEMO_DOMAIN}").get(reverse("referents:path", args=[halfway.pk])).content.decode()
    assert "Livrets d&#x27;accueil" in page or "Livrets d'accueil" in page
    assert "pas encore lu" not in page and ": lu" in page
