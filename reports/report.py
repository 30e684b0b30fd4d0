"""A report as tables of cells: the page, the charts and every export read these same
cells, so their numbers are equal by construction. Which cells are published is decided
once per reader and day, over the reader's whole territory (reports.tree)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache

from pial import durations, privacy
from pial.conf import setting
from pial.scope import Scope
from reports import aesh_secret, perms, recourses, selectors, tree
from reports.tree import Node

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
HIDDEN_LABEL = "secret"  # one label for every cell not published, whatever the reason


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # count, hours, percent, days, etp, number


@dataclass(frozen=True)
class Cell:
    text: str
    value: object  # what a spreadsheet holds: a number, or the text when hidden
    hidden: bool = False


@dataclass
class Row:
    """A row of a table: a territory of the tree, or a row of the AESH table."""

    label: str
    values: dict
    hidden: set = field(default_factory=set)
    is_total: bool = False
    key: object = None       # the territory's id, for a link to its own report
    param: str = ""          # the query parameter that opens it
    node: Node | None = None

    def is_hidden(self, key: str) -> bool:
        return self.node.is_hidden(key) if self.node is not None else key in self.hidden


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None
    grouping: str = ""
    first_header: str = "Territoire"

    def cells(self, row: Row) -> list[Cell]:
        return [cell(row, column) for column in self.columns]

    @property
    def all_rows(self) -> list[Row]:
        return self.rows + ([self.total] if self.total else [])

    @property
    def lines(self) -> list[tuple[Row, list[Cell]]]:
        return [(row, self.cells(row)) for row in self.all_rows]

    @property
    def labelled_lines(self) -> list[tuple[Row, list[tuple[str, Cell]]]]:
        """Each row's cells with their column's name (a phone shows them as a card)."""
        return [(row, list(zip((c.label for c in self.columns), self.cells(row), strict=True)))
                for row in self.all_rows]

    @property
    def total_cells(self) -> list[Cell]:
        return self.cells(self.total) if self.total else []


# The waiting figures first: they are what the readers come for.
TERRITORY_COLUMNS = [
    Column("waiting", "En attente", "count"),
    Column("waiting_none", "dont sans AESH", "count"),
    Column("waiting_partial", "dont couverture partielle", "count"),
    Column("waiting_median_days", "Attente médiane", "days"),
    Column("waiting_longest_days", "Attente la plus longue", "days"),
    Column("students", "Élèves notifié·es", "count"),
    Column("individuelle", "dont aide individuelle", "count"),
    Column("mutualisee", "dont aide mutualisée", "count"),
    Column("ulis", "dont en ULIS", "count"),
    Column("coverage", "Couverture", "percent"),
    Column("notified_minutes", "Heures notifiées / semaine", "hours"),
    Column("placed_minutes", "Heures placées / semaine", "hours"),
]
SCHOOL_COLUMNS = [c for c in TERRITORY_COLUMNS if c.key in (
    "waiting", "waiting_median_days", "waiting_longest_days", "students", "coverage", "notified_minutes",
    "placed_minutes")]
STUDENT_COLUMNS = TERRITORY_COLUMNS
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


def _value(row: Row, key: str):
    if key == "coverage" and row.node is not None:
        return coverage_of(row.values)
    return row.values.get(key)


def coverage_of(values: dict) -> int | None:
    notified = values.get("notified_minutes") or 0
    return int(100 * min(values.get("placed_minutes") or 0, notified) / notified) if notified else None


def cell(row: Row, column: Column) -> Cell:
    if row.is_hidden(column.key):
        return Cell(text=HIDDEN_LABEL, value=HIDDEN_LABEL, hidden=True)
    value = _value(row, column.key)
    if value is None:
        return Cell(text="—", value=None)
    if column.kind in ("count", "number"):
        return Cell(text=f"{int(value):,}".replace(",", "\u202f"), value=int(value))
    if column.kind == "hours":
        hours = (Decimal(value) / 60).quantize(Decimal("0.1"))
        return Cell(text=durations.format_minutes(value), value=float(hours))
    if column.kind == "percent":
        return Cell(text=f"{value} %", value=value)
    if column.kind == "days":
        return Cell(text=f"{value} j", value=value)
    return Cell(text=f"{Decimal(value):.2f}".replace(".", ","), value=float(round(Decimal(value), 2)))


def setting_threshold() -> int:
    return int(setting("REPORT_SMALL_CELL_THRESHOLD"))


# --- Assembly ---------------------------------------------------------------------------------------

@dataclass
class Report:
    level: str
    title: str
    territory: str
    period: selectors.Period
    threshold: int
    student_tables: list[Table]
    aesh_table: Table | None
    evolution: list[dict]
    node: Node
    notes: list[str] = field(default_factory=list)
    drilled: bool = False
    entitled: bool = False  # the reader reads every student's record: nothing hidden, nothing grouped
    recourse_table: Table | None = None  # reports.recourses: a suppressed count, nothing else

    @property
    def main(self) -> Table:
        return self.student_tables[0]

    @property
    def summary(self) -> Row:
        return node_row(self.node, is_total=True)

    @property
    def day_label(self) -> str:
        day = self.period.day
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


TITLES = {"pole": "Tableau de bord du pôle", "circonscription": "Rapport de circonscription",
          "departement": "Rapport départemental", "national": "Rapport national", "school": "Rapport d'établissement",
          "others": "Rapport d'établissement"}
PARAMS = {"pole": "pole", "circonscription": "circonscription", "departement": "departement", "school": "etablissement"}
BY = {"pole": "Par pôle", "circonscription": "Par circonscription", "departement": "Par département",
      "school": "Par établissement", "others": "Par établissement"}
# What a level may open on its own: always lower levels; a school from anywhere above it.
DRILLS = {"national": ("departement", "circonscription", "pole", "school"),
          "departement": ("circonscription", "pole", "school"), "circonscription": ("pole", "school"),
          "pole": ("school",)}
AESH_GROUPING = {"national": "departement", "departement": "circonscription", "circonscription": "pole"}


class NotInReport(LookupError):
    """The territory asked for is not a part of the reader's report."""


