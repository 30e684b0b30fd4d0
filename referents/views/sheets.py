"""Welcome sheets (« livrets d'accueil »): read by the AESH of the school from their assignment's
start, written by the coordination or the référent·es, versioned, printable."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pial.forms import add_service_errors, posted
from referents import perms, selectors, services
from referents.access import access_of
from referents.forms import WelcomeSheetForm
from referents.models import WelcomeSheetRead
from referents.views.common import require


def _school(access, pk: int):
    school = selectors.sheet_schools(access).filter(pk=pk).first()
    if school is None:
        raise Http404
    return school


def sheet_list(request):
    """Coordination, pilots, référent·es: the pôle's schools; an AESH: their schools today."""
    access = access_of(request)
    require(perms.can_view_sheets(access.scope))
    return render(request, "referents/sheet_list.html", {
        "rows": selectors.sheets_with_reads(access), "can_edit": perms.can_edit_sheets(access)})


def sheet_detail(request, pk: int):
    """One school's sheet, printable. An AESH says they read it (a button: a GET writes nothing)."""
    access = access_of(request)
    require(perms.can_view_sheets(access.scope))
    school = _school(access, pk)
    sheet = getattr(school, "welcome_sheet", None)
    read = WelcomeSheetRead.objects.filter(sheet=sheet, aesh=access.aesh).first() if sheet and access.aesh else None
    return render(request, "referents/sheet_detail.html", {
        "school": school, "sheet": sheet, "can_edit": perms.can_edit_sheets(access),
        "ulis": list(school.ulis_units.all()), "read": read, "can_mark_read": access.aesh is not None,
    })


@require_POST
def sheet_mark_read(request, pk: int):
    """An AESH: « J'ai lu ce livret » (the newcomer's path shows it)."""
    access = access_of(request)
    require(perms.can_view_sheets(access.scope) and access.aesh is not None)
    school = _school(access, pk)
    sheet = getattr(school, "welcome_sheet", None)
    if sheet is None:
        raise Http404
    services.sheet_read(sheet=sheet, aesh=access.aesh)
    messages.success(request, "C'est noté : vous avez lu ce livret.")
    return redirect("referents:sheet", pk=school.pk)


def sheet_edit(request, pk: int):
    access = access_of(request)
    require(perms.can_view_sheets(access.scope) and perms.can_edit_sheets(access))
    school = _school(access, pk)
    sheet = getattr(school, "welcome_sheet", None)
    initial = {**(sheet.content if sheet else {}), "version": sheet.version if sheet else 0}
    if sheet is None and not initial.get("ulis"):
        initial["ulis"] = "\n".join(f"{u.name}" for u in school.ulis_units.all())
    form = WelcomeSheetForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.sheet_save(school=school, data=form.cleaned_data, user=request.user, author_label=access.label,
                                version=form.cleaned_data.get("version") or 0)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Livret enregistré : les AESH de l'établissement le lisent dès maintenant.")
            return redirect("referents:sheet", pk=school.pk)
    return render(request, "referents/form.html", {"form": form, "title": f"Livret d'accueil — {school.name}",
                                                   "back": ("referents:sheet", school.pk)})


def sheet_history(request, pk: int):
    """Who changed what, when: each version with the sections it changed."""
    access = access_of(request)
    require(perms.can_view_sheets(access.scope) and (perms.can_edit_sheets(access) or access.is_pilot))
    school = _school(access, pk)
    sheet = getattr(school, "welcome_sheet", None)
    return render(request, "referents/sheet_history.html", {
        "school": school, "sheet": sheet,
        "versions": list(selectors.versions_of(sheet).select_related("author")) if sheet else [],
    })
