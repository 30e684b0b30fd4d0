"""What an import found, row by row: the report its preview shows and its commit returns.

The preview of an import is stored (pial.models.SpreadsheetImport.preview) as the plain
dictionary of `ImportReport.as_dict`, so any web process shows it without reading the file
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RowResult:
    line: int
    name: str = ""
    status: str = ""  # nouveau, modifié, inchangé, erreur
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    committed: bool = False
    fatal: str = ""
    # Extra findings shown before commit, e.g. the diff against the previous import.
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        messages_ = [self.fatal] if self.fatal else []
        for row in self.rows:
            messages_.extend(f"Ligne {row.line} : {e}" for e in row.errors)
        return messages_

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    def summary(self) -> str:
        return (f"{self.count('nouveau')} créé(s), {self.count('modifié')} mis à jour, "
                f"{self.count('inchangé')} inchangé(s)")

    def as_dict(self) -> dict:
        return {
            "rows": [[r.line, r.name, r.status, r.errors, r.warnings, r.changes] for r in self.rows],
            "committed": self.committed, "fatal": self.fatal, "sections": [list(s) for s in self.sections],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        return cls(rows=[RowResult(*row) for row in data["rows"]], committed=data["committed"], fatal=data["fatal"],
                   sections=[(title, items) for title, items in data["sections"]])


# A progress callback: (rows done, rows in all, what is being done) → None.
def no_progress(done: int, total: int, step: str) -> None:
    return None