def territory_of(scope: Scope) -> tuple[str, str]:
    level = "national" if scope.is_national else perms.report_level(scope)
    return level, TITLES[level]


def node_row(node: Node, is_total: bool = False, label: str | None = None) -> Row:
    values = dict(node.values)
    return Row(label=label or ("Total" if is_total else node.label), values=values, is_total=is_total,
               key=node.ref if node.kind in PARAMS and node.ref else None, param=PARAMS.get(node.kind, ""),
               node=node)


def read_tree(scope: Scope, day: datetime.date, period: selectors.Period | None = None) -> tuple[str, tree.Tree]:
    level, _ = territory_of(scope)
    return level, tree.build_tree(scope, level, day, setting_threshold(), period)


def build(scope: Scope, day: datetime.date, drill: tuple[str, int] | None = None,
          territory: tree.Tree | None = None, over_the_year: bool = True) -> Report:
    """The report of the reader's territory, or of one of its parts (`drill`: kind, id).
    `over_the_year=False`: the day's tables only, without the weeks since the rentrée and the
    recourses (what the key figures read, e.g. the comparison with last year)."""
    level, title = territory_of(scope)
    if territory is None:
        _, territory = read_tree(scope, day)
    period = territory.period  # the school year, read once for the whole report (with the tree)
    node = territory.root
    if drill:
        kind, ref = drill
        if kind not in DRILLS[level]:
            raise NotInReport(kind)
        found = territory.find(kind, ref)
        if found is None:
            if kind == "pole" and ref in territory.territory_poles:
                found = _empty(territory, kind, ref)
            else:
                raise NotInReport(kind)
        node = found
        title = TITLES[node.kind]
    tables = _student_tables(territory, node)
    label = scope.territory_label or "France entière"
    notes = []
    if node is not territory.root:
        label = node.label
        notes = _notes(scope, level, node, territory)
    return Report(level=level if node is territory.root else node.kind, title=title, territory=label,
                  period=period, threshold=territory.threshold, student_tables=tables,
                  aesh_table=_aesh_table(scope, period, level, node, territory), node=node, notes=notes,
                  evolution=evolution(territory, scope, period) if node is territory.root and over_the_year else [],
                  drilled=node is not territory.root, entitled=territory.entitled,
                  recourse_table=recourse_table(scope, level, period, territory.threshold)
                  if node is territory.root and over_the_year else None)


RECOURSE_COLUMN = Column("recourses", "Sollicitations de l'IEN depuis la rentrée", "number")


