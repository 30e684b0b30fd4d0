"""Pages about AESH: list, record, contracts, amendments, training, own page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from aesh import perms, selectors, services
from aesh.enums import AmendmentState
from aesh.forms import (
    AeshFilterForm,
    AeshForm,
    AmendmentAnswerForm,
    AmendmentForm,
    ContractForm,
    TrainingForm,
)
from aesh.models import Aesh, Amendment, Contract, MfaReset, Training
from pial.cells import dmy, esc
from pial.conf import setting
from pial.forms import add_service_errors, posted
from pial.links import pk_urls
from pial.rendering import filter_form
from pial.sqlmemo import MemoList, model_columns, scope_key
from pial.templatetags.pial_ui import hours


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# What a row of the list shows: the AESH's own columns, then the current terms.
_ROW_FIELDS = model_columns(Aesh, ["id", "first_name", "last_name", "training_due_date"])
_ROW_TERMS = ["contract_kind_now", "contract_end_now", "weekly_hours_now", "referent_now", "adaptation_hours"]


def _row_aesh(row: tuple) -> Aesh:
    """An AESH of the list (the columns above, others deferred) with its current terms."""
    aesh = Aesh.from_db("default", _ROW_FIELDS, row[:len(_ROW_FIELDS)])
    (aesh.contract_kind_now, aesh.contract_end_now, aesh.weekly_hours_now, aesh.referent_now,
     aesh.adaptation_hours) = row[len(_ROW_FIELDS):]
    return aesh


def aesh_list(request):
    """Coordinators, pilots, gestionnaires: the AESH of their territory."""
    scope = request.scope
    _require(perms.can_view_aesh_list(scope))
    form, filters = filter_form(AeshFilterForm, request.GET or None, scope)
    today = timezone.localdate()
    # The list's SQL is a function of these inputs: compiled once per process (pial.sqlmemo).
    required = setting("ADAPTATION_TRAINING_HOURS")
    rows = MemoList(
        ("aesh:list", scope_key(scope), filters, today, required),
        lambda: selectors.aesh_list(scope, filters, today).prefetch_related(None),
        [*_ROW_FIELDS, *_ROW_TERMS], _row_aesh,
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "aesh/aesh_list.html", {
        "form": form, "page_obj": page, "query": query.urlencode(),
        "rows": _aesh_rows(page, today, required),
        "can_edit": perms.can_edit_aesh(scope),
    })


def _school_names(aesh_ids: list[int]) -> dict[int, list[str]]:
    """{AESH id: names of their schools in School's order}: one query, as the prefetch it replaces
    (its statement compiled once per set of ids, pial.sqlmemo)."""
    names: dict[int, list[str]] = {}
    if aesh_ids:
        ids = tuple(aesh_ids)
        through = Aesh.schools.through.objects
        rows = MemoList(("aesh:list:schools", ids),
                        lambda: through.filter(aesh_id__in=ids).order_by("school__name", "school_id"),
                        ["aesh_id", "school__name"], tuple)[0:None]
        for aesh_id, name in rows:
            names.setdefault(aesh_id, []).append(name)
    return names


def _aesh_rows(page, today, required_hours) -> list[str]:
    """The rows of the AESH table, written here rather than by the template engine per cell
    (a tenth of the CPU): same markup, one reverse() for the page."""
    detail_url = pk_urls("aesh:detail")
    required = hours(required_hours)
    school_names = _school_names([aesh.pk for aesh in page])
    rows = []
    for aesh in page:
        schools = ", ".join(esc(name) for name in school_names.get(aesh.pk, ())) or "—"
        referent = (f'<p class="fr-badge fr-badge--sm fr-badge--purple-glycine">'
                    f'{floatformat(aesh.referent_now, "-2")} ETP</p>' if aesh.referent_now else "")
        if aesh.adaptation_hours >= required_hours:
            training = '<p class="fr-badge fr-badge--sm fr-badge--success">Terminée</p>'
        elif aesh.training_due_date and aesh.training_due_date < today:
            training = (f'<p class="fr-badge fr-badge--sm fr-badge--error">En retard · '
                        f"{esc(hours(aesh.adaptation_hours))}</p>")
        else:
            training = f"{esc(hours(aesh.adaptation_hours))} / {esc(required)}"
        rows.append(mark_safe(  # every value above is escaped
            f'<tr><td><a href="{esc(detail_url(aesh.pk))}">{esc(aesh)}</a></td><td>{schools}</td>'
            f"<td>{esc(aesh.contract_kind_now or 'aucun')}</td>"
            f"<td>{dmy(aesh.contract_end_now) or '—'}</td>"
            f"<td>{esc(hours(aesh.weekly_hours_now) or '—')}</td><td>{referent}</td><td>{training}</td></tr>"
        ))
    return rows


def _detail_context(aesh: Aesh, today) -> dict:
    current = selectors.contract_on(aesh, today)
    contracts = [
        {"contract": c, "figures": selectors.contract_figures(aesh, c, today),
         "amendments": [{"amendment": a, "state": a.effective_state(today)} for a in c.amendments.all()]}
        for c in aesh.contracts.all()
    ]
    return {
        "aesh": aesh, "today": today, "current": current,
        "current_figures": next((c["figures"] for c in contracts if c["contract"] == current), None),
        "contracts": contracts, "progress": selectors.training_progress(aesh, today),
        "trainings": list(aesh.trainings.all()), "school_weeks": setting("SCHOOL_WEEKS"),
    }


def aesh_detail(request, pk: int):
    """Coordinators, pilots, gestionnaires of the AESH's territory; the AESH themself."""
    scope = request.scope
    _require(perms.can_view_aesh_list(scope) or perms.can_view_own_record(scope))
    aesh = get_object_or_404(selectors.aesh_for_detail(scope), pk=pk)
    context = _detail_context(aesh, timezone.localdate())
    context["can_edit"] = perms.can_edit_aesh(scope)
    context["can_reset_mfa"] = perms.can_reset_aesh_mfa(scope) and aesh.user_id is not None
    return render(request, "aesh/aesh_detail.html", context)


def my_record(request):
    """An AESH: their contract summary, connexe-hours lump sum and training."""
    scope = request.scope
    _require(perms.can_view_own_record(scope))
    aesh = selectors.aesh_for_detail(scope).first()
    if aesh is None:
        return render(request, "aesh/my_record_missing.html")
    return render(request, "aesh/my_record.html", _detail_context(aesh, timezone.localdate()))


def _save_form(request, form, save, message: str) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(form)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, message)
    return True


