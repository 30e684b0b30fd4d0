"""The pupils' import, as an ImportFlow; a committed import is journaled."""

from dataclasses import dataclass

from eleves import perms
from eleves.enums import JournalAction
from eleves.imports import FIELDS, INFORMATION, LABELS, SHEET_KEYWORDS, run_import
from eleves.models import AccessLog
from pial.import_flow import ImportFlow


@dataclass(frozen=True)
class StudentImportFlow(ImportFlow):
    def after_commit(self, request, report, pole) -> None:
        AccessLog.objects.create(
            user=request.user, user_email=request.user.email, role=request.scope.role, pole=pole,
            action=JournalAction.IMPORT,
            detail=f"import du tableau des besoins : {report.count('nouveau')} nouveaux, "
                   f"{report.count('modifié')} modifiés",
        )


FLOW = StudentImportFlow(
    namespace="eleves", title="Importer le tableau des besoins des élèves", item_label="élève", fields=FIELDS,
    labels=LABELS, sheet_keywords=SHEET_KEYWORDS, run=run_import, allowed=perms.can_edit_student,
    done_url="eleves:list", information=INFORMATION,
)
