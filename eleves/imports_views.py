"""The students' import, as an ImportFlow; a committed import is journaled."""

from dataclasses import dataclass

from eleves import perms
from eleves.enums import JournalAction
from eleves.imports import FIELDS, INFORMATION, LABELS, SHEET_KEYWORDS, run_import
from eleves.models import AccessLog
from pial.import_flow import ImportFlow


@dataclass(frozen=True)
class StudentImportFlow(ImportFlow):
    def after_commit(self, job, report) -> None:
        AccessLog.objects.create(
            user=job.created_by, user_email=job.created_by.email, role=job.role, pole=job.pole,
            action=JournalAction.IMPORT,
            detail=f"import du tableau des besoins : {report.count('nouveau')} nouveaux, "
                   f"{report.count('modifié')} modifiés",
        )


FLOW = StudentImportFlow(
    namespace="eleves", title="Importer le tableau des besoins des élèves", item_label="élève", fields=FIELDS,
    labels=LABELS, sheet_keywords=SHEET_KEYWORDS, run=run_import, allowed=perms.can_edit_student,
    done_url="eleves:list", information=INFORMATION,
)
