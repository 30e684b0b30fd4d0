"""The demo data: a fictional département whose every demo login sees its own scope."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pial.demo import DEMO_DOMAIN
from pial.models import Circonscription, Membership, Pole, School, SchoolYear, User
from pial.rules import uai_error


def test_demo_builds_the_territory(demo):
    assert Circonscription.objects.count() == 2
    assert sorted(Pole.objects.values_list("kind", "degree")) == [
        ("PAS", "INTER"), ("PIAL", "PREMIER"), ("PIAL", "SECOND")]
    assert 20 <= School.objects.count() <= 30
    assert all(uai_error(uai) is None for uai in School.objects.values_list("uai", flat=True))
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"COORDINATOR", "PILOT", "INSPECTOR", "ENSEIGNANT_REFERENT", "GESTIONNAIRE", "AESH"}
    assert User.objects.filter(is_superuser=True, email=f"admin@{DEMO_DOMAIN}").exists()


def test_seed_demo_if_empty_is_a_no_op_the_second_time(demo):
    count = School.objects.count()
    call_command("seed_demo", "--if-empty")
    assert School.objects.count() == count
    with pytest.raises(CommandError, match="déjà des données"):
        call_command("seed_demo")


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("admin", ["Val-de-Lys (démo)", "PIAL du collège Jean Moulin", "PAS de Lys-Sud"]),
        ("gestionnaire", ["Val-de-Lys (démo)", "Lys-Nord", "Lys-Sud", "PAS de Lys-Sud"]),
        ("ien", ["Rapport de circonscription", "Circonscription Lys-Nord", "PIAL de Lys-Nord écoles"]),
        ("coordination", ["PIAL de Lys-Nord écoles", "Claire LEFÈVRE"]),
        ("coordination-college", ["PIAL du collège Jean Moulin", "Collège"]),
        ("coordination-pas", ["PAS de Lys-Sud", "EREA"]),
        ("pilote", ["PIAL de Lys-Nord écoles", "Changer de rôle"]),
        ("enseignant-referent", ["Mon secteur", "École maternelle"]),
        ("aesh", ["PIAL de Lys-Nord écoles", "Claire LEFÈVRE"]),
    ],
)
def test_each_demo_login_sees_its_scope_on_home(demo, client, settings, local, expected):
    settings.MFA_REQUIRED = False  # demo mode: DEBUG and DEMO
    response = client.post(reverse("account_login"),
                           {"login": f"{local}@{DEMO_DOMAIN}", "password": "demo-pial-2026"})
    assert response.status_code == 302
    html = client.get(reverse("home"), follow=True).content.decode()
    for text in expected:
        assert text in html, f"{local} : « {text} » absent de l'accueil"


def test_demo_dates_fall_on_school_days(demo):
    """Trainings, référent actions and declared weeks of the demo happen when schools are open."""
    from aesh.models import Training
    from hours.models import ReferentActivity, Timesheet
    from pial.calendar import is_day_off

    days = list(Training.objects.values_list("date", flat=True))
    days += list(ReferentActivity.objects.values_list("date", flat=True))
    assert days
    for day in days:
        assert day.weekday() < 5 and not is_day_off(day, "B"), day
    weeks = Timesheet.objects.exclude(state="DRAFT").values_list("week_start", "planned_minutes")
    assert weeks and all(planned > 0 for _, planned in weeks)  # no declared week is a holiday week


def test_the_demo_holds_last_year_as_history(demo, client, settings):
    """Issue 25: a closed year with its validated weeks and its weekly figures, readable by year."""
    from aesh.models import Aesh
    from hours.models import Timesheet
    from reports.models import WeeklyFigure

    current = SchoolYear.objects.current()
    last = SchoolYear.objects.before(current)
    referente = Aesh.objects.get(user__email=f"referente@{DEMO_DOMAIN}")
    weeks = Timesheet.objects.filter(aesh=referente, week_start__gte=last.start_date - datetime.timedelta(days=6),
                                     week_start__lte=last.end_date)
    assert weeks.count() >= 30  # about 36 school weeks, holidays without a timetable left out
    assert set(weeks.values_list("state", flat=True)) == {"VALIDATED"}
    assert WeeklyFigure.objects.filter(week_start__gte=last.start_date, week_start__lte=last.end_date).exists()
    settings.MFA_REQUIRED = False  # the demo's logins have no second factor
    client.force_login(User.objects.get(email=f"coordination@{DEMO_DOMAIN}"))
    html = client.get(reverse("hours:balances"), {"annee": last.name}).content.decode()
    assert referente.last_name.upper() in html.upper() and last.name in html
    client.force_login(referente.user)
    mine = client.get(reverse("hours:my_hours"), {"annee": last.name}).content.decode()
    assert "Validée" in mine or "validée" in mine