def recourse_table(scope: Scope, level: str, period, threshold: int) -> Table | None:
    """The recourses as a count per territory and its total (reports.recourses), protected on their
    own: counts of 1 to threshold − 1 hidden, and more where the total would narrow them."""
    found = recourses.counts(scope, level, period)
    if found is None:
        return None
    names, numbers = found
    keys = sorted(names, key=lambda k: names[k])
    values = {**numbers, "total": sum(numbers.values())}
    hidden = privacy.protect(privacy.Problem(
        values=values, published=set(values), counts=set(values),
        rows=[privacy.equal("total", keys)] if len(keys) > 1 else [],
        primary={k for k, v in values.items() if 0 < v < threshold}, threshold=threshold,
        cost={"total": 1e6})).hidden  # the reader's own total last
    rows = [Row(label=names[key], values={"recourses": values[key]}, hidden={"recourses"} if key in hidden else set())
            for key in keys]
    total = Row(label="Total", values={"recourses": values["total"]}, is_total=True,
                hidden={"recourses"} if "total" in hidden else set())
    return Table(key="sollicitations", title="Sollicitations de l'IEN par les AESH", columns=[RECOURSE_COLUMN],
                 rows=rows, total=total if len(keys) > 1 else None, first_header="Territoire")


def _empty(territory: tree.Tree, kind: str, ref: int) -> Node:
    node = Node(kind=kind, ref=ref, label=territory.territory_poles[ref], schools=[],
                values=dict.fromkeys(tree.ADDITIVE, 0) | {"waiting_median_days": None, "waiting_longest_days": None})
    return node


def _notes(scope: Scope, level: str, node: Node, territory: tree.Tree) -> list[str]:
    where = scope.territory_label
    if node.kind == "pole" and level != "pole":
        inside = len(territory_pole_schools(territory, node.ref))
        return [f"Seuls les établissements du pôle situés dans votre territoire ({where}) sont comptés : "
                f"{inside} établissement{'s' if inside > 1 else ''}. Les AESH sont ceux du pôle entier : ils sont "
                f"rattachés au pôle, pas à un établissement."]
    if node.kind == "school":
        return ["Les AESH sont rattaché·es à leur pôle : leurs effectifs se lisent dans le rapport du pôle."]
    return []


def territory_pole_schools(territory: tree.Tree, pole: int) -> list[int]:
    return [pk for pk, info in territory.info.items() if info[4] == pole]


def _student_tables(territory: tree.Tree, node: Node) -> list[Table]:
    if node.leaf:
        return [Table(key="eleves-etablissement", title="Élèves — l'établissement", columns=SCHOOL_COLUMNS,
                      rows=[node_row(node)], total=None, grouping="", first_header="Établissement")]
    tables = []
    children = node.children
    if children and not children[0].leaf:
        kind = children[0].kind
        tables.append(Table(key=f"eleves-{kind}", title=f"Élèves — {BY[kind].lower()}", columns=TERRITORY_COLUMNS,
                            rows=[node_row(c) for c in children], total=node_row(node, is_total=True),
                            grouping=kind, first_header=BY[kind].removeprefix("Par ").capitalize()))
        if all(grand.leaf for child in children for grand in child.children):
            rows = []
            for child in children:
                for leaf in child.children:
                    label = f"{leaf.label} — {child.label}" if leaf.kind == "others" else leaf.label
                    rows.append(node_row(leaf, label=label))
            tables.append(_school_table(rows, node))
    else:
        tables.append(_school_table([node_row(c) for c in children], node))
    return tables


def _school_table(rows: list[Row], node: Node) -> Table:
    return Table(key="eleves-school", title="Élèves — par établissement", columns=SCHOOL_COLUMNS, rows=rows,
                 total=node_row(node, is_total=True), grouping="school", first_header="Établissement")


def _aesh_values(values: dict) -> dict:
    etp = Decimal(values["quotite_sum"] or 0) / 100
    available = Decimal(values["available_minutes"] or 0)
    placed = Decimal(values["placed_minutes"] or 0)
    return {**values, "etp": etp,
            "placed_etp": (etp * placed / available) if available else Decimal(0)}


DRILL_GROUPING = {"departement": "circonscription", "circonscription": "pole"}


