"""Forms for assignments, time slots and mission letters."""

from crispy_forms.layout import Div, Fieldset
from django import forms
from dsfr.forms import DsfrBaseForm

from aesh.models import Aesh
from eleves.models import Student, Ulis
from missions.models import Assignment, AssignmentKind, MissionLetter, TimeSlot
from pial.forms import CrispyDsfrMixin
from pial.models import School, SchoolYear
from pial.scope import Scope

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


class AssignmentForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["aesh", "kind", "student", "ulis", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aesh"].queryset = Aesh.objects.visible_to(scope).order_by("last_name")
        self.fields["student"].queryset = Student.objects.visible_to(scope).filter(left_on__isnull=True) \
            .select_related("school").order_by("last_name")
        self.fields["ulis"].queryset = Ulis.objects.filter(school__in=School.objects.visible_to(scope)) \
            .select_related("school")
        self.fields["end_date"].help_text = (
            "Au plus tard la fin de la notification. Vide : la fin du contrat de l'AESH ou celle de la "
            "notification de l'élève, la plus proche des deux.")
        self.helper = self.build_helper(
            Fieldset("Qui accompagne qui", "aesh", "kind", "student", "ulis"),
            Fieldset("Période", Div("start_date", "end_date", css_class="pial-row")),
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == AssignmentKind.COLLECTIVE:
            if not data.get("ulis"):
                self.add_error("ulis", "Une aide collective s'adresse à une ULIS.")
            data["student"] = None
        elif kind:
            if not data.get("student"):
                self.add_error("student", "Indiquez l'élève accompagné·e.")
            data["ulis"] = None
        return data


class TimeSlotForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    assignments = forms.ModelMultipleChoiceField(
        label="Élève(s) ou ULIS accompagné·es", queryset=Assignment.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Une aide individuelle : un seul élève. Une aide mutualisée : plusieurs élèves possibles.",
    )

    class Meta:
        model = TimeSlot
        fields = ["weekday", "start_time", "end_time", "school", "kind", "week", "assignments", "valid_from",
                  "valid_until"]
        widgets = {"start_time": TIME, "end_time": TIME, "valid_from": DATE, "valid_until": DATE}

    def __init__(self, *args, aesh: Aesh, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(pole=aesh.home_pole).order_by("name")
        self.fields["assignments"].queryset = (
            Assignment.objects.filter(aesh=aesh).current_on(day).select_related("student", "ulis")
        )
        self.fields["assignments"].label_from_instance = lambda a: f"{a.target_label} — {a.get_kind_display()}"
        if self.instance.pk:
            self.fields["assignments"].initial = list(self.instance.assignments.all())
        self.fields["valid_until"].help_text = "Vide : jusqu'à la fin de l'affectation."
        self.helper = self.build_helper(
            Fieldset("Quand", "weekday", Div("start_time", "end_time", css_class="pial-row"), "week"),
            Fieldset("Où et avec qui", "school", "kind", "assignments"),
            Fieldset("Validité", Div("valid_from", "valid_until", css_class="pial-row")),
        )

    def clean(self):
        data = super().clean()
        if not data.get("valid_until") and data.get("assignments"):
            ends = [a.end_date for a in data["assignments"] if a.end_date]
            if ends:
                data["valid_until"] = min(ends)
                self.instance.valid_until = data["valid_until"]
        return data


class MissionLetterForm(CrispyDsfrMixin, DsfrBaseForm):
    referent = forms.ModelChoiceField(label="AESH référent·e", queryset=Aesh.objects.none())
    school_year = forms.ModelChoiceField(label="Année scolaire", queryset=SchoolYear.objects.all())

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = Aesh.objects.visible_to(scope).order_by("last_name")
        self.fields["school_year"].initial = SchoolYear.objects.current()
        self.helper = self.build_helper()


class MissionLetterEditForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = MissionLetter
        fields = ["missions"]
        widgets = {"missions": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()
