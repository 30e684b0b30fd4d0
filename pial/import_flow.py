"""The three steps every spreadsheet import goes through: upload, column mapping, preview.

An app describes its import (fields and keywords, the function that checks and
applies rows, who may run it) in an ImportFlow; the flow provides the views.
The preview and the commit run the same function: the commit keeps the
changes only when no row is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from pial import uploads
from pial.forms import CrispyDsfrMixin, posted, posted_files
from pial.models import Pole
from pial.scope import Scope
from pial.spreadsheets import (
    Sheet,
    SpreadsheetError,
    display,
    find_header,
    guess_mapping,
    pick_sheet,
    read_workbook,
)
from pial.validators import file_extension


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


Runner = Callable[..., ImportReport]


@dataclass(frozen=True)
class ImportFlow:
    namespace: str            # URL namespace of the app: <ns>:import, <ns>:import_mapping…
    title: str                # « Importer le tableau des AESH »
    item_label: str           # « AESH », « élève »
    fields: dict[str, list[str]]
    labels: dict[str, str]
    sheet_keywords: tuple[str, ...]
    run: Runner               # run(sheet=, header_index=, mapping=, pole=, today=, commit=) -> ImportReport
    allowed: Callable[[Scope], bool]
    done_url: str
    # Columns whose unknown values are kept with a warning; every other column is a key,
    # whose error blocks the whole import. The preview says which is which.
    information: frozenset[str] = frozenset()

    # --- Views -----------------------------------------------------------------

    def upload(self, request):
        """Send the spreadsheet (CSV, XLSX, ODS) and choose the pôle."""
        self._require(request.scope)
        form = UploadForm(posted(request), posted_files(request), scope=request.scope)
        if request.method == "POST" and form.is_valid():
            file = form.cleaned_data["file"]
            data = file.read()
            try:
                sheet = pick_sheet(read_workbook(file.name, data), self.sheet_keywords)
                header_index = find_header(sheet.rows, self.fields)
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                mapping = guess_mapping(sheet.rows[header_index], self.fields)
                token = uploads.stage(data=data, filename=file.name, user_id=request.user.pk, meta={
                    "pole_id": form.cleaned_data["pole"].pk, "sheet": sheet.name, "header_index": header_index,
                    "mapping": {str(k): v for k, v in mapping.items()},
                })
                return redirect(f"{self.namespace}:import_mapping", token=token)
        return render(request, "imports/upload.html", {"form": form, "flow": self})

    def mapping(self, request, token: str):
        """What each column was recognised as; the user fixes it."""
        self._require(request.scope)
        meta, pole, sheet = self._load(request, token)
        header = sheet.rows[meta["header_index"]]
        if request.method == "POST":
            chosen: dict[str, str] = {}
            errors = []
            for index in range(len(header)):
                value = request.POST.get(f"col_{index}", "")
                if value in self.labels:
                    if value in chosen.values():
                        errors.append(f"« {self.labels[value]} » est choisi pour plusieurs colonnes.")
                    chosen[str(index)] = value
            if not errors:
                uploads.update(token, request.user.pk, mapping=chosen)
                return redirect(f"{self.namespace}:import_preview", token=token)
            for error in errors:
                messages.error(request, error)
            meta["mapping"] = chosen
        samples = sheet.rows[meta["header_index"] + 1:meta["header_index"] + 4]
        columns = [
            {"index": i, "label": display(label), "field": meta["mapping"].get(str(i), ""),
             "samples": [display(r[i]) if i < len(r) else "" for r in samples]}
            for i, label in enumerate(header) if display(label) or any(i < len(r) and r[i] for r in samples)
        ]
        choices = [("", "— ignorer cette colonne —"), *self.labels.items()]
        return render(request, "imports/mapping.html", {
            "columns": columns, "choices": choices, "meta": meta, "pole": pole, "token": token, "flow": self,
        })

    def preview(self, request, token: str):
        """Every row with its French errors; POST commits all rows or none."""
        self._require(request.scope)
        meta, pole, sheet = self._load(request, token)
        commit = request.method == "POST"
        report = self.run(sheet=sheet, header_index=meta["header_index"],
                          mapping={int(k): v for k, v in meta["mapping"].items()}, pole=pole,
                          today=timezone.localdate(), commit=commit)
        if commit and report.committed:
            uploads.discard(token)
            self.after_commit(request, report, pole)
            messages.success(
                request,
                f"Import terminé : {report.count('nouveau')} créé(s), {report.count('modifié')} mis à jour, "
                f"{report.count('inchangé')} inchangé(s).",
            )
            return redirect(self.done_url)
        if commit:
            messages.error(request, "L'import contient des erreurs : rien n'a été enregistré.")
        header = sheet.rows[meta["header_index"]]
        columns = [(display(header[int(index)]) if int(index) < len(header) else "", self.labels.get(name, name),
                    name not in self.information) for index, name in sorted(meta["mapping"].items(),
                                                                            key=lambda item: int(item[0]))]
        return render(request, "imports/preview.html", {
            "report": report, "pole": pole, "meta": meta, "token": token, "flow": self,
            "key_columns": [c for c in columns if c[2]], "information_columns": [c for c in columns if not c[2]],
        })

    def after_commit(self, request, report: ImportReport, pole: Pole) -> None:
        """Hook for apps that journal an import."""

    # --- Helpers ---------------------------------------------------------------

    def _require(self, scope: Scope) -> None:
        if not self.allowed(scope):
            raise PermissionDenied

    def _load(self, request, token: str) -> tuple[dict, Pole, Sheet]:
        data, meta = uploads.load(token, request.user.pk)
        pole = get_object_or_404(Pole.objects.visible_to(request.scope), pk=meta["pole_id"])
        sheets = read_workbook(meta["filename"], data)
        sheet = next((s for s in sheets if s.name == meta["sheet"]), sheets[0])
        return meta, pole, sheet


class UploadForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Lire le fichier"

    # .xls is let through to be answered with how to save it as XLSX or ODS.
    file = forms.FileField(label="Tableau (CSV, XLSX ou ODS)",
                           help_text="Le bon onglet est repéré par son nom ; les lignes de titre et la ligne TOTAL "
                                     "sont ignorées. 10 Mo au plus.",
                           validators=[file_extension("csv", "xlsx", "ods", "xls")])
    pole = forms.ModelChoiceField(label="Pôle dans lequel importer", queryset=Pole.objects.none())

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pole"].queryset = Pole.objects.visible_to(scope).order_by("name")
        if scope.pole_id:
            self.fields["pole"].initial = scope.pole_id
        self.helper = self.build_helper()

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > uploads.MAX_BYTES:
            raise forms.ValidationError("Le fichier dépasse 10 Mo.")
        return file
