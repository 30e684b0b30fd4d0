"""The AESH's wishes for next year: entered on their own page, read by their coordination only."""

from __future__ import annotations

from crispy_forms.layout import Layout
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from dsfr.forms import DsfrBaseForm

from aesh import perms
from aesh.models import Aesh, Wish
from pial.enums import Role
from pial.forms import CrispyDsfrMixin, posted
from pial.models import School
from pial.years import next_year, year_of


class WishForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    submit_label = "Enregistrer mes vœux"

    class Meta:
        model = Wish
        fields = ["schools", "sector", "same_students", "weekly_hours", "referent", "comment"]

    def __init__(self, *args, aesh: Aesh, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.filter(
            departement_id=aesh.home_pole.departement_id).order_by("name")
        self.fields["schools"].help_text = "Établissements du département (Ctrl pour en choisir plusieurs)."
        self.helper = self.build_helper(Layout(*self.fields))


def _year(aesh: Aesh):
    current = year_of(aesh.home_pole.departement)
    year = next_year(current) if current else None
    if year is None:
        raise Http404("Aucune année scolaire suivante n'est définie.")
    return year


def my_wishes(request):
    """An AESH enters their own wishes for next year."""
    scope = request.scope
    if scope.role != Role.AESH:
        raise PermissionDenied
    aesh = Aesh.objects.visible_to(scope).select_related("home_pole__departement").first()
    if aesh is None:
        return render(request, "aesh/my_record_missing.html")
    year = _year(aesh)
    wish = Wish.objects.filter(aesh=aesh, year=year).first() or Wish(aesh=aesh, year=year)
    form = WishForm(posted(request), instance=wish, aesh=aesh)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Vos vœux pour {year} sont enregistrés ; seule votre coordination les lit.")
        return redirect("aesh:my_wishes")
    return render(request, "aesh/wishes.html", {"form": form, "year": year, "aesh": aesh})


def wish_detail(request, pk: int):
    """The coordination (coordinators, pilots of the AESH's pôle) reads an AESH's wishes; another
    AESH or another pôle gets 404."""
    scope = request.scope
    if not (scope.is_national or scope.role in (Role.COORDINATOR, Role.PILOT, Role.AESH)):
        raise PermissionDenied
    if not perms.can_view_aesh_list(scope):
        raise Http404  # an AESH: only their own page, never a colleague's
    aesh = get_object_or_404(Aesh.objects.visible_to(scope).select_related("home_pole__departement"), pk=pk)
    year = _year(aesh)
    wish = get_object_or_404(Wish.objects.visible_to(scope).prefetch_related("schools"), aesh=aesh, year=year)
    return render(request, "aesh/wish_detail.html", {"wish": wish, "year": year, "aesh": aesh})
