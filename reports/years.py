"""The rentrée of N beside the rentrée of N−1: the figures one month after each rentrée, read
from the reports themselves (the same cells, so the same secret statistique)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from pial.models import SchoolYear
from pial.scope import Scope
from pial.years import previous_year
from reports import charts
from reports.report import Cell, build, key_figures

COMPARED = ("Élèves en attente", "Taux de couverture", "AESH sous contrat", "ETP d'accompagnement")


@dataclass
class Comparison:
    year: SchoolYear
    previous: SchoolYear
    day: datetime.date
    previous_day: datetime.date
    rows: list[tuple[str, Cell, Cell]]
    chart: str


def after_rentree(year: SchoolYear) -> datetime.date:
    """One month after the rentrée: when coverage and waiting are compared year to year."""
    return min(year.start_date + relativedelta(months=1), year.end_date)


def _figures(scope: Scope, day: datetime.date, drill) -> dict[str, Cell]:
    return dict(key_figures(build(scope, day, drill, over_the_year=False)))  # the day's figures only


def compare(scope: Scope, year: SchoolYear | None, today: datetime.date, drill=None) -> Comparison | None:
    """N vs N−1 at one month after each rentrée; None before the first month of N or without N−1."""
    if year is None:
        return None
    previous = previous_year(year)
    day = after_rentree(year)
    if previous is None or day > today:
        return None
    previous_day = after_rentree(previous)
    now, before = _figures(scope, day, drill), _figures(scope, previous_day, drill)
    missing = Cell(text="—", value=None)
    rows = [(label, now.get(label, missing), before.get(label, missing)) for label in COMPARED]
    coverage = [(name, cell) for name, cell in ((previous.name, rows[1][2]), (year.name, rows[1][1]))]
    chart = charts.bars(
        "annees", f"Taux de couverture un mois après la rentrée, {previous.name} et {year.name}",
        " ; ".join(f"{name} : {cell.text}" for name, cell in coverage),
        [charts.Bar(name, None if cell.hidden or not isinstance(cell.value, int | float) else cell.value, cell.text)
         for name, cell in coverage])
    return Comparison(year=year, previous=previous, day=day, previous_day=previous_day, rows=rows, chart=chart)
