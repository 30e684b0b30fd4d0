"""The three steps of the AESH import: upload, column mapping, preview and commit."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from aesh import perms
from aesh.imports import FIELDS, LABELS, SHEET_KEYWORDS, run_import
from pial import uploads
from pial.forms import CrispyDsfrMixin
from pial.models import Pole
from pial.spreadsheets import SpreadsheetError, display, find_header, guess_mapping, pick_sheet, read_workbook


class UploadForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Lire le fichier"

    file = forms.FileField(label="Tableau de la DSDEN (CSV, XLSX ou ODS)",
                           help_text="L'onglet des AESH (par exemple « Moyens_AESH_terrain ») est repéré seul.")
    pole = forms.ModelChoiceField(label="Pôle dans lequel importer", queryset=Pole.objects.none())

    def __init__(self, *args, scope, **kwargs):
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


def _require(scope) -> None:
    if not perms.can_edit_aesh(scope):
        raise PermissionDenied


def upload(request):
    """Coordinators and gestionnaires: send the spreadsheet."""
    scope = request.scope
    _require(scope)
    form = UploadForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        try:
            sheet = pick_sheet(read_workbook(file.name, data), SHEET_KEYWORDS)
            header_index = find_header(sheet.rows, FIELDS)
        except SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            mapping = guess_mapping(sheet.rows[header_index], FIELDS)
            token = uploads.stage(data=data, filename=file.name, user_id=request.user.pk, meta={
                "pole_id": form.cleaned_data["pole"].pk, "sheet": sheet.name, "header_index": header_index,
                "mapping": {str(k): v for k, v in mapping.items()},
            })
            return redirect("aesh:import_mapping", token=token)
    return render(request, "aesh/import_upload.html", {"form": form})


def _load(request, token):
    data, meta = uploads.load(token, request.user.pk)
    pole = get_object_or_404(Pole.objects.visible_to(request.scope), pk=meta["pole_id"])
    sheets = read_workbook(meta["filename"], data)
    sheet = next((s for s in sheets if s.name == meta["sheet"]), sheets[0])
    return meta, pole, sheet


def mapping(request, token: str):
    """Shows what each column was recognised as; the user fixes it."""
    scope = request.scope
    _require(scope)
    meta, pole, sheet = _load(request, token)
    header = sheet.rows[meta["header_index"]]
    choices = [("", "— ignorer cette colonne —")] + [(k, v) for k, v in LABELS.items()]
    if request.method == "POST":
        chosen = {}
        errors = []
        for index, _label in enumerate(header):
            value = request.POST.get(f"col_{index}", "")
            if value and value in LABELS:
                if value in chosen.values():
                    errors.append(f"« {LABELS[value]} » est choisi pour plusieurs colonnes.")
                chosen[str(index)] = value
        if not errors:
            uploads.update(token, request.user.pk, mapping=chosen)
            return redirect("aesh:import_preview", token=token)
        for error in errors:
            messages.error(request, error)
        meta["mapping"] = chosen
    samples = [row for _, row in zip(range(3), sheet.rows[meta["header_index"] + 1:], strict=False)]
    columns = [
        {"index": i, "label": display(label), "field": meta["mapping"].get(str(i), ""),
         "samples": [display(r[i]) if i < len(r) else "" for r in samples]}
        for i, label in enumerate(header) if display(label) or any(i < len(r) and r[i] for r in samples)
    ]
    return render(request, "aesh/import_mapping.html", {
        "columns": columns, "choices": choices, "meta": meta, "pole": pole, "token": token,
    })


def preview(request, token: str):
    """Every row with its French errors; the commit saves all rows or none."""
    scope = request.scope
    _require(scope)
    meta, pole, sheet = _load(request, token)
    mapping_ = {int(k): v for k, v in meta["mapping"].items()}
    commit = request.method == "POST"
    report = run_import(sheet=sheet, header_index=meta["header_index"], mapping=mapping_, pole=pole,
                        today=timezone.localdate(), commit=commit)
    if commit and report.committed:
        uploads.discard(token)
        messages.success(
            request,
            f"Import terminé : {report.count('nouveau')} AESH créé·es, {report.count('modifié')} mis·es à jour, "
            f"{report.count('inchangé')} inchangé·es.",
        )
        return redirect("aesh:list")
    if commit:
        messages.error(request, "L'import contient des erreurs : rien n'a été enregistré.")
    return render(request, "aesh/import_preview.html", {
        "report": report, "pole": pole, "meta": meta, "token": token,
    })
