"""IDOR sweep: every URL that names an object, asked by every role for objects outside its territory.

On the demo data (three pôles, every role), each user acting through each of their
memberships requests, by GET and by POST, one object of every kind that lies outside
what that scope may know: another pôle (or circonscription, or référent's schools, or
département), and for an AESH also another AESH's records in the same pôle. Every
answer must be a refusal (403, 404, or 405 for the other method) and nothing may change
in the database. The admin's change, delete and history pages are swept the same way.

The sweep walks the URLconf: a new URL with an object id fails
`test_every_object_url_is_swept` until it is added to OBJECT_URLS below, with its model.
"""

import datetime

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from aesh.models import Absence, Aesh, Amendment, Contract, Training, TrainingNeedsWindow, TrainingTheme
from eleves.models import Notification, Pps, PpsDocument, Student, Transfer, Ulis
from eleves.services import document_add
from hours.enums import EntryKind
from hours.models import ReferentActivity, TimeEntry, Timesheet
from missions.models import Assignment, MissionLetter, TimeSlot, TimetableChange
from pial.enums import Role
from pial.models import Departement, Membership, Pole, School
from pial.scope import SESSION_KEY
from pial.tests.factories import MembershipFactory, TotpFactory
from planner.models import ClassCourse, PlannerRun, Unavailability
from recourse.models import Recourse
from referents.models import NewcomerPath, PracticeSession, Resource, WelcomeSheet

pytestmark = pytest.mark.sweep  # a whole-site sweep: in make test, not in make test-fast

# URL name → the model its `pk` names, and the other arguments it needs.
OBJECT_URLS = {
    "aesh:detail": Aesh, "aesh:update": Aesh, "aesh:invite": Aesh, "aesh:mfa_reset": Aesh,
    "aesh:contract_create": Aesh,
    "aesh:training_create": Aesh, "aesh:contract_update": Contract, "aesh:amendment_create": Contract,
    "aesh:amendment_update": Amendment, "aesh:amendment_answer": Amendment,
    "eleves:detail": Student, "eleves:update": Student, "eleves:notification_create": Student,
    "eleves:pps": Student, "eleves:document_upload": Student, "eleves:notification_update": Notification,
    "eleves:document": PpsDocument,
    "missions:change_acknowledge": TimetableChange, "missions:aesh_week": Aesh, "missions:slot_create": Aesh,
    "missions:slot_update": TimeSlot, "missions:slot_delete": TimeSlot, "missions:student_week": Student,
    "missions:school_day": School, "missions:assignment_end": Assignment, "hours:remove": TimeEntry,
    "hours:timesheet": Timesheet, "hours:decide": Timesheet, "hours:aesh": Aesh,
    "hours:statement": Aesh, "hours:referent_log_of": Aesh, "missions:letter": MissionLetter,
    "missions:letter_sign": MissionLetter, "missions:letter_pdf": MissionLetter,
    "aesh:wish_detail": Aesh, "missions:rentree_student": Student, "missions:rentree_decision": Contract,
    "missions:rentree_transfer": Transfer,
}
EXTRA_KWARGS = {"missions:school_day": {"weekday": 1}, "hours:statement": {"year": 2026, "month": 9}}
# URLs with numbers that name no object: the user's own month, the pôle's month.
OBJECT_URLS.update({
    "planner:run": PlannerRun, "planner:status": PlannerRun, "planner:cancel": PlannerRun,
    "planner:accept": PlannerRun, "planner:absence": Absence,
    "planner:replace": Absence,
})
# The AESH's recourse; the référent's toolbox (a school's welcome sheet is named by the school).
OBJECT_URLS.update({
    "recourse:detail": Recourse,
    "referents:sheet": School, "referents:sheet_edit": School, "referents:sheet_history": School,
    "referents:sheet_read": School, "referents:path": NewcomerPath, "referents:path_referent": NewcomerPath,
    "referents:step_tick": NewcomerPath, "referents:step_untick": NewcomerPath,
    "referents:resource_file": Resource, "referents:resource_delete": Resource,
    "referents:session": PracticeSession, "referents:session_edit": PracticeSession,
    "referents:session_sign_up": PracticeSession, "referents:session_attendance": PracticeSession,
    "referents:session_training": PracticeSession,
})
EXTRA_KWARGS.update({"referents:step_tick": {"kind": "WELCOME_MEETING"},
                     "referents:step_untick": {"kind": "WELCOME_MEETING"}})
NOT_OBJECT_URLS = {"hours:my_statement", "hours:month_export"}

