"""Pages of the planner (the pôle's coordination only): runs, proposal, acceptance,
absences and their replacements."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aesh.models import Absence, Aesh
from eleves.enums import JournalAction
from eleves.journal import journal
from hours import selectors as hours_selectors
from missions import perms
from pial.forms import add_service_errors, posted
from pial.models import Pole, SchoolYear
from pial.years import next_year, year_named, year_of
from planner import inputs, replacement, runs, services
from planner.forms import AbsenceForm, RunForm
from planner.models import PlannerRun, RunState
from planner.presenters import ProposalView, lost_rows, other_slots
from planner.problem import Weights


def _require(request) -> None:
    if not perms.can_plan(request.scope):
        raise PermissionDenied


def _run(request, pk: int) -> PlannerRun:
    _require(request)
    run = get_object_or_404(PlannerRun.objects.visible_to(request.scope), pk=pk)
    if run.is_active and runs.end_stale(pole_id=run.pole_id):  # a silent run ends as soon as a page looks at it
        run.refresh_from_db()
    return run


def _rentree_year(request) -> tuple[SchoolYear | None, str]:
    """?annee=2027-2028: the year following the pôle's current one, planned from its rentrée.
    Another known year plans as usual; a malformed or unknown one says so."""
    raw = request.GET.get("annee", "")
    if not raw:
        return None, ""
    pole = Pole.objects.select_related("departement").get(pk=request.scope.pole_id)
    current = year_of(pole.departement)
    following = next_year(current) if current else None
    wanted = year_named(raw)
    if wanted is not None and following is not None and wanted.pk == following.pk:
        return following, ""
    if wanted is not None and current is not None and wanted.pk == current.pk:
        return None, ""
    if wanted is not None:
        return None, (f"Le planificateur prépare l'année en cours ou la rentrée {following or 'suivante'} ; "
                      f"{wanted} n'est pas planifiable ici.")
    shown = raw[:20] + ("…" if len(raw) > 20 else "")
    return None, f"Année scolaire « {shown} » inconnue : voici le planificateur de l'année en cours."


def planner(request):
    """Start a run; recent runs; what blocks the planning of some records. ?annee= names the
    next school year: the proposal is for its rentrée (next year's students, continuity)."""
    _require(request)
    today = timezone.localdate()
    runs.end_stale(pole_id=request.scope.pole_id)
    rentree_year, year_error = _rentree_year(request)
    form = RunForm(posted(request), today=today)
    if rentree_year is not None:
        form.fields["start_date"].initial = max(rentree_year.start_date, today)
    if request.method == "POST" and form.is_valid():
        weights = Weights(**{name: form.cleaned_data[name] for name in services.WEIGHT_NAMES})
        try:
            run = services.run_start(scope=request.scope, user=request.user, start_date=form.cleaned_data["start_date"],
                                     weights=weights)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("planner:run", pk=run.pk)
    loaded = inputs.load(request.scope, form.initial.get("start_date") or form.fields["start_date"].initial)
    return render(request, "planner/start.html", {
        "form": form, "runs": PlannerRun.objects.visible_to(request.scope).select_related("created_by")[:8],
        "blockers": loaded.blockers, "students": sum(len(u.student_ids) for u in loaded.problem.units),
        "aesh_count": len(loaded.problem.aesh_pool), "rentree_year": rentree_year, "year_error": year_error,
        "kept": len(loaded.problem.previous),
    })


def run_detail(request, pk: int):
    run = _run(request, pk)
    if run.state != RunState.DONE:
        return render(request, "planner/progress.html", {"run": run})
    view = ProposalView.build(run, request.scope)
    journal(request, JournalAction.LIST, detail=f"planificateur : proposition {run.pk}")
    return render(request, "planner/proposal.html", {"run": run, "view": view})


def run_status(request, pk: int):
    run = _run(request, pk)
    return JsonResponse({"state": run.state, "label": run.get_state_display(), "progress": run.progress,
                         "step": run.step})


@require_POST
def run_cancel(request, pk: int):
    run = _run(request, pk)
    if run.is_active:
        services.run_cancel(run=run)
        messages.info(request, "Annulation demandée : le calcul s'arrête à sa prochaine étape.")
    return redirect("planner:run", pk=run.pk)


@require_POST
def run_accept(request, pk: int):
    run = _run(request, pk)
    if run.state != RunState.DONE:
        messages.error(request, "Cette proposition n'est pas prête.")
        return redirect("planner:run", pk=run.pk)
    if run.accepted_at:
        messages.error(request, "Cette proposition a déjà été appliquée : relancez un calcul pour en obtenir une "
                                "nouvelle.")
        return redirect("planner:run", pk=run.pk)
    if run.start_date < timezone.localdate():
        messages.error(request, f"Cette proposition commençait le {run.start_date:%d/%m/%Y}, date passée : "
                                "relancez un calcul.")
        return redirect("planner:run", pk=run.pk)
    add = [int(v) for v in request.POST.getlist("add") if v.isdigit()]
    drop = [int(v) for v in request.POST.getlist("drop") if v.isdigit()]
    if not add and not drop:
        messages.error(request, "Cochez au moins une ligne de la proposition.")
        return redirect("planner:run", pk=run.pk)
    try:
        done, failures = services.accept(run=run, scope=request.scope, user=request.user, add=add, drop=drop)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("planner:run", pk=run.pk)
    if done:
        messages.success(request, f"{done} ligne{'s' if done > 1 else ''} appliquée{'s' if done > 1 else ''} : "
                                  f"les créneaux prennent effet le {run.start_date:%d/%m/%Y} ; les AESH concerné·es "
                                  "sont prévenu·es.")
    for failure in failures[:20]:
        messages.error(request, failure)
    if len(failures) > 20:
        messages.error(request, f"… et {len(failures) - 20} autre(s) ligne(s) refusée(s).")
    return redirect(reverse("planner:run", args=[run.pk]) + "#accepted")


# --- Absences -----------------------------------------------------------------------------

def absences(request):
    _require(request)
    scope = request.scope
    today = timezone.localdate()
    initial = {k: request.GET[k] for k in ("aesh", "start_date", "end_date", "reason") if request.GET.get(k)}
    form = AbsenceForm(posted(request), scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        absence = form.save(commit=False)
        absence.created_by = request.user
        try:
            services.absence_save(absence=absence)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("planner:absence", pk=absence.pk)
    since = today - datetime.timedelta(days=14)
    declared = hours_selectors.declared_absences(Aesh.objects.visible_to(scope), since=since)
    return render(request, "planner/absences.html", {
        "form": form, "absences": Absence.objects.visible_to(scope).select_related("aesh")
        .filter(end_date__gte=today - datetime.timedelta(days=30))[:50], "declared": declared,
    })


def absence_detail(request, pk: int):
    _require(request)
    absence = get_object_or_404(Absence.objects.visible_to(request.scope).select_related("aesh"), pk=pk)
    days = inputs.absence_days(request.scope, absence, timezone.localdate())
    periods, seen, others = [], set(), []
    for day in days:
        loaded = inputs.load(request.scope, day)
        losses = replacement.losses(loaded.problem, absence.aesh_id,
                                    replacement.weekdays_between(day, absence.end_date))
        if periods:  # a later day: only what its new slots add
            losses = [loss for loss in losses if {p.key for p in loss.placements} - seen]
        seen |= {p.key for loss in losses for p in loss.placements}
        others = others or other_slots(loaded.problem, absence.aesh_id)
        if losses or not periods:
            periods.append({"day": day, "rows": lost_rows(losses, loaded.problem, request.scope)})
    journal(request, JournalAction.LIST, detail=f"remplacement de l'absence {absence.pk}")
    return render(request, "planner/absence.html", {"absence": absence, "periods": periods, "day": days[0],
                                                    "others": others,
                                                    "ended": absence.end_date < timezone.localdate()})


@require_POST
def absence_replace(request, pk: int):
    _require(request)
    scope = request.scope
    absence = get_object_or_404(Absence.objects.visible_to(scope), pk=pk)
    unit_id, candidate_id = request.POST.get("unit", ""), request.POST.get("candidate", "")
    if not (unit_id.isdigit() and candidate_id.isdigit()):
        messages.error(request, "Choisissez un·e remplaçant·e.")
        return redirect("planner:absence", pk=pk)
    days = inputs.absence_days(scope, absence, timezone.localdate())
    day = next((d for d in days if d.isoformat() == request.POST.get("day", days[0].isoformat())), None)
    if day is None:
        messages.error(request, "Ce remplacement n'est plus possible : la page a été actualisée.")
        return redirect("planner:absence", pk=pk)
    loaded = inputs.load(scope, day)
    lost = replacement.losses(loaded.problem, absence.aesh_id, replacement.weekdays_between(day, absence.end_date))
    loss = next((x for x in lost if x.unit_id == int(unit_id)), None)
    candidate = loss and next((c for c in loss.candidates if c.aesh_id == int(candidate_id)), None)
    if candidate is None:
        messages.error(request, "Ce remplacement n'est plus possible : la page a été actualisée.")
        return redirect("planner:absence", pk=pk)
    unit = next((u for u in loaded.problem.units if u.id == loss.unit_id), None)
    exclusive = unit.exclusive if unit else any(
        f.exclusive for f in loaded.problem.fixed if f.aesh_id == absence.aesh_id and loss.unit_id in f.student_ids)
    chosen = [p for p in loss.placements if p.course_id in candidate.course_ids]
    done, failures = services.replace_with(
        absence=absence, start=day, candidate_id=candidate.aesh_id,
        unit={"students": list(loss.student_ids), "exclusive": exclusive}, placements=chosen, user=request.user)
    if done:
        messages.success(request, f"{done} créneau(x) de remplacement proposé(s) du {day:%d/%m/%Y} au "
                                  f"{absence.end_date:%d/%m/%Y} ; l'AESH est prévenu·e.")
    for failure in failures:
        messages.error(request, failure)
    return redirect("planner:absence", pk=pk)



# --- Availability workbook (issue 24) ------------------------------------------------------

def availability(request):
    """Export the workbook (one tab per AESH of the pôle), or read it back: all tabs or none."""
    from django.http import HttpResponse

    from aesh.selectors import aesh_for_detail
    from planner import availability as workbook

    _require(request)
    people = list(aesh_for_detail(request.scope).filter(home_pole_id=request.scope.pole_id)
                  .order_by("last_name", "first_name", "pk"))
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(workbook.export(people), content_type="application/vnd.openxmlformats-officedocument"
                                                                       ".spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="disponibilites-aesh.xlsx"'
        return response
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith(".xlsx"):
            errors.append("Choisissez le classeur XLSX exporté par pial, complété.")
        elif upload.size > 5 * 1024 * 1024:
            errors.append("Le classeur dépasse 5 Mo.")
        else:
            try:
                reads = workbook.read(upload.read(), {a.pk: a for a in people})
            except workbook.WorkbookError as error:
                errors = error.errors
            else:
                count = workbook.save(reads)
                messages.success(request, f"Disponibilités de {len(reads)} AESH enregistrées : {count} demi-journée(s) "
                                          "d'indisponibilité.")
                return redirect("planner:availability")
    return render(request, "planner/availability.html", {"errors": errors, "count": len(people)})
