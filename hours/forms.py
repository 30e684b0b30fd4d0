"""Forms of the hours: the week (one form, built from its lines), an added activity, the
coordination's decisions, a référent's action. Durations are typed as people say them."""

from __future__ import annotations

import copy
import datetime
import uuid

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from aesh.enums import AbsenceReason, TrainingKind
from aesh.models import Aesh
from hours import rules
from hours.enums import (
    ADDED_KINDS,
    Attendance,
    ConnexeCategory,
    EntryKind,
    ReferentActivityKind,
)
from hours.models import TimeEntry, Timesheet
from hours.services import SlotAnswer
from pial.forms import CrispyDsfrMixin

# Said to the AESH in the first person; the records keep the neutral labels.
ATTENDANCE_CHOICES = [(Attendance.DONE, "Assuré"), (Attendance.STUDENT_ABSENT, "Élève absent·e"),
                      (Attendance.AESH_ABSENT, "J'étais absent·e")]


class DurationField(forms.CharField):
    """« 2 », « 2,5 », « 2 h 30 », « 45 min » → minutes; errors say what to type."""

    def __init__(self, *args, where: str = "", blank_value: int | None = 0, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.where = where
        self.blank_value = blank_value
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "20",
                                  "class": "fr-input pial-duration"})

    def prepare_value(self, value):
        return rules.input_value(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)[:40]
        prefix = f"{self.where} : " if self.where else ""
        if not text.replace("\u00a0", " ").strip():
            if self.required:
                raise forms.ValidationError(f"{prefix or self.label + ' : '}indiquez une durée (0 si aucune).")
            return self.blank_value
        try:
            return rules.parse_duration(text)
        except rules.DurationError as error:
            raise forms.ValidationError(f"{prefix}{error}") from error

    def validate(self, value):
        """Blank is handled above (an error when required, else `blank_value`)."""


def new_token() -> str:
    return uuid.uuid4().hex


# A week form's fields per line, made once: each form gets copies (_fresh), as Django's Field
# __init__ per line and per request (its choices normalised each time) was most of the form's CPU.
_ATTENDANCE = forms.ChoiceField(label="Déroulement", choices=ATTENDANCE_CHOICES, widget=forms.RadioSelect)
_MINUTES = DurationField(label="Durée réalisée", blank_value=None)
_REASON = forms.ChoiceField(label="Motif de l'absence", required=False, choices=[("", "—"), *AbsenceReason.choices],
                            widget=forms.Select(attrs={"class": "fr-select"}))
_CONNEXE = {category.value: DurationField(label=category.label, where=f"Activités connexes, {category.label.lower()}")
            for category in ConnexeCategory}


def _fresh(prototype: forms.Field, **attrs) -> forms.Field:
    """A copy of `prototype` with `attrs` set: its widget and the widget's attributes its own, as
    Field.__deepcopy__ makes them; its choices, validators and messages shared (nothing changes
    them after they are made)."""
    field = copy.copy(prototype)
    field.widget = copy.copy(prototype.widget)
    field.widget.attrs = dict(prototype.widget.attrs)
    field.error_messages = prototype.error_messages.copy()
    field.__dict__.update(attrs)
    return field


