"""Newcomers: the path of each AESH who joined the pôle, with its checklist. A step ticked by
the path's référent is one line of their activity log, written once, by the step itself."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pial.forms import add_service_errors, posted
from referents import perms, selectors, services
from referents.access import access_of
from referents.enums import STEP_MINUTES, NewcomerStepKind
from referents.forms import PathReferentForm, StepForm
from referents.views.common import require


def newcomer_list(request):
    """Coordination and pilots: the pôle's paths and the newcomers without one; a référent: the
    newcomers assigned to them."""
    access = access_of(request)
    require(perms.can_view_newcomers(access))
    waiting = list(services.newcomers_without_path(access.today, access.pole_id)) \
        if perms.can_manage_paths(access) else []
    return render(request, "referents/newcomer_list.html", {
        "paths": list(selectors.paths(access)), "waiting": waiting, "steps": len(NewcomerStepKind.values),
        "can_manage": perms.can_manage_paths(access),
    })


@require_POST
def paths_open(request):
    """The coordination opens the paths of the newcomers the nightly task has not reached yet."""
    access = access_of(request)
    require(perms.can_manage_paths(access))
    opened = services.paths_open(today=access.today, pole_id=access.pole_id, user=request.user)
    messages.success(request, f"{len(opened)} parcours ouvert{'s' if len(opened) > 1 else ''}.")
    return redirect("referents:newcomers")


def my_path(request):
    """The newcomer: their own path."""
    access = access_of(request)
    require(access.aesh is not None)
    path = selectors.path_detail(access).filter(aesh=access.aesh).first()
    if path is None:
        return render(request, "referents/no_path.html")
    return redirect("referents:path", pk=path.pk)


def _path(access, pk: int):
    path = selectors.path_detail(access).filter(pk=pk).first()
    if path is None:
        raise Http404
    return path


def path_detail(request, pk: int):
    """The newcomer, their référent, the coordination and the pilots."""
    access = access_of(request)
    require(perms.can_open_hub(access.scope))
    path = _path(access, pk)
    done = {step.kind: step for step in path.steps.all()}
    is_referent = access.aesh is not None and path.referent_id == access.aesh.pk
    rows = []
    for kind in NewcomerStepKind:
        tickable = kind.value not in done and perms.can_tick_step(access, path, kind.value)
        rows.append({
            "kind": kind, "step": done.get(kind.value),
            "undo": kind.value in done and perms.can_undo_step(access, path),
            "form": StepForm(initial={"done_on": access.today, "minutes": STEP_MINUTES[kind.value]},
                             with_minutes=is_referent, prefix=kind.value.lower()) if tickable else None,
        })
    referent_form = PathReferentForm(initial={"referent": path.referent_id},
                                     referents=selectors.pole_aesh(path.aesh.home_pole_id).exclude(pk=path.aesh_id)) \
        if perms.can_manage_paths(access) else None
    return render(request, "referents/path_detail.html", {
        "path": path, "rows": rows, "is_referent": is_referent, "referent_form": referent_form,
        "sheets": selectors.newcomer_sheets(path, access),
        "own": access.aesh is not None and path.aesh_id == access.aesh.pk,
    })


@require_POST
def step_tick(request, pk: int, kind: str):
    access = access_of(request)
    require(perms.can_open_hub(access.scope))
    path = _path(access, pk)
    if kind not in NewcomerStepKind.values:
        raise Http404
    require(perms.can_tick_step(access, path, kind))
    is_referent = access.aesh is not None and path.referent_id == access.aesh.pk
    form = StepForm(posted(request), with_minutes=is_referent, prefix=kind.lower())
    if form.is_valid():
        try:
            services.step_done(path=path, kind=kind, user=request.user,
                               by_referent=access.aesh if is_referent else None, day=form.cleaned_data["done_on"],
                               minutes=form.cleaned_data.get("minutes"),
                               note=form.cleaned_data["note"], done_by_label=access.label)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Étape cochée" + (" ; elle figure dans votre journal de référent·e."
                                                         if is_referent else "."))
            return redirect("referents:path", pk=path.pk)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else NewcomerStepKind(kind).label
        messages.error(request, f"{label} : {' '.join(errors)}")
    return redirect("referents:path", pk=path.pk)


@require_POST
def step_untick(request, pk: int, kind: str):
    access = access_of(request)
    require(perms.can_open_hub(access.scope))
    path = _path(access, pk)
    if kind not in NewcomerStepKind.values:
        raise Http404
    require(perms.can_undo_step(access, path))
    services.step_undo(path=path, kind=kind)
    messages.success(request, "Étape décochée ; la ligne qu'elle avait écrite dans le journal est retirée.")
    return redirect("referents:path", pk=path.pk)


@require_POST
def path_referent(request, pk: int):
    access = access_of(request)
    require(perms.can_manage_paths(access))
    path = _path(access, pk)
    form = PathReferentForm(posted(request),
                            referents=selectors.pole_aesh(path.aesh.home_pole_id).exclude(pk=path.aesh_id))
    if form.is_valid():
        try:
            services.path_referent_set(path=path, referent=form.cleaned_data["referent"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Référent·e désigné·e.")
    else:
        messages.error(request, "Choisissez un·e AESH du pôle.")
    return redirect("referents:path", pk=path.pk)
