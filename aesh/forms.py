"""Forms for AESH, contracts, amendments, training and the list filters."""

from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from dsfr.forms import DsfrBaseForm

from aesh.enums import ContractKind
from aesh.models import Aesh, Amendment, Contract, Training
from aesh.rules import default_cdd_end, proposed_quotite
from aesh.selectors import AeshFilters
from pial.conf import setting
from pial.forms import CrispyDsfrMixin, as_checkboxes
from pial.models import Pole, School
from pial.rendering import school_option_rows, school_options
from pial.scope import Scope
from pial.validators import validate_search_words

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AeshForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Aesh
        fields = ["last_name", "first_name", "email", "phone", "diploma", "first_hire_date",
                  "home_pole", "schools", "training_due_date"]
        widgets = {"first_hire_date": DATE, "training_due_date": DATE}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_pole"].queryset = Pole.objects.visible_to(scope).order_by("name")
        as_checkboxes(self.fields["schools"]).queryset = School.objects.visible_to(scope).order_by("name")
        self.fields["schools"].help_text = "Établissements du pôle de rattachement : cochez-en un ou plusieurs."
        if scope.pole_id and not self.instance.pk:
            self.fields["home_pole"].initial = scope.pole_id
        self.helper = self.build_helper(
            Fieldset("Identité", Div("last_name", "first_name", css_class="pial-row"), "diploma",
                     "first_hire_date"),
            Fieldset("Contact professionnel", "email", "phone"),
            Fieldset("Affectation", "home_pole", "schools"),
            Fieldset("Formation", "training_due_date"),
        )

    def clean(self):
        data = super().clean()
        pole, schools = data.get("home_pole"), data.get("schools")
        if pole and schools:
            outside = [s.name for s in schools if s.pole_id != pole.pk]
            if outside:
                self.add_error("schools", "Ces établissements ne sont pas dans le pôle choisi : "
                               + ", ".join(outside) + ".")
        return data


class ContractForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["kind", "employer", "employer_detail", "start_date", "end_date", "weekly_hours",
                  "weeks", "annual_base", "contractual_quotite", "referent_quotite", "lunch_duty"]
        widgets = {"start_date": DATE, "end_date": DATE}

    # Said to the person after saving when pial computed the quotité: « … = 62 % ».
    quotite_note = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = False
        self.fields["weekly_hours"].help_text = "Heures d'accompagnement par semaine scolaire, ex. 24."
        quotite = self.fields["contractual_quotite"]
        quotite.required = False
        quotite.help_text = (
            "Telle qu'écrite sur le contrat ; laissée vide, pial la calcule (heures hebdomadaires × "
            "semaines ÷ base annuelle). Un écart avec la quotité calculée est signalé sur la fiche."
        )
        # Read by static/pial/quotite.js, which proposes the value as the person types.
        quotite.widget.attrs["data-quotite-rounding"] = setting("QUOTITE_ROUNDING")
        self.fields["weeks"].help_text = (
            f"Entre {setting('CONTRACT_WEEKS_MIN')} et {setting('CONTRACT_WEEKS_MAX')} ; plus de 41 si "
            "une longue formation tombe hors temps scolaire."
        )
        self.helper = self.build_helper(
            Fieldset("Contrat", "kind", "employer", "employer_detail", "start_date", "end_date"),
            Fieldset("Temps de travail", "weekly_hours", "weeks", "annual_base", "contractual_quotite"),
            Fieldset("Missions particulières", "referent_quotite", "lunch_duty"),
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ContractKind.CDD and data.get("start_date") and not data.get("end_date"):
            # A CDD lasts three years unless said otherwise.
            data["end_date"] = default_cdd_end(data["start_date"], setting("CDD_YEARS"))
            self.instance.end_date = data["end_date"]
        hours, weeks, base = data.get("weekly_hours"), data.get("weeks"), data.get("annual_base")
        if data.get("contractual_quotite") is None and "contractual_quotite" not in self.errors:
            if hours and hours > 0 and weeks and base:
                value, self.quotite_note = proposed_quotite(hours, weeks, base, setting("QUOTITE_ROUNDING"))
                data["contractual_quotite"] = self.instance.contractual_quotite = value
            else:
                self.add_error("contractual_quotite", "Indiquez la quotité, ou les heures hebdomadaires, "
                               "les semaines et la base annuelle pour que pial la calcule.")
        return data


class AmendmentForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["proposed_on", "effective_date", "note", "weekly_hours", "weeks",
                  "contractual_quotite", "referent_quotite", "lunch_duty", "changes_schools", "schools"]
        widgets = {"proposed_on": DATE, "effective_date": DATE,
                   "note": forms.Textarea(attrs={"rows": 3}),
                   "lunch_duty": forms.NullBooleanSelect()}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.visible_to(scope).order_by("name")
        if self.instance.contract_id:  # the AESH works in the schools of their pôle only (services)
            schools = schools.filter(pole_id=self.instance.contract.aesh.home_pole_id)
        as_checkboxes(self.fields["schools"]).queryset = schools
        self.fields["schools"].help_text = "Si l'avenant change les établissements d'exercice : cochez les nouveaux."
        self.fields["lunch_duty"].widget.choices = [
            ("unknown", "Inchangé"), ("true", "Oui"), ("false", "Non")]
        self.helper = self.build_helper(
            Fieldset("L'avenant", "proposed_on", "effective_date", "note"),
            Fieldset("Ce qui change (laisser vide ce qui ne change pas)", "weekly_hours", "weeks",
                     "contractual_quotite", "referent_quotite", "lunch_duty", "changes_schools", "schools"),
        )


class AmendmentAnswerForm(CrispyDsfrMixin, DsfrBaseForm):
    answer = forms.ChoiceField(label="Réponse de l'agent",
                               choices=[("accept", "Accepté"), ("refuse", "Refusé")],
                               widget=forms.RadioSelect)
    answered_on = forms.DateField(label="Date de la réponse", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()


class TrainingForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Training
        fields = ["kind", "date", "hours", "title", "organizer"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()


ENDING_CHOICES = [("", "Peu importe"), ("1", "dans le mois"), ("3", "dans les 3 mois"),
                  ("6", "dans les 6 mois")]
SORT_CHOICES = [("nom", "Nom (A → Z)"), ("-nom", "Nom (Z → A)"), ("fin", "Fin de contrat la plus proche"),
                ("-fin", "Fin de contrat la plus lointaine"), ("-heures", "Heures hebdomadaires (décroissant)"),
                ("heures", "Heures hebdomadaires (croissant)")]


class AeshFilterForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Filtrer"

    q = forms.CharField(label="Rechercher", required=False, help_text="Nom, prénom ou e-mail", max_length=200,
                        validators=[validate_search_words])
    school = forms.ModelChoiceField(label="Établissement", queryset=School.objects.none(), required=False,
                                    empty_label="Tous")
    ending = forms.ChoiceField(label="Fin de contrat", choices=ENDING_CHOICES, required=False)
    training_late = forms.BooleanField(label="En retard sur les 60 h de formation", required=False)
    referent = forms.BooleanField(label="AESH référent·es", required=False)
    without_contract = forms.BooleanField(label="Sans contrat en cours", required=False)
    sort = forms.ChoiceField(label="Trier par", choices=SORT_CHOICES, required=False)

    def __init__(self, *args, scope: Scope, option_rows: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        school_options(self.fields["school"], scope, (option_rows or {}).get("school"))
        self.helper = self.build_helper(
            Layout(Div("q", "school", "ending", "sort", css_class="pial-filters"),
                   Div("training_late", "referent", "without_contract", css_class="pial-filters"))
        )
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.cache_layout = True  # markup: a function of the data and the school choices

    @staticmethod
    def option_rows(scope: Scope) -> dict[str, list]:
        """The rows of the model choices (pial.rendering.filter_form): one query."""
        return {"school": school_option_rows(scope)}

    def to_filters(self) -> AeshFilters:
        """The selector's filters; an invalid form filters nothing."""
        if not self.is_bound or not self.is_valid():
            return AeshFilters()
        data = self.cleaned_data
        return AeshFilters(
            search=data["q"].strip(), school_id=data["school"].pk if data["school"] else None,
            ending_within_months=int(data["ending"]) if data["ending"] else None,
            training_late=data["training_late"], referent=data["referent"],
            without_contract=data["without_contract"], sort=data["sort"] or "nom",
        )
