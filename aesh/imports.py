"""Import of the AESH tab of the DSDEN spreadsheet into a pôle: checked, all or nothing.

Columns are matched by keywords (the mapping can be fixed by the user); each
row is checked and reported in French by line and column; nothing is saved
while a row is wrong; importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from aesh import rules
from aesh.enums import ContractKind
from aesh.models import Aesh, Contract
from aesh.selectors import terms_of
from aesh.services import contract_save
from pial.conf import setting
from pial.durations import format_hours
from pial.import_report import ImportReport, RowResult, no_progress
from pial.models import Pole, School, SchoolYear
from pial.rules import normalize_uai, uai_error
from pial.spreadsheets import Sheet, cell, data_rows, display, fold, parse_date, parse_decimal, split_full_name

FIELDS: dict[str, list[str]] = {
    "full_name": ["nom prenom", "nom et prenom", "prenom nom", "nom de l agent", "agent", "nom usuel prenom"],
    "last_name": ["nom", "nom de famille", "nom d usage"],
    "first_name": ["prenom"],
    "email": ["mail", "mel", "e mail", "email", "courriel", "adresse electronique", "adresse mail"],
    "phone": ["tel", "telephone", "portable", "mobile", "n de telephone"],
    "school": ["etablissement", "ecole", "uai", "rne", "etablissement d exercice", "affectation", "lieu d exercice"],
    "weekly_hours": ["quotite sco", "heures hebdomadaires", "heures", "quotite", "quotite horaire", "nb heures",
                     "heures d accompagnement", "temps de travail"],
    "contract_kind": ["type de contrat", "nature du contrat", "contrat", "cdd cdi"],
    "contract_start": ["debut de contrat", "date de debut", "debut", "date d effet"],
    "contract_end": ["fin de contrat", "date de fin", "fin"],
}
LABELS = {
    "full_name": "Nom et prénom (une colonne)", "last_name": "Nom", "first_name": "Prénom",
    "email": "E-mail", "phone": "Téléphone", "school": "Établissement (UAI ou nom)",
    "weekly_hours": "Heures hebdomadaires", "contract_kind": "Type de contrat (CDD/CDI)",
    "contract_start": "Début du contrat", "contract_end": "Fin du contrat",
}
SHEET_KEYWORDS = ("aesh", "moyens")
# Keys identify the agent and their contract: an error there blocks the whole import. The
# contact columns are information: an unusable value is left aside with a warning.
INFORMATION = frozenset({"email", "phone"})


@dataclass
class ParsedRow:
    line: int
    last_name: str
    first_name: str
    email: str
    phone: str
    school: School | None
    weekly_hours: Decimal | None
    contract_kind: str
    contract_start: datetime.date | None
    contract_end: datetime.date | None


def _column_label(header: list[object], mapping: dict[int, str], name: str) -> str:
    for index, field_name in mapping.items():
        if field_name == name:
            return f"colonne « {display(header[index])} »"
    return LABELS[name]


class _Checker:
    def __init__(self, pole: Pole, header: list[object], mapping: dict[int, str]):
        self.pole = pole
        self.header = header
        self.mapping = mapping
        self.index = {name: index for index, name in mapping.items()}
        schools = list(School.objects.filter(pole=pole))
        self.schools_by_uai = {s.uai: s for s in schools}
        self.schools_by_name = {fold(s.name): s for s in schools}
        self.seen: dict[str, int] = {}
        self.max_hours = (Decimal(setting("ANNUAL_BASE_HOURS")) / setting("CONTRACT_WEEKS_DEFAULT")).quantize(
            Decimal("0.1")
        )

    def label(self, name: str) -> str:
        return _column_label(self.header, self.mapping, name)

    def get(self, row, name):
        return cell(row, self.index.get(name))

    def check(self, line: int, row: list[object]) -> tuple[ParsedRow | None, RowResult]:
        result = RowResult(line=line)
        last, first = self._names(row, result)
        result.name = f"{last.upper()} {first}".strip()
        email = self._email(row, result)
        school = self._school(row, result)
        hours = self._hours(row, result)
        kind, start, end = self._contract(row, result)
        key = email or f"{fold(last)}|{fold(first)}"
        if key.strip("|") and key in self.seen:
            result.errors.append(f"même personne qu'à la ligne {self.seen[key]} ({result.name}).")
        elif key.strip("|"):
            self.seen[key] = line
        if result.errors:
            result.status = "erreur"
            return None, result
        return ParsedRow(line, last, first, email, str(self.get(row, "phone") or "")[:30], school, hours,
                         kind, start, end), result

    def _names(self, row, result) -> tuple[str, str]:
        if "last_name" in self.index:
            last = str(self.get(row, "last_name") or "")
            first = str(self.get(row, "first_name") or "")
        else:
            last, first = split_full_name(str(self.get(row, "full_name") or ""))
        if not last:
            result.errors.append(f"{self.label('last_name' if 'last_name' in self.index else 'full_name')} : "
                                 "le nom est vide.")
        if not first:
            result.errors.append(f"{self.label('first_name' if 'first_name' in self.index else 'full_name')} : "
                                 "le prénom est vide.")
        return last.strip()[:150], first.strip()[:150]

    def _email(self, row, result) -> str:
        raw = str(self.get(row, "email") or "").strip().lower()
        if not raw:
            return ""
        try:
            validate_email(raw)
        except ValidationError:
            result.warnings.append(f"{self.label('email')} : « {raw} » n'est pas une adresse e-mail, ignorée.")
            return ""
        return raw

    def _school(self, row, result) -> School | None:
        raw = self.get(row, "school")
        if raw in (None, ""):
            return None
        text = str(raw)
        uai = normalize_uai(text.split()[0]) if text.split() else ""
        if re.fullmatch(r"\d{7}[A-Z]", uai):
            if uai_error(uai):
                result.errors.append(f"{self.label('school')} : {uai_error(uai)}")
                return None
            school = self.schools_by_uai.get(uai)
        else:
            school = self.schools_by_name.get(fold(text))
        if school is None:
            result.errors.append(f"{self.label('school')} : « {text} » n'est pas un établissement du pôle {self.pole}.")
        return school

    def _hours(self, row, result) -> Decimal | None:
        raw = self.get(row, "weekly_hours")
        if raw in (None, ""):
            return None
        try:
            hours = parse_decimal(raw)
        except ValueError as error:
            result.errors.append(f"{self.label('weekly_hours')} : « {display(raw)} » {error}.")
            return None
        if not Decimal(0) < hours <= self.max_hours:
            result.errors.append(
                f"{self.label('weekly_hours')} : « {display(raw)} » n'est pas un nombre d'heures hebdomadaires "
                f"plausible (entre 0 et {display(self.max_hours)} h)."
            )
            return None
        return hours.quantize(Decimal("0.01"))

    def _contract(self, row, result):
        raw_kind = fold(self.get(row, "contract_kind"))
        kind = ContractKind.CDI if "cdi" in raw_kind else ContractKind.CDD
        if raw_kind and "cdi" not in raw_kind and "cdd" not in raw_kind:
            result.errors.append(f"{self.label('contract_kind')} : « {raw_kind} » n'est ni CDD ni CDI.")
        dates = []
        for name in ("contract_start", "contract_end"):
            raw = self.get(row, name)
            if raw in (None, ""):
                dates.append(None)
                continue
            try:
                dates.append(parse_date(raw))
            except ValueError as error:
                result.errors.append(f"{self.label(name)} : « {display(raw)} » {error}.")
                dates.append(None)
        start, end = dates
        if start and end and end <= start:
            result.errors.append(f"{self.label('contract_end')} : la fin du contrat précède son début.")
        return kind, start, end


def run_import(*, sheet: Sheet, header_index: int, mapping: dict[int, str], pole: Pole,
               today: datetime.date, commit: bool, progress=no_progress) -> ImportReport:
    """Checks every row, applies them inside a transaction, and keeps the changes only
    when `commit` is set and no row is wrong. The preview and the commit run the same code."""
    report = ImportReport()
    names = set(mapping.values())
    if not ({"full_name"} <= names or {"last_name", "first_name"} <= names):
        report.fatal = "Indiquez la colonne du nom et celle du prénom (ou une colonne « NOM Prénom »)."
        return report
    header = sheet.rows[header_index]
    checker = _Checker(pole, header, mapping)
    parsed = []
    for line, row in data_rows(sheet.rows, header_index):
        item, result = checker.check(line, row)
        report.rows.append(result)
        if item:
            parsed.append((item, result))
    with transaction.atomic():
        for done, (item, result) in enumerate(parsed):
            if done % 50 == 0:
                progress(done, len(parsed), "Vérification et enregistrement des AESH")
            try:
                with transaction.atomic():
                    _apply(item, result, pole, today)
            except ValidationError as error:
                result.errors.extend(error.messages)
                result.status = "erreur"
        if commit and not report.errors:
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


def _find_existing(item: ParsedRow, pole: Pole) -> Aesh | None:
    if item.email:
        found = Aesh.objects.filter(email__iexact=item.email).first()
        if found:
            return found
    # A name alone matches only a person of the pôle with no other address: two people named
    # DUPONT Jean with two e-mails are two AESH, not one whose address the file overwrites.
    same_name = Aesh.objects.filter(
        home_pole=pole, last_name__iexact=item.last_name, first_name__iexact=item.first_name
    )
    if item.email:
        same_name = same_name.filter(email="")
    return same_name.first()


def _apply(item: ParsedRow, result: RowResult, pole: Pole, today: datetime.date) -> None:
    aesh = _find_existing(item, pole)
    if aesh is None:
        aesh = Aesh(home_pole=pole, last_name=item.last_name, first_name=item.first_name)
        result.status = "nouveau"
    elif aesh.home_pole_id != pole.pk:
        # Neither the person's name nor their pôle: an import is no directory of other pôles.
        raise ValidationError("Cette adresse e-mail est celle d'un·e AESH d'un autre pôle : rien n'est changé "
                              "(voyez avec la gestion départementale pour un changement de pôle).")
    else:
        result.status = "inchangé"
    for name in ("email", "phone"):
        value = getattr(item, name)
        if value and getattr(aesh, name) != value:
            if aesh.pk:
                result.changes.append(f"{name} : {getattr(aesh, name) or '—'} → {value}")
            setattr(aesh, name, value)
    if result.changes and result.status == "inchangé":
        result.status = "modifié"
    aesh.full_clean()
    aesh.save()
    if item.school and not aesh.schools.filter(pk=item.school.pk).exists():
        aesh.schools.add(item.school)
        if result.status == "inchangé":
            result.status = "modifié"
        result.changes.append(f"établissement ajouté : {item.school.name}")
    if item.weekly_hours is not None:
        _apply_contract(aesh, item, result, today)


def _apply_contract(aesh: Aesh, item: ParsedRow, result: RowResult, today: datetime.date) -> None:
    day = item.contract_start or today
    current = Contract.objects.filter(aesh=aesh).in_force_on(day).prefetch_related("amendments__schools").first()
    if current is not None:
        terms = terms_of(current, day, frozenset())
        if terms.weekly_hours != item.weekly_hours:
            raise ValidationError(
                f"{format_hours(item.weekly_hours)} par semaine dans le fichier, {format_hours(terms.weekly_hours)} au "
                f"contrat en cours ({current}) : un changement d'heures passe par un avenant."
            )
        return
    start = item.contract_start or _school_year_start(today)
    end = item.contract_end
    if end is None and item.contract_kind == ContractKind.CDD:
        end = rules.default_cdd_end(start, setting("CDD_YEARS"))
    weeks, base = setting("CONTRACT_WEEKS_DEFAULT"), setting("ANNUAL_BASE_HOURS")
    contract = Contract(
        aesh=aesh, kind=item.contract_kind, start_date=start, end_date=end,
        weekly_hours=item.weekly_hours, weeks=weeks, annual_base=base,
        contractual_quotite=rules.computed_quotite(item.weekly_hours, weeks, base, setting("QUOTITE_ROUNDING")),
    )
    contract_save(contract=contract)
    if result.status == "inchangé":
        result.status = "modifié"
    result.changes.append(f"contrat créé : {contract}, {format_hours(item.weekly_hours)} par semaine")


def _school_year_start(today: datetime.date) -> datetime.date:
    year = SchoolYear.objects.current()
    if year and year.start_date <= today <= year.end_date:
        return year.start_date
    return today
