"""Sectors (carte scolaire, école → collège) of a département: editable data, imported from the
DSDEN's CSV through the common import flow (upload, column mapping, preview, all or nothing)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from pial.import_flow import ImportFlow
from pial.import_report import ImportReport, RowResult, no_progress
from pial.models import Pole, School, Sector
from pial.perms import can_manage_territory
from pial.rules import normalize_uai, uai_error
from pial.spreadsheets import Sheet, cell, data_rows, display

FIELDS: dict[str, list[str]] = {
    "school": ["uai ecole", "ecole", "uai de l ecole", "etablissement d origine", "ecole d origine"],
    "college": ["uai college", "college", "college de secteur", "secteur", "uai du college"],
}
LABELS = {"school": "École (UAI)", "college": "Collège de secteur (UAI)"}
SHEET_KEYWORDS = ("secteur", "carte")


def sector_for(school: School) -> School | None:
    """The sector collège of a first-degree school, if the DSDEN gave one."""
    found = Sector.objects.filter(school=school).select_related("college").first()
    return found.college if found else None


def run_import(*, sheet: Sheet, header_index: int, mapping: dict[int, str], pole: Pole,
               today: datetime.date, commit: bool, progress=no_progress) -> ImportReport:
    """Each row: an école's UAI and its collège's, both in the pôle's département."""
    report = ImportReport()
    columns = {name: int(index) for index, name in mapping.items()}
    if not {"school", "college"} <= set(columns):
        report.fatal = "Indiquez la colonne de l'école et celle du collège de secteur."
        return report
    departement = pole.departement
    schools = {s.uai: s for s in School.objects.filter(departement=departement)}
    with transaction.atomic():
        for line, row in data_rows(sheet.rows, header_index):
            result = RowResult(line=line)
            report.rows.append(result)
            found = {}
            for name in ("school", "college"):
                raw = display(cell(row, columns[name]))
                error = uai_error(raw)
                if error:
                    result.errors.append(f"{LABELS[name]} : {error}")
                    continue
                target = schools.get(normalize_uai(raw))
                if target is None:
                    result.errors.append(f"{LABELS[name]} : aucun établissement {raw} dans le département.")
                else:
                    found[name] = target
            if result.errors:
                result.status = "erreur"
                continue
            result.name = f"{found['school'].name} → {found['college'].name}"
            sector = Sector.objects.filter(school=found["school"]).first()
            if sector and sector.college_id == found["college"].pk:
                result.status = "inchangé"
                continue
            result.status = "modifié" if sector else "nouveau"
            sector = sector or Sector(school=found["school"], departement=departement)
            sector.college = found["college"]
            try:
                sector.full_clean()
            except ValidationError as error:
                result.errors.extend(error.messages)
                result.status = "erreur"
                continue
            sector.save()
        report.committed = commit and not report.errors
        if not report.committed:
            transaction.set_rollback(True)
    return report


FLOW = ImportFlow(
    namespace="secteurs", title="Importer les secteurs de collège", item_label="secteur", fields=FIELDS,
    labels=LABELS, sheet_keywords=SHEET_KEYWORDS, run=run_import, allowed=can_manage_territory, done_url="home",
)