# Each model's pôles: an object is outside a scope when none of them is the scope's.
POLES_OF = {
    School: lambda o: {o.pole_id},
    Aesh: lambda o: {o.home_pole_id},
    Contract: lambda o: {o.aesh.home_pole_id},
    Amendment: lambda o: {o.contract.aesh.home_pole_id},
    Training: lambda o: {o.aesh.home_pole_id},
    Student: lambda o: {o.school.pole_id},
    Notification: lambda o: {o.student.school.pole_id},
    Pps: lambda o: {o.student.school.pole_id},
    PpsDocument: lambda o: {o.student.school.pole_id},
    Ulis: lambda o: {o.school.pole_id},
    Assignment: lambda o: {o.aesh.home_pole_id, (o.student or o.ulis).school.pole_id},
    TimeSlot: lambda o: {o.aesh.home_pole_id, o.school.pole_id},
    TimetableChange: lambda o: {o.aesh.home_pole_id},
    MissionLetter: lambda o: {o.pole_id},
    Timesheet: lambda o: {o.aesh.home_pole_id},
    TimeEntry: lambda o: {o.timesheet.aesh.home_pole_id},
    ReferentActivity: lambda o: {o.referent.home_pole_id},
    ClassCourse: lambda o: {o.school.pole_id},
    Unavailability: lambda o: {o.aesh.home_pole_id},
    Absence: lambda o: {o.aesh.home_pole_id},
    PlannerRun: lambda o: {o.pole_id},
    # A recourse is its author's pôle's and its circonscription's (a PAS may span two).
    Recourse: lambda o: {o.aesh.home_pole_id, *Pole.objects.filter(circonscription_id=o.circonscription_id)
                         .values_list("pk", flat=True)},
    NewcomerPath: lambda o: {o.aesh.home_pole_id},
    WelcomeSheet: lambda o: {o.school.pole_id},
    PracticeSession: lambda o: {o.pole_id},
    # The pôle's shelf, the département's (every pôle of it), the national one (every pôle).
    Resource: lambda o: {o.pole_id} if o.pole_id else set(
        (Pole.objects.filter(departement_id=o.departement_id) if o.departement_id else Pole.objects.all())
        .values_list("pk", flat=True)),
    TrainingTheme: lambda o: set(Pole.objects.filter(departement_id=o.departement_id).values_list("pk", flat=True)),
    TrainingNeedsWindow: lambda o: {o.pole_id},
    # A transfer is answered by the receiving pôle only.
    Transfer: lambda o: {o.to_pole_id},
}
# For an AESH, another AESH's own records are out of reach even in the same pôle.
AESH_OF = {
    Aesh: lambda o: o.pk, Contract: lambda o: o.aesh_id, Amendment: lambda o: o.contract.aesh_id,
    Training: lambda o: o.aesh_id, TimeSlot: lambda o: o.aesh_id, TimetableChange: lambda o: o.aesh_id,
    Timesheet: lambda o: o.aesh_id, TimeEntry: lambda o: o.timesheet.aesh_id,
    ReferentActivity: lambda o: o.referent_id, Assignment: lambda o: o.aesh_id,
    Recourse: lambda o: o.aesh_id, NewcomerPath: lambda o: {o.aesh_id, o.referent_id},  # and their référent's
}
REFUSED = {403, 404, 405}


