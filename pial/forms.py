"""Forms of the territory app, rendered in DSFR markup through crispy-forms."""

from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm
from dsfr.utils import dsfr_input_class_attr

from pial.enums import POLE_ROLES, Role
from pial.models import Circonscription, Departement, Pole, School
from pial.rendering import FastLayoutHelper
from pial.scope import Scope
from pial.validators import MaxFileSize, file_extension


def posted(request):
    """The POST data of a POST request, even empty; None otherwise (an unbound form).

    `request.POST or None` would treat an empty POST as a GET and show no error.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def add_service_errors(form, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def as_checkboxes(field: forms.ModelMultipleChoiceField) -> forms.ModelMultipleChoiceField:
    """A multiple choice shown as DSFR checkboxes instead of a native multi-select (which needs
    Ctrl-click): one labelled box per choice in a fieldset whose legend is the field's label."""
    if not isinstance(field.widget, forms.CheckboxSelectMultiple):
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
    field.template_name = "pial/widgets/checkboxes_field.html"
    return field


class CrispyDsfrMixin:
    """A crispy helper with a French submit button, for every pial form."""

    submit_label = "Enregistrer"

    def build_helper(self, *layout) -> FastLayoutHelper:
        # DsfrBaseForm.__init__ binds every field before the form's own __init__ sets help texts
        # and widgets, and a bound field keeps the help text it was made with: bind them again.
        self._bound_fields_cache.clear()
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)
        helper = FastLayoutHelper(self)
        helper.form_method = "post"
        if layout:
            helper.layout = Layout(*layout)
        helper.add_input(Submit("submit", self.submit_label))
        return helper


TERRITORY_OF_ROLE = {
    Role.COORDINATOR: "pole", Role.PILOT: "pole", Role.AESH: "pole",
    Role.INSPECTOR: "circonscription",
    Role.GESTIONNAIRE: "departement", Role.ENSEIGNANT_REFERENT: "departement",
}


class InvitationForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Envoyer l'invitation"

    email = forms.EmailField(label="Adresse e-mail professionnelle")
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    role = forms.ChoiceField(label="Rôle")
    pole = forms.ModelChoiceField(
        label="Pôle", queryset=Pole.objects.none(), required=False,
        help_text="Pour un·e coordonnateur·rice, un·e pilote ou un·e AESH.",
    )
    circonscription = forms.ModelChoiceField(
        label="Circonscription", queryset=Circonscription.objects.none(), required=False,
        help_text="Pour un·e inspecteur·rice (IEN).",
    )
    departement = forms.ModelChoiceField(
        label="Département", queryset=Departement.objects.none(), required=False,
        help_text="Pour un·e gestionnaire ou un·e enseignant·e référent·e.",
    )
    schools = forms.ModelMultipleChoiceField(
        label="Établissements du secteur", queryset=School.objects.none(), required=False,
        help_text="Pour un·e enseignant·e référent·e : maintenez Ctrl pour en choisir plusieurs.",
    )

    def __init__(self, *args, scope: Scope, roles: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["role"].choices = [("", "Choisir un rôle")] + [
            (value, label) for value, label in Role.choices if value in roles
        ]
        self.fields["pole"].queryset = Pole.objects.visible_to(scope).order_by("name")
        self.fields["circonscription"].queryset = Circonscription.objects.visible_to(scope)
        self.fields["departement"].queryset = Departement.objects.visible_to(scope)
        self.fields["schools"].queryset = School.objects.visible_to(scope).order_by("name")
        territory = ["pole", "circonscription", "departement", "schools"]
        if roles <= POLE_ROLES:
            # A coordinator gives pôle roles only, in their own pôle.
            for name in territory[1:]:
                del self.fields[name]
            territory = ["pole"]
            self.fields["pole"].required = True
            self.fields["pole"].initial = scope.pole_id
            self.fields["pole"].help_text = ""
        self.helper = self.build_helper(
            Fieldset("La personne", "email", "first_name", "last_name"),
            Fieldset("Son rôle", "role", *territory),
        )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        needed = TERRITORY_OF_ROLE.get(role)
        if needed in self.fields and not data.get(needed) and needed not in self.errors:
            self.add_error(needed, "Ce champ est obligatoire pour le rôle choisi.")
        for field in ("pole", "circonscription", "departement"):
            if field != needed:
                data[field] = None
        if role == Role.ENSEIGNANT_REFERENT and not data.get("schools"):
            self.add_error("schools", "Choisissez au moins un établissement du secteur.")
        if role != Role.ENSEIGNANT_REFERENT:
            data["schools"] = []
        return data


class DirectoryImportForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Analyser le fichier"

    file = forms.FileField(
        label="Fichier de l'annuaire de l'éducation (CSV)",
        help_text="Export CSV de l'annuaire, séparateur point-virgule, 60 Mo au plus.",
        validators=[file_extension("csv"), MaxFileSize(60)],
    )
    departement_code = forms.CharField(
        label="Code du département à importer", max_length=3, required=False,
        help_text="Laissez vide pour tout le fichier.",
    )
    skip_invalid = forms.BooleanField(
        label="Importer les lignes valides et ignorer celles en erreur", required=False
    )
    wet_run = forms.BooleanField(
        label="Enregistrer (sinon simple vérification, rien n'est modifié)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()
        self.helper.form_tag = False
        self.helper.inputs = []