def aesh_create(request):
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    form = AeshForm(posted(request), scope=scope)

    def save(form):
        form.instance = services.aesh_save(aesh=form.instance, schools=list(form.cleaned_data["schools"]))

    if _save_form(request, form, save, "AESH enregistré·e."):
        return redirect("aesh:detail", pk=form.instance.pk)
    return render(request, "aesh/form.html", {"form": form, "title": "Nouvel·le AESH"})


def aesh_update(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    aesh = get_object_or_404(Aesh.objects.visible_to(scope), pk=pk)
    form = AeshForm(posted(request), instance=aesh, scope=scope)

    def save(form):
        services.aesh_save(aesh=form.instance, schools=list(form.cleaned_data["schools"]))

    if _save_form(request, form, save, "Fiche mise à jour."):
        return redirect("aesh:detail", pk=aesh.pk)
    return render(request, "aesh/form.html", {"form": form, "title": f"Modifier {aesh}", "aesh": aesh})


def contract_create(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    aesh = get_object_or_404(Aesh.objects.visible_to(scope), pk=pk)
    form = ContractForm(posted(request), instance=Contract(aesh=aesh))

    def save(form):
        services.contract_save(contract=form.instance)

    if _save_form(request, form, save, "Contrat enregistré."):
        if form.quotite_note:
            messages.info(request, form.quotite_note)
        return redirect("aesh:detail", pk=aesh.pk)
    return render(request, "aesh/form.html", {"form": form, "title": f"Nouveau contrat — {aesh}", "aesh": aesh,
                                              "script": "pial/quotite.js"})


def contract_update(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    contract = get_object_or_404(Contract.objects.visible_to(scope).select_related("aesh"), pk=pk)
    form = ContractForm(posted(request), instance=contract)

    def save(form):
        services.contract_save(contract=form.instance)

    if _save_form(request, form, save, "Contrat mis à jour."):
        if form.quotite_note:
            messages.info(request, form.quotite_note)
        return redirect("aesh:detail", pk=contract.aesh_id)
    return render(request, "aesh/form.html",
                  {"form": form, "title": f"Modifier le contrat — {contract.aesh}", "aesh": contract.aesh,
                   "script": "pial/quotite.js"})


def amendment_create(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    contract = get_object_or_404(Contract.objects.visible_to(scope).select_related("aesh"), pk=pk)
    form = AmendmentForm(posted(request), instance=Amendment(contract=contract), scope=scope)

    def save(form):
        services.amendment_save(amendment=form.instance, schools=list(form.cleaned_data["schools"]))

    if _save_form(request, form, save, "Avenant enregistré : l'agent a un mois pour répondre."):
        return redirect("aesh:detail", pk=contract.aesh_id)
    return render(request, "aesh/form.html",
                  {"form": form, "title": f"Nouvel avenant — {contract.aesh}", "aesh": contract.aesh,
                   "intro": f"Contrat : {contract}."})


def amendment_update(request, pk: int):
    """Coordinators and gestionnaires: correct an avenant while the agent has not answered."""
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    amendment = get_object_or_404(
        Amendment.objects.filter(contract__in=Contract.objects.visible_to(scope)).select_related("contract__aesh"),
        pk=pk,
    )
    aesh = amendment.contract.aesh
    if amendment.state != AmendmentState.PROPOSED:
        messages.error(request, "Un avenant auquel l'agent a répondu ne se modifie plus : préparez-en un nouveau.")
        return redirect("aesh:detail", pk=aesh.pk)
    form = AmendmentForm(posted(request), instance=amendment, scope=scope,
                         initial={"schools": list(amendment.schools.all())})

    def save(form):
        services.amendment_save(amendment=form.instance, schools=list(form.cleaned_data["schools"]))

    if _save_form(request, form, save, "Avenant modifié."):
        return redirect("aesh:detail", pk=aesh.pk)
    return render(request, "aesh/form.html",
                  {"form": form, "title": f"Modifier l'avenant — {aesh}", "aesh": aesh,
                   "intro": f"Contrat : {amendment.contract}."})


def amendment_answer(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    amendment = get_object_or_404(
        Amendment.objects.filter(contract__in=Contract.objects.visible_to(scope)).select_related("contract__aesh"),
        pk=pk,
    )
    aesh = amendment.contract.aesh
    form = AmendmentAnswerForm(posted(request), initial={"answered_on": timezone.localdate()})

    def save(form):
        services.amendment_answer(amendment=amendment, accepted=form.cleaned_data["answer"] == "accept",
                                  on=form.cleaned_data["answered_on"])

    if _save_form(request, form, save, "Réponse de l'agent enregistrée."):
        return redirect("aesh:detail", pk=aesh.pk)
    return render(request, "aesh/form.html",
                  {"form": form, "title": f"Réponse à l'avenant — {aesh}", "aesh": aesh,
                   "intro": f"{amendment}. Délai de réponse : {amendment.answer_deadline:%d/%m/%Y}."})


def training_create(request, pk: int):
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    aesh = get_object_or_404(Aesh.objects.visible_to(scope), pk=pk)
    form = TrainingForm(posted(request), instance=Training(aesh=aesh))

    def save(form):
        services.training_add(training=form.instance)

    if _save_form(request, form, save, "Formation enregistrée."):
        return redirect("aesh:detail", pk=aesh.pk)
    return render(request, "aesh/form.html", {"form": form, "title": f"Formation suivie — {aesh}", "aesh": aesh})


@require_POST
def aesh_invite(request, pk: int):
    """Coordinators and gestionnaires: open the AESH's account from their record."""
    scope = request.scope
    _require(perms.can_edit_aesh(scope))
    aesh = get_object_or_404(Aesh.objects.visible_to(scope).select_related("home_pole"), pk=pk)
    try:
        services.aesh_invite(scope=scope, aesh=aesh)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Invitation envoyée à {aesh.email}.")
    return redirect(reverse("aesh:detail", args=[aesh.pk]))


@require_http_methods(["GET", "POST"])
def aesh_mfa_reset(request, pk: int):
    """The coordination of the AESH's pôle, when the AESH lost their device: GET explains and
    asks for confirmation, POST resets (aesh.services.aesh_mfa_reset)."""
    scope = request.scope
    _require(perms.can_reset_aesh_mfa(scope))
    aesh = get_object_or_404(
        Aesh.objects.visible_to(scope).filter(user__isnull=False).select_related("home_pole", "user"), pk=pk
    )
    if request.method == "POST":
        try:
            reset = services.aesh_mfa_reset(scope=scope, aesh=aesh)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if reset is None:
                messages.info(request, f"{aesh} n'a aucune double authentification enregistrée : "
                                       "il n'y a rien à réinitialiser.")
            else:
                messages.success(request, f"Double authentification de {aesh} réinitialisée ; "
                                          f"un e-mail l'en informe ({aesh.user.email}).")
        return redirect(reverse("aesh:detail", args=[aesh.pk]))
    resets = MfaReset.objects.visible_to(scope).filter(aesh=aesh).order_by("-at", "-pk")[:10]
    return render(request, "aesh/mfa_reset_confirm.html", {"aesh": aesh, "resets": resets})
