"""A report as tables of cells: the page, the charts and every export read these same
cells, so their numbers are equal by construction. Confidentiality is applied here,
once (reports.privacy)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from pial.conf import setting
from pial.models import Circonscription, Departement, Pole, School
from pial.scope import Scope
from reports import perms, privacy, recourses, selectors

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # count (secret statistique), hours, percent, days, etp, number
    protected_by: str | None = None  # hidden whenever this count of the row is hidden


@dataclass(frozen=True)
class Cell:
    text: str
    value: object  # what a spreadsheet holds: a number, or the text when hidden
    hidden: bool = False


@dataclass
class Row:
    label: str
    values: dict
    hidden: set = field(default_factory=set)
    is_total: bool = False
    key: object = None  # the territory's id, for a link to its own report


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None
    grouping: str = ""

    @property
    def drillable(self) -> bool:
        return self.grouping in ("pole", "circonscription", "departement")

    def cells(self, row: Row) -> list[Cell]:
        return [cell(row, column) for column in self.columns]

    @property
    def all_rows(self) -> list[Row]:
        return self.rows + ([self.total] if self.total else [])

    @property
    def lines(self) -> list[tuple[Row, list[Cell]]]:
        return [(row, self.cells(row)) for row in self.all_rows]

    @property
    def total_cells(self) -> list[Cell]:
        return self.cells(self.total) if self.total else []


PUPIL_COLUMNS = [
    Column("pupils", "Élèves notifié·es", "count"),
    Column("individuelle", "dont aide individuelle", "count"),
    Column("mutualisee", "dont aide mutualisée", "count"),
    Column("ulis", "dont en ULIS", "count"),
    Column("notified_minutes", "Heures notifiées / semaine", "hours", "individuelle"),
    Column("placed_minutes", "Heures placées / semaine", "hours", "individuelle"),
    Column("coverage", "Couverture", "percent", "individuelle"),
    Column("waiting", "En attente", "count"),
    Column("waiting_none", "dont sans AESH", "count"),
    Column("waiting_partial", "dont partielle", "count"),
    Column("waiting_median_days", "Attente médiane", "days", "waiting"),
    Column("waiting_longest_days", "Attente la plus longue", "days", "waiting"),
]
AESH_COLUMNS = [
    Column("headcount", "AESH sous contrat", "number"),
    Column("etp", "ETP d'accompagnement", "etp"),
    Column("referents", "Référent·es", "number"),
    Column("referent_etp", "ETP de référent", "etp"),
    Column("available_minutes", "Heures / semaine des contrats", "hours"),
    Column("placed_minutes", "Heures / semaine placées", "hours"),
    Column("placed_etp", "ETP placés", "etp"),
    Column("ending", "Contrats finissant sous 3 mois", "number"),
    Column("training_on_track", "60 h : dans les temps", "number"),
    Column("training_late", "60 h : en retard", "number"),
    Column("connexe_minutes", "Heures connexes déclarées (année)", "hours"),
]
ADDITIVE = (("pupils", ("individuelle", "mutualisee")), ("waiting", ("waiting_none", "waiting_partial")))


def cell(row: Row, column: Column) -> Cell:
    value = row.values.get(column.key)
    if column.key in row.hidden:
        # « < 3 » where the count is small; « secret » where it is hidden to protect another.
        threshold = setting_threshold()
        small = column.kind == "count" and value is not None and 0 < value < threshold
        text = f"< {threshold}" if small else "secret"
        return Cell(text=text, value=text, hidden=True)
    if value is None:
        return Cell(text="—", value=None)
    if column.kind in ("count", "number"):
        return Cell(text=f"{int(value):,}".replace(",", "\u202f"), value=int(value))
    if column.kind == "hours":
        hours = (Decimal(value) / 60).quantize(Decimal("0.1"))
        text = f"{hours:,.0f}" if hours == hours.to_integral_value() else f"{hours:,.1f}"
        return Cell(text=text.replace(",", "\u202f").replace(".", ",") + " h", value=float(hours))
    if column.kind == "percent":
        return Cell(text=f"{value} %", value=value)
    if column.kind == "days":
        return Cell(text=f"{value} j", value=value)
    return Cell(text=f"{Decimal(value):.2f}".replace(".", ","), value=float(round(Decimal(value), 2)))


def setting_threshold() -> int:
    return int(setting("REPORT_SMALL_CELL_THRESHOLD"))


# --- Confidentiality --------------------------------------------------------------------------------

def protect_pupils(rows: list[Row], total: Row, threshold: int) -> None:
    """Hides small counts and what would reveal them, in place. Hours, coverage and waiting
    durations go with a count that is itself small (a pupil or two); a count hidden only
    to protect another keeps its derived figures, which identify nobody."""
    everything = [*rows, total]
    values = {(i, c.key): r.values.get(c.key) for i, r in enumerate(everything) for c in PUPIL_COLUMNS
              if c.kind in ("count", "hours")}
    relations = [privacy.Relation((i, whole), tuple((i, p) for p in parts))
                 for i in range(len(everything)) for whole, parts in ADDITIVE]
    last = len(everything) - 1
    relations += [privacy.Relation((last, c.key), tuple((i, c.key) for i in range(last)))
                  for c in PUPIL_COLUMNS if c.kind in ("count", "hours")]
    small = privacy.primary({k: v for k, v in values.items() if k[1] in _count_keys()}, threshold)
    derived = {(i, c.key) for i in range(len(everything)) for c in PUPIL_COLUMNS
               if c.protected_by and (i, c.protected_by) in small}
    hidden = privacy.complementary(values, small | derived, relations)
    for i, row in enumerate(everything):
        row.hidden = {key for (index, key) in hidden if index == i}


def _count_keys() -> set[str]:
    return {c.key for c in PUPIL_COLUMNS if c.kind == "count"}


# --- Assembly ---------------------------------------------------------------------------------------

@dataclass
class Report:
    level: str
    title: str
    territory: str
    period: selectors.Period
    threshold: int
    pupil_tables: list[Table]
    aesh_table: Table
    evolution: list[dict]
    recourse_table: Table | None = None  # reports.recourses: a suppressed count, nothing else

    @property
    def main(self) -> Table:
        return self.pupil_tables[0]

    @property
    def day_label(self) -> str:
        day = self.period.day
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


LEVEL_TABLES = {
    # level: [(title, pupil grouping)], AESH grouping
    "pole": ([("Par établissement", "school")], None),
    "circonscription": ([("Par pôle", "pole"), ("Par établissement", "school")], "pole"),
    "departement": ([("Par circonscription", "circonscription")], "circonscription"),
    "national": ([("Par département", "departement")], "departement"),
}
LABEL_MODELS = {"pole": Pole, "school": School, "circonscription": Circonscription, "departement": Departement}
NO_GROUP = {"pole": "Sans pôle", "school": "—", "circonscription": "Sans circonscription", "departement": "—"}


def _coverage(values: dict) -> int | None:
    notified = values.get("notified_minutes") or 0
    return int(100 * (values.get("placed_minutes") or 0) / notified) if notified else None


def _labels(model, scope: Scope, ids) -> dict:
    queryset = model.objects.visible_to(scope) if model is not Departement or not scope.is_national \
        else model.objects.all()
    return {obj.pk: getattr(obj, "name", str(obj)) for obj in queryset.filter(pk__in=[i for i in ids if i])}


def _pupil_table(scope: Scope, title: str, grouping: str, found: dict, total: dict, threshold: int) -> Table:
    labels = _labels(LABEL_MODELS[grouping], scope, found)
    rows = [Row(label=labels.get(key, NO_GROUP[grouping]), values={**values, "coverage": _coverage(values)},
                key=key if key in labels else None) for key, values in found.items()]
    rows.sort(key=lambda r: r.label)
    total_row = Row(label="Total", values={**total, "coverage": _coverage(total)}, is_total=True)
    protect_pupils(rows, total_row, threshold)
    return Table(key=f"eleves-{grouping}", title=f"Élèves — {title.lower()}", columns=PUPIL_COLUMNS, rows=rows,
                 total=total_row, grouping=grouping)


def _aesh_values(values: dict, connexe: int) -> dict:
    etp = Decimal(values["quotite_sum"] or 0) / 100
    available = Decimal(values["available_minutes"] or 0)
    placed = Decimal(values["placed_minutes"] or 0)
    return {**values, "etp": etp, "connexe_minutes": connexe or 0,
            "placed_etp": (etp * placed / available) if available else Decimal(0)}


def _aesh_table(scope: Scope, period, grouping: str | None) -> Table:
    """AESH by group, and their total: every AESH figure adds up, so the total of a grouped
    table is the sum of its rows (no second query)."""
    rows = []
    poles = selectors.pole_ids(scope)
    if grouping:
        group = selectors.GROUPINGS[grouping][1]
        found = selectors.aesh_rows(scope, period, group, poles)
        connexe = selectors.connexe_minutes(scope, period, group, poles)
        labels = _labels(LABEL_MODELS[grouping], scope, found)
        rows = sorted((Row(label=labels.get(key, NO_GROUP[grouping]), values=_aesh_values(values, connexe.get(key)),
                           key=key if key in labels else None) for key, values in found.items()),
                      key=lambda r: r.label)
        summed = {key: sum((values[key] for values in found.values()), start=type(zero)(0))
                  for key, zero in selectors.aesh_total_zero().items()}
        total_row = Row(label="Total", values=_aesh_values(summed, sum(v or 0 for v in connexe.values())),
                        is_total=True)
    else:
        total_row = Row(label="Total", values=_aesh_values(selectors.aesh_total(scope, period, poles),
                                                           selectors.connexe_minutes(scope, period, None, poles)[None]),
                        is_total=True)
    return Table(key="aesh", title="AESH", columns=AESH_COLUMNS, rows=rows, total=total_row,
                 grouping=grouping or "")


RECOURSE_COLUMN = Column("recourses", "Sollicitations de l'IEN depuis la rentrée", "number")


def recourse_table(scope: Scope, level: str, period, threshold: int) -> Table | None:
    """The recourses as a count per territory and its total; small counts hidden, and a second cell
    where the total would give one back. A « number » column: every hidden cell reads the same."""
    found = recourses.counts(scope, level, period)
    if found is None:
        return None
    names, numbers = found
    keys = sorted(names, key=lambda k: names[k])
    values = {**numbers, "total": sum(numbers.values())}
    hidden = privacy.protect(values, [privacy.Relation("total", tuple(keys))] if len(keys) > 1 else [], threshold)
    rows = [Row(label=names[key], values={"recourses": values[key]}, hidden={"recourses"} if key in hidden else set())
            for key in keys]
    total = Row(label="Total", values={"recourses": values["total"]}, is_total=True,
                hidden={"recourses"} if "total" in hidden else set())
    return Table(key="sollicitations", title="Sollicitations de l'IEN par les AESH", columns=[RECOURSE_COLUMN],
                 rows=rows, total=total if len(keys) > 1 else None)


def territory_of(scope: Scope) -> tuple[str, str]:
    level = "national" if scope.is_national else perms.report_level(scope)
    titles = {"pole": "Tableau de bord du pôle", "circonscription": "Rapport de circonscription",
              "departement": "Rapport départemental", "national": "Rapport national"}
    return level, titles[level]


def build(scope: Scope, day: datetime.date) -> Report:
    level, title = territory_of(scope)
    period = selectors.Period.around(day)
    threshold = setting_threshold()
    groupings, aesh_grouping = LEVEL_TABLES[level]
    by_group, total = selectors.pupil_figures(scope, period, [selectors.GROUPINGS[g][0] for _, g in groupings])
    tables = [_pupil_table(scope, title_, grouping, found, dict(total), threshold)
              for (title_, grouping), found in zip(groupings, by_group, strict=True)]
    evolution = selectors.evolution(scope, period)
    for point in evolution:
        point["coverage"] = _coverage(point)
        point["waiting_hidden"] = 0 < (point["waiting"] or 0) < threshold
        point["pupils_hidden"] = 0 < (point["pupils"] or 0) < threshold
    return Report(level=level, title=title, territory=scope.territory_label or "France entière", period=period,
                  threshold=threshold, pupil_tables=tables, aesh_table=_aesh_table(scope, period, aesh_grouping),
                  evolution=evolution, recourse_table=recourse_table(scope, level, period, threshold))


@dataclass(frozen=True)
class ChartData:
    coverage: list[tuple[str, int | None, str]]            # label, percent (None: secret), text
    etp: list[tuple[str, float, float]]                    # label, available, placed
    waiting: list[tuple[datetime.date, int | None]]        # week, waiting pupils (None: secret)
    coverage_summary: str
    etp_summary: str
    waiting_summary: str


def chart_data(report: Report) -> ChartData:
    """What the three charts show, read from the report's cells (secrets stay secret)."""
    table = report.main
    coverage_column = next(c for c in table.columns if c.key == "coverage")
    coverage = []
    for row in table.rows:
        shown = cell(row, coverage_column)
        coverage.append((row.label, None if shown.hidden or shown.value is None else shown.value, shown.text))
    total = cell(table.total, coverage_column)
    etp_rows = report.aesh_table.rows or [report.aesh_table.total]
    etp = [(r.label if not r.is_total else report.territory, float(r.values["etp"]), float(r.values["placed_etp"]))
           for r in etp_rows]
    waiting = [(p["week_start"], None if p["waiting_hidden"] else p["waiting"]) for p in report.evolution]
    last = next((v for _, v in reversed(waiting) if v is not None), None)
    return ChartData(
        coverage=coverage,
        etp=etp,
        waiting=waiting,
        coverage_summary=f"Couverture des heures notifiées : {total.text} pour l'ensemble ; "
                         + "; ".join(f"{label} : {text}" for label, _, text in coverage[:30]) + ".",
        etp_summary="; ".join(f"{label} : {a:.1f} ETP disponibles, {b:.1f} placés".replace(".", ",")
                              for label, a, b in etp[:30]) + ".",
        waiting_summary=(f"{len(waiting)} semaines depuis la rentrée ; dernière valeur : {last} élèves en attente."
                         if waiting else "Pas encore de chiffres hebdomadaires pour cette année."),
    )