def _named_patterns(patterns, namespace=""):
    """(namespaced name, converters) of every URL pattern outside the admin."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _named_patterns(pattern.url_patterns,
                                           f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.pattern.converters.values()


def test_every_object_url_is_swept():
    patterns = dict(_named_patterns(get_resolver().url_patterns))
    # String converters name a file format, a token or a week slug, never an object id.
    with_ids = {name for name, converters in patterns.items()
                if any(isinstance(c, IntConverter) for c in converters)}
    assert with_ids - set(OBJECT_URLS) - NOT_OBJECT_URLS == set()
    assert set(OBJECT_URLS) | NOT_OBJECT_URLS <= set(patterns)


def _outside(scope_poles, aesh_id, model, obj) -> bool:
    if not POLES_OF[model](obj) & scope_poles:
        return True
    if aesh_id is None or model not in AESH_OF:
        return False
    owners = AESH_OF[model](obj)
    return aesh_id not in (owners if isinstance(owners, set) else {owners})


def _scope_poles(membership) -> set[int]:
    if membership.pole_id:
        return {membership.pole_id}
    if membership.role == Role.ENSEIGNANT_REFERENT:
        return set(membership.schools.values_list("pole_id", flat=True))
    if membership.circonscription_id:
        return set(Pole.objects.filter(circonscription_id=membership.circonscription_id).values_list("pk", flat=True))
    return set(Pole.objects.filter(departement_id=membership.departement_id).values_list("pk", flat=True))


def _row_counts():
    return {model: model.objects.count() for model in POLES_OF}


def test_no_role_reaches_an_object_outside_its_territory(demo, client, settings, tmp_path):
    settings.DEBUG = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    for pole in Pole.objects.all():  # what the demo does not hold: a change notice, a document
        aesh = Aesh.objects.filter(home_pole=pole).order_by("pk").first()
        TimetableChange.objects.create(aesh=aesh, summary="Lundi 08:30–11:30 ajouté")
        if not Timesheet.objects.filter(aesh__home_pole=pole).exists():
            week = Timesheet.objects.create(aesh=aesh, week_start=datetime.date(2026, 11, 9))
            TimeEntry.objects.create(timesheet=week, kind=EntryKind.OUTING, day=week.week_start, minutes=60)
        Absence.objects.create(aesh=aesh, start_date=datetime.date(2026, 11, 23),
                                   end_date=datetime.date(2026, 11, 27), reason="TRAINING")
        PlannerRun.objects.create(pole=pole, start_date=datetime.date(2026, 11, 30), state="DONE",
                                  result={"placements": [], "current": [], "units": {}, "workers": {},
                                          "uncovered": [], "slot_of": {}, "before": {}, "after": {}})
        document_add(student=Student.objects.filter(school__pole=pole).order_by("pk").first(), kind="PPS",
                     upload=SimpleUploadedFile("pps.pdf", b"%PDF-1.4", content_type="application/pdf"), user=None)
    other = Departement.objects.create(code="974", name="La Réunion")
    MembershipFactory(role=Role.GESTIONNAIRE, pole=None, departement=other, user__email="gest-974@ac-test.fr")
    from allauth.mfa.models import Authenticator
    for membership in Membership.objects.select_related("user"):
        if not Authenticator.objects.filter(user=membership.user, type=Authenticator.Type.TOTP).exists():
            TotpFactory(user=membership.user)

    objects = {model: list(model.objects.order_by("pk")) for model in POLES_OF}
    assert [m.__name__ for m in set(OBJECT_URLS.values()) if not objects[m]] == []
    before = _row_counts()
    leaks, checked, untested = [], 0, []
    memberships = list(Membership.objects.select_related("user").order_by("pk"))
    assert {m.role for m in memberships} >= {Role.COORDINATOR, Role.PILOT, Role.AESH, Role.INSPECTOR,
                                             Role.ENSEIGNANT_REFERENT, Role.GESTIONNAIRE}
    admin_models = [model for model in admin.site._registry if model in POLES_OF]
    for membership in memberships:
        client.force_login(membership.user)
        session = client.session
        session[SESSION_KEY] = str(membership.pk)
        session.save()
        poles = _scope_poles(membership)
        aesh_id = (Aesh.objects.filter(user=membership.user).values_list("pk", flat=True).first()
                   if membership.role == Role.AESH else None)
        label = f"{membership.user.email} ({membership.role})"
        for name, model in OBJECT_URLS.items():
            target = next((o for o in objects[model] if _outside(poles, aesh_id, model, o)), None)
            if target is None:
                untested.append((label, name))
                continue
            url = reverse(name, kwargs={"pk": target.pk, **EXTRA_KWARGS.get(name, {})})
            got = client.get(url).status_code, client.post(url).status_code
            checked += 1
            if not set(got) <= REFUSED or got == (405, 405):
                leaks.append(f"{label} {url} → GET {got[0]}, POST {got[1]}")
        for model in admin_models:
            target = next((o for o in objects[model] if _outside(poles, aesh_id, model, o)), None)
            if target is None:
                continue
            for action in ("change", "delete", "history"):
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=[target.pk])
                for response in (client.get(url), client.post(url, {"post": "yes"})):
                    checked += 1
                    refused = response.status_code in REFUSED or (
                        response.status_code == 302 and response["Location"] == reverse("admin:index"))
                    if not refused:
                        leaks.append(f"{label} {url} → {response.request['REQUEST_METHOD']} {response.status_code}")
    assert leaks == []
    assert _row_counts() == before
    # Every role was swept over most of the URLs; only a territory that holds every pôle of
    # the demo (the département's gestionnaire) has nothing outside it.
    assert checked > 600
    assert {label for label, _ in untested} <= {"gestionnaire@demo.pial.fr (GESTIONNAIRE)"}, [u for u in untested if "GESTIONNAIRE" not in u[0]]
