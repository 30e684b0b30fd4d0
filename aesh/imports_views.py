"""The AESH import, as an ImportFlow: upload, column mapping, preview and commit."""

from aesh import perms
from aesh.imports import FIELDS, INFORMATION, LABELS, SHEET_KEYWORDS, run_import
from pial.import_flow import ImportFlow

FLOW = ImportFlow(
    namespace="aesh", title="Importer le tableau des AESH", item_label="AESH", fields=FIELDS, labels=LABELS,
    sheet_keywords=SHEET_KEYWORDS, run=run_import, allowed=perms.can_edit_aesh, done_url="aesh:list",
    information=INFORMATION,
)
