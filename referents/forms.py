"""Forms of the toolbox, in DSFR markup through crispy-forms."""

from __future__ import annotations

from crispy_forms.layout import Fieldset
from django import forms
from dsfr.forms import DsfrBaseForm

from aesh.models import Aesh
from pial.forms import CrispyDsfrMixin
from pial.validators import MaxFileSize, file_extension
from referents import rules
from referents.enums import ResourceKind, ResourceLevel, Shelf
from referents.models import SHEET_FIELDS, SHEET_TEXT_MAX, PracticeSession

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUARTERS = [(m, f"{m // 60} h {m % 60:02d}" if m % 60 else f"{m // 60} h") for m in range(15, 601, 15)]
QUARTERS = [(m, label if m >= 60 else f"{m} min") for m, label in QUARTERS]


class WelcomeSheetForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Enregistrer le livret"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, help_text in SHEET_FIELDS:
            self.fields[name] = forms.CharField(label=label, help_text=help_text, required=False,
                                                max_length=SHEET_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
        self.helper = self.build_helper(
            Fieldset("Aucune donnée d'élève : ce livret est lu par toutes et tous les AESH de l'établissement.",
                     "version", *[name for name, _, _ in SHEET_FIELDS]))

    def clean(self):
        data = super().clean()
        for name, _, _ in SHEET_FIELDS:
            if message := rules.private_number_error(data.get(name, "")):
                self.add_error(name, message)
        return data


class StepForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Cocher l'étape"
    done_on = forms.DateField(label="Faite le", widget=DATE)
    minutes = forms.TypedChoiceField(label="Temps que vous y avez passé", choices=QUARTERS, coerce=int,
                                     required=False,
                                     help_text="Il rejoint votre journal d'actions de référent·e, sans autre saisie.")
    note = forms.CharField(label="Précision", max_length=200, required=False,
                           help_text="Sans nom d'élève ni donnée de santé.")

    def __init__(self, *args, with_minutes: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_minutes:
            del self.fields["minutes"]
        self.helper = self.build_helper()

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        if "minutes" in self.fields and not minutes:
            raise forms.ValidationError("Indiquez le temps passé (au quart d'heure).")
        return minutes


class PathReferentForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Désigner"
    referent = forms.ModelChoiceField(label="AESH référent·e", queryset=Aesh.objects.none(), required=False,
                                      empty_label="Aucun·e pour l'instant")

    def __init__(self, *args, referents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.helper = self.build_helper()


class ResourceForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Ajouter la ressource"
    shelf = forms.ChoiceField(label="Étagère", choices=Shelf.choices)
    title = forms.CharField(label="Titre", max_length=200)
    kind = forms.ChoiceField(label="Nature", choices=ResourceKind.choices, widget=forms.RadioSelect,
                             initial=ResourceKind.LINK)
    url = forms.URLField(label="Adresse du lien", required=False, max_length=500, assume_scheme="https",
                         help_text="Par exemple une page d'Éduscol ou de Cap École inclusive.")
    file = forms.FileField(label="Fichier", required=False,
                           help_text=f"PDF, ODT, DOCX, ODS, XLSX, ODP, PPTX, PNG ou JPEG, "
                                     f"{rules.DOCUMENT_MAX_MEGABYTES} Mo au plus. Sans donnée d'élève.",
                           validators=[file_extension(*rules.DOCUMENT_TYPES),
                                       MaxFileSize(rules.DOCUMENT_MAX_MEGABYTES)])
    description = forms.CharField(label="Description", required=False, max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    tags = forms.CharField(label="Mots-clés", required=False, max_length=300,
                           help_text="Séparés par des virgules : autisme, prise de notes, pause méridienne…")
    levels = forms.MultipleChoiceField(label="Niveaux", choices=ResourceLevel.choices, required=False,
                                       help_text="Aucun : tous les niveaux.", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, shelves: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shelf"].choices = [(s, Shelf(s).label) for s in shelves]
        if len(shelves) == 1:
            self.fields["shelf"].widget = forms.HiddenInput()
            self.fields["shelf"].initial = shelves[0]
        self.helper = self.build_helper()

    def clean(self):
        data = super().clean()
        if data.get("kind") == ResourceKind.LINK and not data.get("url"):
            self.add_error("url", "Indiquez l'adresse du lien.")
        if data.get("kind") == ResourceKind.DOCUMENT and not data.get("file"):
            self.add_error("file", "Choisissez le fichier à partager.")
        return data


class LibraryFilterForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Filtrer"
    q = forms.CharField(label="Rechercher", required=False, max_length=100)
    tag = forms.ChoiceField(label="Mot-clé", required=False)
    level = forms.ChoiceField(label="Niveau", required=False, choices=[("", "Tous"), *ResourceLevel.choices])
    shelf = forms.ChoiceField(label="Étagère", required=False, choices=[("", "Toutes"), *Shelf.choices])

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Tous"), *[(t.slug, t.name) for t in tags]]
        self.helper = self.build_helper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True


class SessionForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    submit_label = "Enregistrer la séance"

    class Meta:
        model = PracticeSession
        fields = ["theme", "training_theme", "date", "minutes", "place", "referent", "summary", "resources"]
        widgets = {"date": DATE, "resources": forms.CheckboxSelectMultiple,
                   "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, referents, themes, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.fields["training_theme"].queryset = themes
        self.fields["training_theme"].help_text = "Un thème de la liste de la DSDEN, s'il y correspond."
        self.fields["resources"].queryset = resources
        self.fields["resources"].required = False
        self.fields["minutes"] = forms.TypedChoiceField(label="Durée", choices=QUARTERS, coerce=int, initial=120)
        self.helper = self.build_helper()


class AttendanceForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Enregistrer les présences"
    attendees = forms.ModelMultipleChoiceField(label="AESH présent·es", queryset=Aesh.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, aesh, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = aesh
        self.helper = self.build_helper()