def _aesh_table(scope: Scope, period, level: str, node: Node, territory: tree.Tree) -> Table | None:
    """AESH by group, and their total, in one statement (selectors.aesh_figures). AESH belong
    to their home pôle. Their placed hours are hidden beside hidden student hours
    (reports.aesh_secret)."""
    if node.leaf:
        return None
    if node is territory.root:
        poles = None  # the scope's pôles, read inside the statement
        grouping = AESH_GROUPING.get(level)
    else:
        poles = _drill_poles(node)
        grouping = DRILL_GROUPING.get(node.kind)
    group = selectors.GROUPINGS[grouping][1] if grouping else None
    found = selectors.aesh_figures(scope, period, group, poles)
    secrets = aesh_secrets(scope, level, territory, found if node is territory.root and grouping == "pole" else None)
    hidden, group_of = (secrets["hidden"], secrets["group_of"]) if secrets else (set(), None)
    table_poles = (set(secrets["placed"]) if poles is None else set(poles)) if secrets else set()

    def hidden_of(key, total: bool = False) -> set:
        if not hidden:
            return set()
        members = table_poles if total else aesh_secret.row_poles(table_poles, lambda p: group_of(p, grouping), key)
        members = aesh_secret.Poles(p for p in members if p in secrets["placed"])
        return set(aesh_secret.MEASURES) if members in hidden else set()

    rows = sorted((Row(label=found.names.get(key) or tree.NO_GROUP[grouping], values=_aesh_values(values),
                       key=key if key in found.names else None, param=PARAMS[grouping], hidden=hidden_of(key))
                   for key, values in found.rows.items()), key=lambda r: r.label) if grouping else []
    total_row = Row(label="Total", values=_aesh_values(found.total), is_total=True, hidden=hidden_of(None, total=True))
    return Table(key="aesh", title="AESH", columns=AESH_COLUMNS, rows=rows, total=total_row,
                 grouping=grouping or "", first_header="Pôle ou territoire")


def _drill_poles(node: Node) -> list[int]:
    return sorted({n.ref for n in node.walk() if n.kind == "pole" and n.ref} | (
        {node.ref} if node.kind == "pole" else set()))


def aesh_secrets(scope: Scope, level: str, territory: tree.Tree,
                 by_pole: selectors.AeshFigures | None = None) -> dict | None:
    """Which sums of home pôles the AESH table hides, over every AESH table the reader can open
    (their report and each part of it), decided once per tree: the placed hours of every home pôle
    (`by_pole` when the report's own table has them), and above the circonscription the pôles'
    territories, in one statement each. None for a reader of every student's record."""
    if territory.entitled:
        return None
    if territory.aesh_hidden is not None:
        return territory.aesh_hidden
    found = by_pole or selectors.aesh_figures(scope, territory.period, selectors.GROUPINGS["pole"][1], None)
    placed = {key: float(values["placed_minutes"] or 0) for key, values in found.rows.items() if key is not None}
    places = selectors.pole_places(scope, list(placed)) if level in ("departement", "national") else {}

    def group_of(pole: int, grouping: str | None):
        if grouping == "pole":
            return pole
        circonscription, departement = places.get(pole, (None, None))
        return {"circonscription": circonscription, "departement": departement}.get(grouping)

    sight = aesh_secret.Sight(placed=placed, available={key: float(values["available_minutes"] or 0)
                                                        for key, values in found.rows.items()})

    def add_table(table_node: Node, poles: set[int], grouping: str | None, own: bool = False) -> None:
        sight.add(poles, table_node.is_hidden("placed_minutes"), own=own)
        if not grouping:
            return
        for key in {group_of(p, grouping) for p in poles}:
            students = [n for n in table_node.walk() if n.kind == grouping and n.ref == key and n is not table_node]
            sight.add(aesh_secret.row_poles(poles, lambda p: group_of(p, grouping), key),
                      any(n.is_hidden("placed_minutes") for n in students))

    root = territory.root
    add_table(root, set(placed), AESH_GROUPING.get(level), own=True)
    drills = DRILLS.get(level, ())
    seen = set()
    for part in root.walk():
        if part is root or part.leaf or part.kind not in drills or (part.kind, part.ref) in seen:
            continue
        seen.add((part.kind, part.ref))
        drilled = territory.find(part.kind, part.ref) if part.ref is not None else part
        add_table(drilled, set(_drill_poles(drilled)), DRILL_GROUPING.get(part.kind))
    territory.aesh_hidden = {"hidden": aesh_secret.hidden_cells(sight, territory.threshold), "placed": placed,
                             "group_of": group_of}
    return territory.aesh_hidden


def key_figures(report: Report) -> list[tuple[str, Cell]]:
    """The figures at the top of the page, the waiting list first: cells of the tables."""
    columns = {c.key: c for c in TERRITORY_COLUMNS}
    summary = report.summary
    figures = [(label, cell(summary, columns[key])) for label, key in (
        ("Élèves en attente", "waiting"), ("Attente médiane", "waiting_median_days"),
        ("Élèves notifié·es", "students"), ("Taux de couverture", "coverage"))]
    if report.aesh_table:
        aesh = {c.key: c for c in AESH_COLUMNS}
        total = report.aesh_table.total
        figures += [(label, cell(total, aesh[key])) for label, key in (
            ("AESH sous contrat", "headcount"), ("ETP d'accompagnement", "etp"),
            ("Heures connexes déclarées", "connexe_minutes"))]
    return figures


