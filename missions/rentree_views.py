"""Pages of the rentrée: « Préparer la rentrée » per pôle, a student's projection, the switch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aesh.enums import ContractDecisionKind
from aesh.models import Contract, ContractDecision
from aesh.rentree import eligibility
from eleves.enums import JournalAction, LeaveReason, Level, TransferState
from eleves.journal import journal
from eleves.models import Student, Transfer
from eleves.rentree import project, projection_save, sector_map, transfer_answer
from missions import perms, rentree_secret
from missions.rentree import preparation
from missions.switch import plan_switch, secret_threshold, switch_apply
from pial.conf import setting
from pial.enums import Role
from pial.models import Departement, Pole, School, SchoolYear, YearSwitch
from pial.years import next_year, preparation_is_open, preparation_opens, previous_year, year_of


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _years(departement_id: int) -> tuple[SchoolYear, SchoolYear]:
    current = year_of(Departement.objects.get(pk=departement_id))
    following = next_year(current) if current else None
    if following is None:
        raise Http404("Aucune année scolaire suivante n'est définie.")
    return current, following


def _pole(request) -> Pole | None:
    """The scope's pôle; the gestionnaire and the national admin name one with ?pole=."""
    scope = request.scope
    poles = Pole.objects.visible_to(scope)
    if scope.pole_id:
        return poles.get(pk=scope.pole_id)
    raw = request.GET.get("pole") or request.POST.get("pole") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return get_object_or_404(poles, pk=int(raw))


def _url(pole: Pole, scope) -> str:
    url = reverse("missions:rentree")
    return url if scope.pole_id else f"{url}?pole={pole.pk}"


def prepare(request):
    """« Préparer la rentrée »: coordinators edit, pilots read, the gestionnaire sees figures and contracts."""
    scope = request.scope
    _require(perms.can_view_preparation(scope))
    pole = _pole(request)
    today = timezone.localdate()
    if pole is None:
        return render(request, "missions/rentree_choose.html", {
            "year": next_year() or "", "poles": Pole.objects.visible_to(scope).order_by("name"), "departements": None})
    current, year = _years(pole.departement_id)
    is_open = preparation_is_open(year, today) or SchoolYear.objects.filter(pk=year.pk, is_current=True).exists()
    context = {"pole": pole, "year": year, "current": current, "is_open": is_open, "opens": preparation_opens(year),
               "can_edit": perms.can_edit_preparation(scope), "can_decide": perms.can_decide_contracts(scope),
               "sees_students": scope.role != Role.GESTIONNAIRE, "can_switch": perms.can_switch_year(scope),
               "can_plan": perms.can_plan(scope),
               "base_url": _url(pole, scope), "today": today}
    if is_open:
        prep = preparation(pole, current, year, today)
        context["prep"] = prep
        if not context["sees_students"]:  # figures only, under the secret statistique (missions.rentree_secret)
            context["threshold"] = threshold = secret_threshold()
            context["hidden"] = rentree_secret.preparation_hidden(prep.summary, threshold)
        if context["sees_students"] and prep.students:
            journal(request, JournalAction.LIST,
                    detail=f"préparation de la rentrée {year} : {len(prep.students)} élèves")
    return render(request, "missions/rentree.html", context)


def student(request, pk: int):
    """One student's projection: level, school, or leaving. Coordinators edit, pilots read."""
    scope = request.scope
    _require(perms.can_view_preparation(scope) and scope.role != Role.GESTIONNAIRE)
    student = get_object_or_404(Student.objects.visible_to(scope).select_related("school", "school__pole"), pk=pk)
    _current, year = _years(student.school.departement_id)
    projection = student.projections.filter(year=year).select_related("school").first()
    level, options, school, leave = project(student, projection, sector_map([student.school_id]))
    schools = School.objects.filter(departement_id=student.school.departement_id).select_related("pole")
    errors = []
    if request.method == "POST":
        _require(perms.can_edit_preparation(scope))
        wanted_level = request.POST.get("level", "")
        wanted_school = request.POST.get("school", "")
        wanted_leave = request.POST.get("leave_reason", "")
        if wanted_level and wanted_level not in Level.values:
            errors.append("Niveau à la rentrée : choisissez un niveau de la liste.")
        if wanted_leave and wanted_leave not in LeaveReason.values:
            errors.append("Départ : choisissez un motif de la liste.")
        chosen = None
        if wanted_school:
            chosen = schools.filter(pk=int(wanted_school)).first() if wanted_school.isdigit() else None
            if chosen is None:
                errors.append("Établissement à la rentrée : choisissez un établissement du département.")
        if not errors:
            projection_save(student=student, year=year, level=wanted_level, school=chosen, leave_reason=wanted_leave,
                            user=request.user, role=scope.role)
            messages.success(request, f"Rentrée {year} : la projection de {student} est enregistrée.")
            return redirect(_url(student.school.pole, scope) + "#eleves")
        for error in errors:
            messages.error(request, error)
    journal(request, JournalAction.READ, student, f"préparation de la rentrée {year}")
    return render(request, "missions/rentree_student.html", {
        "student": student, "year": year, "level": level, "options": [(v, Level(v).label) for v in Level.values],
        "school": school, "leave_reason": leave, "schools": schools.order_by("name"), "leave_choices":
        LeaveReason.choices, "can_edit": perms.can_edit_preparation(scope), "edited": projection is not None,
        "suggested": [(v, Level(v).label) for v in options if v],
        "transfer": student.transfers.filter(year=year).select_related("to_pole").first()})


