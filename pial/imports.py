"""Import of schools from the national school directory (annuaire de l'éducation).

The CSV export is semicolon-separated, UTF-8 (sometimes Windows-1252 or UTF-16 when
saved again by a spreadsheet, any line endings: pial.text_encoding). The import is
idempotent on the UAI, checks every row first and saves nothing when a row is wrong,
unless the caller explicitly asks to skip invalid rows. Rows that are not schools (services, CIO…) or outside the
requested département are counted as ignored, not as errors.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from pial.enums import PoleDegree, PoleKind, SchoolKind
from pial.models import Circonscription, Departement, Pole, School
from pial.rules import normalize_uai, uai_error, zone_for_academie
from pial.text_encoding import TextEncodingError, decode_text

COL_UAI = "Identifiant_de_l_etablissement"
COL_NAME = "Nom_etablissement"
COL_TYPE = "Type_etablissement"
COL_DEP = "Code_departement"
REQUIRED_COLUMNS = (COL_UAI, COL_NAME, COL_TYPE, COL_DEP)

SCHOOL_TYPES = {"ecole", "college", "lycee", "erea"}
BATCH_SIZE = 2000


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Ligne {self.line} : {self.message}"


@dataclass
class DirectoryReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False

    @property
    def valid(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        verb = "enregistré" if self.committed else "vérifié, rien n'est enregistré"
        return (
            f"Import {verb} : {self.created} établissement(s) à créer ou créé(s), "
            f"{self.updated} mis à jour, {self.unchanged} inchangé(s), {self.ignored} ligne(s) "
            f"ignorée(s) (hors établissements scolaires ou hors département), "
            f"{len(self.errors)} ligne(s) en erreur."
        )


@dataclass
class SchoolRow:
    line: int
    uai: str
    name: str
    kind: str
    city: str
    departement_code: str
    departement_name: str
    academie: str
    circonscription: str
    pole_code: str


def _fold(value: str) -> str:
    table = str.maketrans("éèêëàâîïôöûüç", "eeeeaaiioouuc")
    return (value or "").strip().lower().translate(table)


def _flag(row: dict, column: str) -> bool:
    return (row.get(column) or "").strip() in {"1", "O", "Oui", "oui", "true"}


def school_kind(row: dict) -> str | None:
    kind = _fold(row.get(COL_TYPE, ""))
    nature = _fold(row.get("libelle_nature", ""))
    if kind == "ecole":
        maternelle, elementaire = _flag(row, "Ecole_maternelle"), _flag(row, "Ecole_elementaire")
        if (maternelle and not elementaire) or "maternelle" in nature:
            return SchoolKind.MATERNELLE
        if (elementaire and not maternelle) or "elementaire" in nature:
            return SchoolKind.ELEMENTAIRE
        return SchoolKind.PRIMAIRE
    if kind == "college":
        return SchoolKind.COLLEGE
    if kind == "lycee":
        only_pro = _flag(row, "Voie_professionnelle") and not (
            _flag(row, "Voie_generale") or _flag(row, "Voie_technologique")
        )
        return SchoolKind.LP if "professionnel" in nature or only_pro else SchoolKind.LYCEE
    if kind == "erea":
        return SchoolKind.EREA
    return None


def normalize_departement(code: str) -> str:
    """'035' and '35' are the same département; Corse keeps 2A / 2B."""
    code = (code or "").strip().upper()
    if code.isdigit():
        return code.lstrip("0").zfill(2)
    return code


def parse(text: str, *, departement_code: str | None = None) -> tuple[list[SchoolRow], DirectoryReport]:
    report = DirectoryReport()
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=None), delimiter=delimiter)
    try:
        return _parse_rows(reader, report, departement_code)
    except csv.Error as error:
        report.errors.append(RowError(reader.line_num, f"le fichier n'est pas un CSV lisible ici ({error})."))
        return [], report


def _parse_rows(reader: csv.DictReader, report: DirectoryReport,
                departement_code: str | None) -> tuple[list[SchoolRow], DirectoryReport]:
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append(
            RowError(1, "colonne(s) manquante(s) dans l'en-tête : " + ", ".join(missing))
        )
        return [], report
    wanted_dep = normalize_departement(departement_code) if departement_code else None
    rows: list[SchoolRow] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        if _fold(raw.get(COL_TYPE, "")) not in SCHOOL_TYPES:
            report.ignored += 1
            continue
        dep = normalize_departement(raw.get(COL_DEP, ""))
        if wanted_dep and dep != wanted_dep:
            report.ignored += 1
            continue
        row, problems = _check_row(line, raw, dep, seen)
        if problems:
            report.errors.extend(RowError(line, p) for p in problems)
        else:
            rows.append(row)
            seen[row.uai] = line
    return rows, report


def _check_row(line: int, raw: dict, dep: str, seen: dict[str, int]) -> tuple[SchoolRow | None, list[str]]:
    problems = []
    uai = normalize_uai(raw.get(COL_UAI, ""))
    message = uai_error(uai)
    if message:
        problems.append(f"colonne {COL_UAI} : {message}")
    elif uai in seen:
        problems.append(f"colonne {COL_UAI} : l'UAI {uai} figure déjà à la ligne {seen[uai]}.")
    name = (raw.get(COL_NAME) or "").strip()
    if not name:
        problems.append(f"colonne {COL_NAME} : le nom de l'établissement est vide.")
    if not dep:
        problems.append(f"colonne {COL_DEP} : le code du département est vide.")
    pole_code = normalize_uai(raw.get("pial", ""))
    if pole_code and uai_error(pole_code):
        problems.append(f"colonne pial : {uai_error(pole_code)}")
    if problems:
        return None, problems
    return SchoolRow(
        line=line, uai=uai, name=name[:200], kind=school_kind(raw),
        city=(raw.get("Nom_commune") or "").strip()[:150],
        departement_code=dep,
        departement_name=(raw.get("Libelle_departement") or "").strip() or f"Département {dep}",
        academie=(raw.get("Libelle_academie") or "").strip(),
        circonscription=(raw.get("nom_circonscription") or "").strip()[:150],
        pole_code=pole_code,
    ), []


def import_directory(
    data: bytes, *, departement_code: str | None = None, wet_run: bool = False,
    skip_invalid: bool = False,
) -> DirectoryReport:
    """Checks, and with `wet_run` saves, the schools of a directory export."""
    try:
        text = decode_text(data, "annuaire")
    except TextEncodingError as error:
        return DirectoryReport(errors=[RowError(1, str(error))])
    rows, report = parse(text, departement_code=departement_code)
    blocked = bool(report.errors) and not skip_invalid
    with transaction.atomic():
        _apply(rows, report)
        if wet_run and not blocked:
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


def _apply(rows: list[SchoolRow], report: DirectoryReport) -> None:
    names_by_uai = {row.uai: row.name for row in rows}
    departements: dict[str, Departement] = {}
    circonscriptions: dict[tuple[str, str], Circonscription] = {}
    poles: dict[str, Pole] = {p.code: p for p in Pole.objects.filter(code__isnull=False)}
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start:start + BATCH_SIZE]
        existing = School.objects.in_bulk([r.uai for r in batch], field_name="uai")
        to_create, to_update = [], []
        for row in batch:
            dep = departements.get(row.departement_code)
            if dep is None:
                dep, _ = Departement.objects.get_or_create(
                    code=row.departement_code,
                    defaults={"name": row.departement_name, "academie": row.academie},
                )
                departements[row.departement_code] = dep
            circ = None
            if row.circonscription:
                key = (row.departement_code, row.circonscription)
                circ = circonscriptions.get(key)
                if circ is None:
                    circ, _ = Circonscription.objects.get_or_create(
                        departement=dep, name=row.circonscription
                    )
                    circonscriptions[key] = circ
            pole = None
            if row.pole_code:
                pole = poles.get(row.pole_code)
                if pole is None:
                    first_degree = row.kind in SchoolKind.first_degree()
                    pole = Pole.objects.create(
                        code=row.pole_code,
                        name=f"PIAL {names_by_uai.get(row.pole_code, row.pole_code)}",
                        kind=PoleKind.PIAL, departement=dep,
                        degree=PoleDegree.PREMIER if first_degree else PoleDegree.SECOND,
                    )
                    poles[row.pole_code] = pole
            values = {
                "name": row.name, "kind": row.kind, "city": row.city, "departement_id": dep.pk,
                "zone": zone_for_academie(row.academie or dep.academie),
            }
            # Empty directory columns keep what a coordinator set by hand.
            if circ:
                values["circonscription_id"] = circ.pk
            if pole:
                values["pole_id"] = pole.pk
            school = existing.get(row.uai)
            if school is None:
                to_create.append(School(uai=row.uai, **values))
                report.created += 1
            elif any(getattr(school, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(school, key, value)
                to_update.append(school)
                report.updated += 1
            else:
                report.unchanged += 1
        School.objects.bulk_create(to_create)
        School.objects.bulk_update(
            to_update, ["name", "kind", "city", "departement", "zone", "circonscription", "pole"]
        )
