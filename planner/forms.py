"""Forms of the planner: a run's weights and start, an absence period."""

import datetime

from crispy_forms.layout import Div, Fieldset
from django import forms
from dsfr.forms import DsfrBaseForm

from aesh.models import Absence, Aesh
from pial.forms import CrispyDsfrMixin
from pial.scope import Scope

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEIGHT_CHOICES = [(0, "0 — ignoré"), (1, "1 — normal"), (2, "2"), (3, "3 — fort"), (4, "4"), (5, "5 — prioritaire")]


def next_monday(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=(7 - today.weekday()) % 7 or 7)


class RunForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Calculer une proposition"

    start_date = forms.DateField(label="Nouveaux créneaux à partir du", widget=DATE)
    coverage = forms.TypedChoiceField(label="Heures notifiées couvertes", choices=WEIGHT_CHOICES, coerce=int,
                                      initial=1)
    fairness = forms.TypedChoiceField(label="Équité : l'élève le moins bien servi d'abord", choices=WEIGHT_CHOICES,
                                      coerce=int, initial=1)
    continuity = forms.TypedChoiceField(label="Continuité : peu d'AESH différents par élève", choices=WEIGHT_CHOICES,
                                        coerce=int, initial=1)
    compactness = forms.TypedChoiceField(label="Journées d'AESH compactes, peu de trous", choices=WEIGHT_CHOICES,
                                         coerce=int, initial=1)
    stability = forms.TypedChoiceField(label="Stabilité : rester proche des emplois du temps actuels",
                                       choices=WEIGHT_CHOICES, coerce=int, initial=1)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start_date"].initial = next_monday(today)
        self.helper = self.build_helper(
            "start_date",
            Fieldset("Ce qui compte le plus (poids de 0 à 5)",
                     Div("coverage", "fairness", "continuity", "compactness", "stability", css_class="pial-row")),
        )

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        if day < self.today:
            raise forms.ValidationError("Choisissez une date à venir : un emploi du temps ne change pas dans le passé.")
        return day


class AbsenceForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    submit_label = "Enregistrer l'absence"

    class Meta:
        model = Absence
        fields = ["aesh", "start_date", "end_date", "reason"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aesh"].queryset = Aesh.objects.visible_to(scope).order_by("last_name", "first_name")
        self.fields["reason"].help_text = "Une catégorie seulement, jamais de détail médical."
        self.helper = self.build_helper("aesh", Div("start_date", "end_date", css_class="pial-row"), "reason")

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "La fin de l'absence doit suivre son début.")
        return data