# --- Over the year --------------------------------------------------------------------------------

def evolution(territory: tree.Tree, scope: Scope, period) -> list[dict]:
    """The reader's own territory week by week, from the weekly table. Each week is the
    reader's tree built and protected with that week's figures, as the report of its day is
    (reports.tree.week_root), so a week shows what the report of its day shows; a week already
    shown to a reader of the same territory is read from the cache. On PostgreSQL the weeks
    come first as digests of their schools (one short statement), and only the weeks not in
    the cache are read school by school."""
    digests = selectors.weekly_digests(scope, period)
    if digests is None:
        weeks = [(week_start, by_school, tree.week_key(territory, by_school))
                 for week_start, by_school in selectors.weekly_school_figures(scope, period)]
    else:
        weeks = [(week_start, None, tree.week_digest_key(territory, digest)) for week_start, digest in digests]
    known = cache.get_many([key for _, _, key in weeks]) if weeks else {}  # one round trip for the year
    missing = [week_start for week_start, by_school, key in weeks if key not in known and by_school is None]
    read = dict(selectors.weekly_school_figures(scope, period, missing)) if missing else {}
    points = []
    for week_start, by_school, key in weeks:
        point = known.get(key)
        if point is None:
            root = tree.week_root(territory, week_start, read.get(week_start, {}) if by_school is None else by_school)
            point = {"waiting": None if root.is_hidden("waiting") else root.values["waiting"],
                     "coverage": None if root.is_hidden("coverage") else coverage_of(root.values),
                     "students": root.values["students"],
                     "parts": {c.label: (None if c.is_hidden("waiting") else c.values["waiting"], c.values["students"])
                               for c in root.children}}
            cache.set(key, point, tree.CACHE_SECONDS)
        points.append({"week_start": week_start, **point})
    return points


def part_series(report: Report, limit: int = 5) -> list[tuple[str, list[int | None]]]:
    """The waiting of the territory's largest parts, week by week (hidden weeks: None)."""
    sizes: dict[str, int] = {}
    for point in report.evolution:
        for label, (_, students) in point["parts"].items():
            sizes[label] = max(sizes.get(label, 0), students)
    labels = sorted(sizes, key=lambda label: (-sizes[label], label))[:limit]
    return [(label, [p["parts"].get(label, (None, 0))[0] for p in report.evolution]) for label in labels]


@dataclass(frozen=True)
class ChartData:
    coverage: list[tuple[str, int | None, str]]            # label, percent (None: secret), text
    etp: list[tuple[str, float, float | None]]             # label, available, placed (None: secret)
    waiting: list[tuple[datetime.date, int | None]]        # week, waiting students (None: secret)
    parts: list[tuple[str, list[int | None]]]              # the same for the largest parts
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
    total = cell(report.summary, coverage_column)
    etp = []
    if report.aesh_table:
        etp_rows = report.aesh_table.rows or [report.aesh_table.total]
        etp = [(r.label if not r.is_total else report.territory, float(r.values["etp"]),
                None if r.is_hidden("placed_etp") else float(r.values["placed_etp"])) for r in etp_rows]
    waiting = [(p["week_start"], p["waiting"]) for p in report.evolution]
    last = next((v for _, v in reversed(waiting) if v is not None), None)
    shown_weeks = sum(1 for _, v in waiting if v is not None)
    parts = part_series(report) if report.evolution else []
    parts_text = "".join(f" {label} : dernière valeur publiée {next((v for v in reversed(vs) if v is not None), None)}."
                         .replace("None", HIDDEN_LABEL) for label, vs in parts)
    return ChartData(
        coverage=coverage,
        etp=etp,
        waiting=waiting,
        parts=parts,
        coverage_summary=f"Couverture des heures notifiées : {total.text} pour l'ensemble ; "
                         + "; ".join(f"{label} : {text}" for label, _, text in coverage[:30]) + ".",
        etp_summary=("; ".join(f"{label} : {a:.1f} ETP disponibles, ".replace(".", ",")
                               + (f"{b:.1f} placés".replace(".", ",") if b is not None else f"placés : {HIDDEN_LABEL}")
                               for label, a, b in etp[:30]) + ".") if etp else "",
        waiting_summary=(f"{len(waiting)} semaines depuis la rentrée, {shown_weeks} publiables ; dernière valeur "
                         f"publiée : {last if last is not None else HIDDEN_LABEL} élèves en attente." + parts_text
                         if waiting else "Pas encore de chiffres hebdomadaires pour cette année."),
    )
