"""Training needs: the coordination opens the year's window, each AESH says which themes they
want (from the DSDEN's list, plus their own words). Counts per theme are read in reports
(under the secret statistique); no page lists who asked for what."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from aesh.models import Aesh, TrainingNeed, TrainingNeedsWindow, TrainingTheme
from pial.enums import Role
from pial.forms import CrispyDsfrMixin, add_service_errors, posted
from pial.models import SchoolYear
from pial.scope import Scope

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Who -------------------------------------------------------------------------------------

def can_open_window(scope: Scope) -> bool:
    """The pôle's coordination opens (and moves) the year's window."""
    return scope.role == Role.COORDINATOR


def can_view_window(scope: Scope) -> bool:
    return scope.role in (Role.COORDINATOR, Role.PILOT)


def can_express_needs(scope: Scope) -> bool:
    return scope.role == Role.AESH


# --- Writes ----------------------------------------------------------------------------------

@transaction.atomic
def window_save(*, pole, school_year: SchoolYear, opens_on: datetime.date, closes_on: datetime.date,
                user) -> TrainingNeedsWindow:
    window = (TrainingNeedsWindow.objects.select_for_update().filter(pole=pole, school_year=school_year).first()
              or TrainingNeedsWindow(pole=pole, school_year=school_year, opened_by=user))
    window.opens_on, window.closes_on = opens_on, closes_on
    window.full_clean()
    window.save()
    return window


@transaction.atomic
def need_save(*, aesh: Aesh, window: TrainingNeedsWindow, themes: list[TrainingTheme], other: str,
              today: datetime.date) -> TrainingNeed:
    if window.pole_id != aesh.home_pole_id:
        raise ValidationError("Ce recueil n'est pas celui de votre pôle.")
    if not window.is_open(today):
        raise ValidationError(f"Le recueil est fermé (ouvert du {window.opens_on:%d/%m/%Y} au "
                              f"{window.closes_on:%d/%m/%Y}).")
    foreign = [t.name for t in themes if t.departement_id != window.pole.departement_id or not t.is_active]
    if foreign:
        raise ValidationError({"themes": "Choisissez des thèmes de la liste proposée."})
    other = " ".join((other or "").split())[:300]
    if not themes and not other:
        raise ValidationError({"themes": "Choisissez au moins un thème, ou décrivez votre besoin."})
    need, _ = TrainingNeed.objects.select_for_update().get_or_create(window=window, aesh=aesh)
    need.other = other
    need.full_clean()
    need.save()
    need.themes.set(themes)
    return need


# --- Forms -----------------------------------------------------------------------------------

class WindowForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Enregistrer les dates"
    opens_on = forms.DateField(label="Ouverture", widget=DATE)
    closes_on = forms.DateField(label="Clôture", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()


class NeedForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Enregistrer mes besoins"
    themes = forms.ModelMultipleChoiceField(label="Thèmes qui m'intéressent", queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    other = forms.CharField(label="Autre besoin, en quelques mots", max_length=300, required=False,
                            help_text="Sans nom d'élève ni information de santé.")

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = themes
        self.helper = self.build_helper()


# --- Pages -----------------------------------------------------------------------------------

def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def window_page(request):
    """The coordination (pilots read): the year's window, its dates, how many answered."""
    scope = request.scope
    _require(can_view_window(scope))
    year = SchoolYear.objects.current()
    window = TrainingNeedsWindow.objects.visible_to(scope).filter(school_year=year).first() if year else None
    editable = can_open_window(scope) and year is not None
    initial = {"opens_on": window.opens_on, "closes_on": window.closes_on} if window else {
        "opens_on": timezone.localdate(), "closes_on": timezone.localdate() + datetime.timedelta(days=21)}
    form = WindowForm(posted(request) if editable else None, initial=initial) if editable else None
    if form and request.method == "POST" and form.is_valid():
        try:
            window = window_save(pole=scope.membership.pole, school_year=year, user=request.user,
                                 opens_on=form.cleaned_data["opens_on"], closes_on=form.cleaned_data["closes_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recueil des besoins de formation ouvert du {window.opens_on:%d/%m/%Y} au "
                                      f"{window.closes_on:%d/%m/%Y}.")
            return redirect("aesh:training_window")
    return render(request, "aesh/training_window.html", {
        "year": year, "window": window, "form": form, "today": timezone.localdate(),
        "answers": window.needs.count() if window else 0,
        "themes": TrainingTheme.objects.visible_to(scope).filter(is_active=True),
    })


def my_needs(request):
    """An AESH: the themes they want training on, while the pôle's window is open."""
    scope = request.scope
    _require(can_express_needs(scope))
    aesh = Aesh.objects.visible_to(scope).select_related("home_pole").first()
    if aesh is None:
        return render(request, "aesh/my_record_missing.html")
    today = timezone.localdate()
    year = SchoolYear.objects.current()
    window = (TrainingNeedsWindow.objects.filter(pole_id=aesh.home_pole_id, school_year=year)
              .select_related("pole").first() if year else None)
    need = TrainingNeed.objects.visible_to(scope).filter(window=window).prefetch_related("themes").first() \
        if window else None
    themes = TrainingTheme.objects.filter(departement_id=aesh.home_pole.departement_id, is_active=True)
    form = None
    if window and window.is_open(today):
        initial = {"themes": list(need.themes.all()), "other": need.other} if need else {}
        form = NeedForm(posted(request), themes=themes, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                need_save(aesh=aesh, window=window, themes=list(form.cleaned_data["themes"]),
                          other=form.cleaned_data["other"], today=today)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Vos besoins de formation sont enregistrés ; vous pouvez les modifier "
                                          f"jusqu'au {window.closes_on:%d/%m/%Y}.")
                return redirect("aesh:my_training_needs")
    elif request.method == "POST":
        messages.error(request, "Le recueil des besoins de formation n'est pas ouvert : rien n'a été enregistré.")
    return render(request, "aesh/my_training_needs.html", {"window": window, "need": need, "form": form,
                                                           "today": today})
