"""Practice-sharing sessions: planned and recorded by the référent·es or the coordination, open
to sign-up for the pôle's AESH, counted as training when the pilots say so."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aesh.models import TrainingTheme
from pial.forms import add_service_errors, posted
from referents import perms, selectors, services
from referents.access import access_of
from referents.forms import AttendanceForm, SessionForm
from referents.models import PracticeSession, Resource
from referents.views.common import require


def _session_form(request, access, instance):
    return SessionForm(posted(request), instance=instance,
                       referents=services.referents_of(access.pole_id, access.today),
                       themes=TrainingTheme.objects.visible_to(access.scope).filter(is_active=True),
                       resources=Resource.objects.visible_to(access.scope).order_by("title"))


def session_list(request):
    access = access_of(request)
    require(perms.can_open_hub(access.scope))
    sessions = list(selectors.sessions(access)[:100])
    return render(request, "referents/session_list.html", {
        "upcoming": [s for s in sessions if s.date >= access.today][::-1],
        "past": [s for s in sessions if s.date < access.today], "can_plan": perms.can_plan_sessions(access),
        "can_sign_up": perms.can_sign_up(access),
    })


def session_create(request):
    access = access_of(request)
    require(perms.can_open_hub(access.scope) and perms.can_plan_sessions(access))
    instance = PracticeSession(pole_id=access.pole_id, referent=access.aesh if access.is_referent else None,
                               date=access.today)
    form = _session_form(request, access, instance)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_save(session=form.instance, resources=list(form.cleaned_data["resources"]),
                                            user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Séance enregistrée : les AESH du pôle peuvent s'y inscrire.")
            return redirect("referents:session", pk=session.pk)
    return render(request, "referents/form.html", {"form": form, "title": "Nouvel échange de pratiques",
                                                   "back": ("referents:sessions", None)})


def _session(access, pk: int) -> PracticeSession:
    session = selectors.session_detail(access).filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def session_detail(request, pk: int):
    access = access_of(request)
    require(perms.can_open_hub(access.scope))
    session = _session(access, pk)
    attendances = list(session.attendances.all())
    mine = next((a for a in attendances if access.aesh and a.aesh_id == access.aesh.pk), None)
    attendance_form = None
    if perms.can_plan_sessions(access) and session.date <= access.today:
        attendance_form = AttendanceForm(
            initial={"attendees": [a.aesh_id for a in attendances if a.attended or a.signed_up_at]},
            aesh=selectors.pole_aesh(session.pole_id))
    return render(request, "referents/session_detail.html", {
        "session": session, "attendances": attendances if perms.can_see_attendees(access) else None,
        "signed": sum(1 for a in attendances if a.signed_up_at), "present": sum(1 for a in attendances if a.attended),
        "mine": mine, "can_sign_up": perms.can_sign_up(access) and session.date >= access.today,
        "can_edit": perms.can_plan_sessions(access), "attendance_form": attendance_form,
        "can_decide": perms.can_decide_training(access), "today": access.today,
    })


def session_edit(request, pk: int):
    access = access_of(request)
    require(perms.can_open_hub(access.scope) and perms.can_plan_sessions(access))
    session = _session(access, pk)
    form = _session_form(request, access, session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(session=form.instance, resources=list(form.cleaned_data["resources"]),
                                  user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Séance mise à jour.")
            return redirect("referents:session", pk=session.pk)
    return render(request, "referents/form.html", {"form": form, "title": f"Modifier — {session.theme}",
                                                   "back": ("referents:session", session.pk)})


@require_POST
def session_sign_up(request, pk: int):
    access = access_of(request)
    require(perms.can_open_hub(access.scope) and perms.can_sign_up(access))
    session = _session(access, pk)
    wanted = request.POST.get("inscription") == "oui"
    try:
        services.session_sign_up(session=session, aesh=access.aesh, signed_up=wanted, today=access.today)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Vous êtes inscrit·e." if wanted else "Votre inscription est retirée.")
    return redirect("referents:session", pk=session.pk)


@require_POST
def session_attendance(request, pk: int):
    access = access_of(request)
    require(perms.can_open_hub(access.scope) and perms.can_plan_sessions(access))
    session = _session(access, pk)
    form = AttendanceForm(posted(request), aesh=selectors.pole_aesh(session.pole_id))
    if form.is_valid():
        try:
            services.session_attendance(session=session, attendees=list(form.cleaned_data["attendees"]),
                                        today=access.today)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Présences enregistrées" + (" ; la séance figure dans le journal du ou de la "
                                                                   "référent·e." if session.referent_id else "."))
    else:
        messages.error(request, "AESH présent·es : choisissez des AESH du pôle.")
    return redirect("referents:session", pk=session.pk)


@require_POST
def session_training(request, pk: int):
    """The pilots: the session counts as training for its attendees (or no longer)."""
    access = access_of(request)
    require(perms.can_open_hub(access.scope) and perms.can_decide_training(access))
    session = _session(access, pk)
    counts = request.POST.get("formation") == "oui"
    services.session_training(session=session, counts=counts, user=request.user)
    messages.success(request, "La séance compte comme formation pour les AESH présent·es." if counts
                     else "La séance ne compte plus comme formation.")
    return redirect("referents:session", pk=session.pk)