class WeekForm(forms.Form):
    """One field group per timetabled line (what happened, how long, why absent), one duration
    per connexe category, the AESH's comment, and the version shown (to detect another tab)."""

    comment = forms.CharField(label="Commentaire pour la coordination (facultatif)", required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "class": "fr-input"}),
                              help_text="Sans nom d'élève ni donnée de santé.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # « occurrence » when the page showed a week not yet created: its lines are named by day and
    # slot, since the first POST creates them (a GET writes nothing) with ids the page never saw.
    keys = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def __init__(self, *args, timesheet: Timesheet, entries: list[TimeEntry], by_occurrence: bool = False,
                 **kwargs):
        connexe = {e.category: e.minutes for e in entries if e.kind == EntryKind.CONNEXE}
        initial = {"comment": timesheet.comment, "version": timesheet.version,
                   "keys": "occurrence" if by_occurrence else ""}
        self.by_occurrence = by_occurrence
        today = timezone.localdate()
        # A slot of a day not yet past is « à venir »: no field until it has happened; once past,
        # it is proposed « assuré » for its planned time.
        self.slot_entries = [e for e in entries if e.kind == EntryKind.SLOT
                             and (e.attendance or (e.day and e.day <= today))]
        for entry in self.slot_entries:
            key = self.key(entry)
            initial[f"slot-{key}-attendance"] = entry.attendance or Attendance.DONE
            initial[f"slot-{key}-minutes"] = entry.minutes if entry.attendance else entry.planned_minutes
            initial[f"slot-{key}-reason"] = entry.absence_reason
        for category in ConnexeCategory:
            initial[f"connexe-{category.value}"] = connexe.get(category.value, 0)
        super().__init__(*args, initial=initial, **kwargs)
        for entry in self.slot_entries:
            key = self.key(entry)
            self.fields[f"slot-{key}-attendance"] = _fresh(_ATTENDANCE)
            self.fields[f"slot-{key}-minutes"] = _fresh(
                _MINUTES, where=entry.as_line().where,
                help_text=f"Prévu : {rules.format_duration(entry.planned_minutes)}")
            self.fields[f"slot-{key}-reason"] = _fresh(_REASON)
        for category in ConnexeCategory:
            self.fields[f"connexe-{category.value}"] = _fresh(_CONNEXE[category.value])

    def key(self, entry: TimeEntry) -> str:
        if self.by_occurrence and entry.slot_id and entry.day:
            return f"{entry.day:%Y%m%d}-{entry.slot_id}"
        return str(entry.pk)

    def clean(self):
        cleaned = super().clean()
        for entry in self.slot_entries:
            key = self.key(entry)
            absent = cleaned.get(f"slot-{key}-attendance") == Attendance.AESH_ABSENT
            if cleaned.get(f"slot-{key}-minutes", 0) is None:
                if absent:
                    cleaned[f"slot-{key}-minutes"] = 0
                else:
                    self.add_error(f"slot-{key}-minutes", f"{entry.as_line().where} : indiquez la durée réalisée "
                                                          "(0 si rien n'a été fait).")
            if absent \
                    and not cleaned.get(f"slot-{key}-reason"):
                self.add_error(f"slot-{key}-reason",
                               f"{entry.as_line().where} : indiquez le motif de votre absence.")
        return cleaned

    def slot_answers(self) -> dict[int, SlotAnswer]:
        data = self.cleaned_data
        return {e.pk: SlotAnswer(attendance=data[f"slot-{self.key(e)}-attendance"],
                                 minutes=data[f"slot-{self.key(e)}-minutes"],
                                 reason=data.get(f"slot-{self.key(e)}-reason") or "") for e in self.slot_entries}

    def connexe_minutes(self) -> dict[str, int]:
        return {c.value: self.cleaned_data[f"connexe-{c.value}"] for c in ConnexeCategory}

    def slot_fields(self, entry: TimeEntry) -> dict | None:
        """The line's fields; None for a slot still « à venir »."""
        key = self.key(entry)
        if f"slot-{key}-attendance" not in self.fields:
            return None
        return {name: self[f"slot-{key}-{name}"] for name in ("attendance", "minutes", "reason")}

    def connexe_fields(self) -> list:
        return [self[f"connexe-{c.value}"] for c in ConnexeCategory]


class AddEntryForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Ajouter à la semaine"

    kind = forms.ChoiceField(label="Nature", choices=[(k.value, k.label) for k in ADDED_KINDS])
    day = forms.TypedChoiceField(label="Jour", coerce=datetime.date.fromisoformat)
    duration = DurationField(label="Durée", required=True, help_text="Par exemple 1 h 30 ou 1,5.")
    label = forms.CharField(label="Précision (intitulé de la formation, classe de la sortie…)", required=False,
                            max_length=200, help_text="Sans nom d'élève ni donnée de santé.")
    training_kind = forms.ChoiceField(label="S'il s'agit d'une formation", required=False,
                                      choices=[("", "—"), *TrainingKind.choices])
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, timesheet: Timesheet, **kwargs):
        kwargs.setdefault("initial", {"token": new_token()})
        super().__init__(*args, **kwargs)
        days = [timesheet.week_start + datetime.timedelta(days=i) for i in range(6)]
        self.fields["day"].choices = [(d.isoformat(), rules.day_label(d)) for d in days]
        self.helper = self.build_helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == EntryKind.TRAINING and not (cleaned.get("label") or "").strip():
            self.add_error("label", "Indiquez l'intitulé de la formation suivie.")
        return cleaned


class DecisionForm(DsfrBaseForm):
    comment = forms.CharField(label="Commentaire pour l'AESH", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ReferentActivityForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Enregistrer l'action"

    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label="Action", choices=ReferentActivityKind.choices)
    duration = DurationField(label="Durée", required=True, help_text="Par exemple 1 h 30 ou 1,5.")
    supported = forms.ModelMultipleChoiceField(
        label="AESH accompagné·es ou participant·es", queryset=Aesh.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="Précision (facultatif)", max_length=300, required=False,
                           help_text="Sans nom d'élève ni donnée de santé.")
    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, referent: Aesh, **kwargs):
        kwargs.setdefault("initial", {"token": new_token(), "date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["supported"].queryset = (Aesh.objects.filter(home_pole_id=referent.home_pole_id)
                                             .exclude(pk=referent.pk).order_by("last_name", "first_name"))
        self.helper = self.build_helper()