@require_POST
def transfer(request, pk: int):
    """The receiving coordination accepts or refuses a student coming from another pôle."""
    scope = request.scope
    _require(perms.can_edit_preparation(scope))
    transfers = Transfer.objects.exclude(state=TransferState.DONE).select_related("student", "from_pole", "to_pole")
    if not scope.is_national:
        transfers = transfers.filter(to_pole_id=scope.pole_id)
    item = get_object_or_404(transfers, pk=pk)
    answer = request.POST.get("answer")
    if answer not in ("accept", "refuse"):
        messages.error(request, "Choisissez Accepter ou Refuser.")
        return redirect(_url(item.to_pole, scope) + "#entrants")
    accept = answer == "accept"
    try:
        transfer_answer(transfer=item, accept=accept, user=request.user, role=scope.role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Transfert de {item.student} {'accepté' if accept else 'refusé'}.")
    return redirect(_url(item.to_pole, scope) + "#entrants")


@require_POST
def decision(request, pk: int):
    """The decision for a contract ending before or at the rentrée."""
    scope = request.scope
    _require(perms.can_decide_contracts(scope))
    contract = get_object_or_404(Contract.objects.visible_to(scope).select_related("aesh", "aesh__home_pole"), pk=pk)
    _current, year = _years(contract.aesh.home_pole.departement_id)
    value = request.POST.get("decision", "")
    cdi, _notice = eligibility(contract) if contract.end_date else (None, None)
    if value not in ContractDecisionKind.values:
        messages.error(request, "Décision : choisissez une décision de la liste.")
    elif cdi is not None and cdi.required and value == ContractDecisionKind.RENEW_CDD:
        messages.error(request, f"Décision : {cdi.reason}")
    else:
        ContractDecision.objects.update_or_create(contract=contract, year=year,
                                                  defaults={"decision": value, "decided_by": request.user})
        messages.success(request, f"Décision enregistrée pour {contract.aesh} : "
                                  f"{ContractDecisionKind(value).label}.")
    return redirect(_url(contract.aesh.home_pole, scope) + "#contrats")


CONFIRM_LABEL = "J'ai relu la simulation ci-dessus"


def switch(request):
    """« Basculer sur 2027-2028 »: the dry run (GET) and the switch (POST) of a département. By
    hand, not before the last day of the current year, and only with the dry run confirmed read
    (the automatic switch, missions.switch.auto_switch, runs on the rentrée date)."""
    scope = request.scope
    _require(perms.can_switch_year(scope))
    departements = Departement.objects.visible_to(scope)
    if scope.departement_id:
        departement = departements.get(pk=scope.departement_id)
    else:
        raw = request.GET.get("departement") or request.POST.get("departement") or ""
        if not raw.isdigit():
            return render(request, "missions/rentree_choose.html", {
                "year": next_year() or "", "poles": None, "departements": departements.order_by("code")})
        departement = get_object_or_404(departements, pk=int(raw))
    last = YearSwitch.objects.filter(departement=departement).select_related("year").order_by(
        "-year__start_date").first()
    if last is not None and next_year(last.year) is None:
        # Switched onto the last year defined: the switch is done (and a second one changes nothing).
        if request.method == "POST":
            messages.info(request, f"Le département est déjà basculé sur {last.year} : rien n'a changé.")
            return redirect(f"{reverse('missions:switch')}?departement={departement.pk}")
        return render(request, "missions/rentree_switch.html", {
            "departement": departement, "current": previous_year(last.year) or last.year, "year": last.year,
            "plan": None, "summary": {}})
    current, year = _years(departement.pk)
    too_early = timezone.localdate() < current.end_date
    if request.method == "POST":
        url = f"{reverse('missions:switch')}?departement={departement.pk}"
        if too_early:
            messages.error(request, f"La bascule sur {year} n'est possible qu'à partir du "
                                    f"{current.end_date:%d/%m/%Y}, dernier jour de l'année {current} : rien n'a "
                                    "changé.")
            return redirect(url)
        if request.POST.get("confirm") != "1":
            messages.error(request, f"Cochez « {CONFIRM_LABEL} » pour confirmer la bascule : rien n'a changé.")
            return redirect(url)
        plan = switch_apply(departement, current, year, request.user)
        if plan.done:
            messages.info(request, f"Le département est déjà basculé sur {year} : rien n'a changé.")
        else:
            messages.success(request, f"Bascule sur {year} effectuée.")
        return redirect(f"{reverse('missions:switch')}?departement={departement.pk}")
    plan = plan_switch(departement, current, year)
    threshold = secret_threshold()  # a département's reader: the secret statistique applies
    return render(request, "missions/rentree_switch.html", {
        "departement": departement, "current": current, "year": year, "plan": plan, "summary": plan.summary(),
        "hidden": dict.fromkeys(plan.hidden(threshold), True), "blockers": plan.shown_blockers(threshold),
        "auto_switch": setting("RENTREE_AUTO_SWITCH"), "too_early": too_early, "confirm_label": CONFIRM_LABEL})
