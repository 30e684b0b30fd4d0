"""Training needs per theme, under the secret statistique: for the pôle (coordination, pilots,
its référent·es) and for the département (the DSDEN), never a name. A count of 1 or 2 AESH shows
« < 3 » (setting), and where a total would give it back by subtraction a second cell is hidden
(pial.privacy)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from aesh.models import Aesh, TrainingNeed, TrainingNeedsWindow, TrainingTheme
from eleves.enums import JournalAction
from eleves.journal import journal
from missions.services import referent_quotite_on
from pial import privacy
from pial.enums import Role
from pial.models import Pole, SchoolYear
from pial.scope import Scope
from reports.report import HIDDEN_LABEL, setting_threshold

OTHER, RESPONDENTS = "other", "respondents"
HIDDEN = HIDDEN_LABEL  # one label for every hidden cell: it never says why


@dataclass(frozen=True)
class Cell:
    text: str
    hidden: bool = False


@dataclass
class NeedsTable:
    columns: list[str]          # pôle names, then « Total » when there are several
    rows: list[tuple[str, list[Cell]]]
    free_texts: list[str]
    threshold: int


def counts(pole_ids: list[int], year) -> tuple[dict, dict, dict]:
    """(theme, pôle) → AESH asking for it; pôle → AESH who answered; pôle → AESH with own words.
    Two aggregate queries, whatever the number of answers."""
    needs = TrainingNeed.objects.filter(window__pole_id__in=pole_ids, window__school_year=year)
    by_theme = {(row["themes"], row["window__pole_id"]): row["n"] for row in
                needs.filter(themes__isnull=False).values("themes", "window__pole_id")
                .annotate(n=Count("aesh", distinct=True)).order_by()}
    answered = {row["window__pole_id"]: (row["n"], row["o"]) for row in
                needs.values("window__pole_id").annotate(n=Count("pk"), o=Count("pk", filter=~Q(other=""))).order_by()}
    return by_theme, {p: n for p, (n, _) in answered.items()}, {p: o for p, (_, o) in answered.items()}


def build(themes: list[TrainingTheme], poles: list[Pole], year, threshold: int, with_texts: bool) -> NeedsTable:
    by_theme, answered, with_words = counts([p.pk for p in poles], year)
    keys = [t.pk for t in themes] + [OTHER, RESPONDENTS]
    values: dict = {}
    for key in keys:
        for pole in poles:
            if key == RESPONDENTS:
                values[(key, pole.pk)] = answered.get(pole.pk, 0)
            elif key == OTHER:
                values[(key, pole.pk)] = with_words.get(pole.pk, 0)
            else:
                values[(key, pole.pk)] = by_theme.get((key, pole.pk), 0)
        values[(key, "total")] = sum(values[(key, p.pk)] for p in poles)
    rows = [privacy.equal((key, "total"), [(key, p.pk) for p in poles]) for key in keys] if len(poles) > 1 else []
    # An AESH asking for a theme has answered: no theme counts more than the pôle's respondents.
    columns_known = [p.pk for p in poles] + (["total"] if len(poles) > 1 else [])
    rows += [privacy.at_most((key, column), (RESPONDENTS, column)) for key in keys if key != RESPONDENTS
             for column in columns_known]
    hidden = privacy.protect(privacy.Problem(
        values=values, published=set(values), counts=set(values), rows=rows, threshold=threshold,
        primary={k for k, v in values.items() if 0 < v < threshold},
        cost={k: (v + 1) * (1000 if k[1] == "total" else 1) for k, v in values.items()})).hidden
    columns = [p.pk for p in poles] + (["total"] if len(poles) > 1 else [])
    labels = {t.pk: t.name for t in themes} | {OTHER: "Autre besoin, en ses propres mots",
                                                 RESPONDENTS: "AESH ayant répondu"}

    def shown(key, column) -> Cell:
        value = values[(key, column)]
        if (key, column) in hidden:
            return Cell(HIDDEN, hidden=True)
        return Cell(str(value))

    rows = [(labels[key], [shown(key, c) for c in columns]) for key in keys]
    texts = []
    if with_texts and len(poles) == 1 and answered.get(poles[0].pk, 0) >= threshold:
        texts = sorted(set(TrainingNeed.objects.filter(window__pole=poles[0], window__school_year=year)
                           .exclude(other="").values_list("other", flat=True)), key=str.lower)
    return NeedsTable(columns=[p.name for p in poles] + (["Total"] if len(poles) > 1 else []), rows=rows,
                      free_texts=texts, threshold=threshold)


def _is_referent(scope: Scope) -> bool:
    aesh = Aesh.objects.visible_to(scope).first()
    return bool(aesh and referent_quotite_on(aesh, timezone.localdate()))


def training_needs(request):
    """The coordination and pilots (their pôle), the pôle's référent·es, the DSDEN (its département):
    how many AESH ask for each theme."""
    scope = request.scope
    if scope.role in (Role.COORDINATOR, Role.PILOT) or (scope.role == Role.AESH and _is_referent(scope)):
        poles = list(Pole.objects.filter(pk=scope.pole_id))
        departement_id = poles[0].departement_id
    elif scope.role == Role.GESTIONNAIRE:
        poles = list(Pole.objects.filter(departement_id=scope.departement_id).order_by("name"))
        departement_id = scope.departement_id
    else:
        raise PermissionDenied
    year = SchoolYear.objects.current()
    themes = list(TrainingTheme.objects.filter(departement_id=departement_id).order_by("position", "name"))
    windows = list(TrainingNeedsWindow.objects.filter(pole__in=poles, school_year=year).select_related("pole"))
    table = build(themes, poles, year, setting_threshold(), with_texts=scope.role in (Role.COORDINATOR,
                                                                                      Role.AESH))
    journal(request, JournalAction.LIST, detail="besoins de formation des AESH par thème (chiffres agrégés)")
    return render(request, "reports/training_needs.html", {"table": table, "year": year, "windows": windows,
                                                            "level": "departement" if len(poles) > 1 else "pole"})
