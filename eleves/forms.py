"""Forms for students, notifications, the PPS extract, documents and list filters."""

from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from dsfr.forms import DsfrBaseForm

from eleves.enums import Activity, AidKind, DocumentKind, JournalAction, Level
from eleves.models import Notification, Student, Ulis
from eleves.selectors import JournalFilters, StudentFilters
from pial.enums import Role
from pial.forms import CrispyDsfrMixin
from pial.models import School, User
from pial.rendering import school_option_rows, school_options
from pial.scope import Scope
from pial.validators import MaxFileSize, file_extension, validate_search_words

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudentForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Student
        fields = ["last_name", "first_name", "birth_date", "school", "level", "class_name", "ulis", "ine",
                  "referent", "left_on"]
        widgets = {"birth_date": DATE, "left_on": DATE}

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.visible_to(scope).order_by("name")
        self.fields["school"].queryset = schools
        self.fields["ulis"].queryset = Ulis.objects.filter(school__in=schools).select_related("school")
        self.fields["referent"].queryset = User.objects.filter(
            memberships__role=Role.ENSEIGNANT_REFERENT, memberships__schools__in=schools).distinct()
        self.helper = self.build_helper(
            Fieldset("Identité", Div("last_name", "first_name", css_class="pial-row"), "birth_date", "ine"),
            Fieldset("Scolarité", "school", Div("level", "class_name", css_class="pial-row"), "ulis", "referent"),
            Fieldset("Sortie du système scolaire", "left_on"),
        )


class NotificationForm(CrispyDsfrMixin, DsfrBaseForm, forms.ModelForm):
    activities = forms.MultipleChoiceField(label="Activités notifiées", choices=Activity.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Notification
        fields = ["state", "decision_date", "start_date", "end_date", "aid_kind", "weekly_hours", "mutualised_hours",
                  "activities", "lunch_aid", "mdph_reference"]
        widgets = {"decision_date": DATE, "start_date": DATE, "end_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper(
            Fieldset("Décision de la CDAPH", "state", "decision_date", "mdph_reference",
                     Div("start_date", "end_date", css_class="pial-row")),
            Fieldset("Aide notifiée", "aid_kind", "weekly_hours", "mutualised_hours", "lunch_aid", "activities"),
        )


class PpsForm(CrispyDsfrMixin, DsfrBaseForm):
    missions = forms.CharField(label="Ce que l'AESH fait avec l'élève", required=False,
                               widget=forms.Textarea(attrs={"rows": 5}))
    accommodations = forms.CharField(label="Aménagements et adaptations", required=False,
                                     widget=forms.Textarea(attrs={"rows": 5}))
    vigilance = forms.CharField(label="Points de vigilance", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="Sans diagnostic : seulement ce qui guide l'accompagnement.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()


class DocumentForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Déposer le document"
    kind = forms.ChoiceField(label="Type de document", choices=DocumentKind.choices)
    file = forms.FileField(label="Fichier", help_text="PDF, JPEG, PNG, ODT ou DOCX, 10 Mo au plus.",
                           validators=[file_extension("pdf", "jpg", "jpeg", "png", "odt", "docx"), MaxFileSize(10)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()


ENDING = [("", "Peu importe"), ("30", "dans 30 jours"), ("90", "dans 90 jours"), ("180", "dans 6 mois")]


class StudentFilterForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Filtrer"
    q = forms.CharField(label="Rechercher", required=False, help_text="Nom ou prénom", max_length=200,
                        validators=[validate_search_words])
    school = forms.ModelChoiceField(label="Établissement", queryset=School.objects.none(), required=False,
                                    empty_label="Tous")
    level = forms.ChoiceField(label="Niveau", choices=[("", "Tous"), *Level.choices], required=False)
    aid_kind = forms.ChoiceField(label="Aide en vigueur", choices=[("", "Toutes"), *AidKind.choices], required=False)
    ending = forms.ChoiceField(label="Notification se terminant", choices=ENDING, required=False)
    without_notification = forms.BooleanField(label="Sans notification en vigueur", required=False)
    include_left = forms.BooleanField(label="Inclure les élèves sorti·es", required=False)

    def __init__(self, *args, scope: Scope, option_rows: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        school_options(self.fields["school"], scope, (option_rows or {}).get("school"))
        self.helper = self.build_helper(Layout(
            Div("q", "school", "level", "aid_kind", "ending", css_class="pial-filters"),
            Div("without_notification", "include_left", css_class="pial-filters")))
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.cache_layout = True  # markup: a function of the data and the school choices

    @staticmethod
    def option_rows(scope: Scope) -> dict[str, list]:
        """The rows of the model choices (pial.rendering.filter_form): one query."""
        return {"school": school_option_rows(scope)}

    def to_filters(self) -> StudentFilters:
        if not self.is_bound or not self.is_valid():
            return StudentFilters()
        d = self.cleaned_data
        return StudentFilters(
            search=d["q"].strip(), school_id=d["school"].pk if d["school"] else None, level=d["level"],
            aid_kind=d["aid_kind"], ending_within_days=int(d["ending"]) if d["ending"] else None,
            without_notification=d["without_notification"], include_left=d["include_left"],
        )


class JournalFilterForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Filtrer"
    student = forms.IntegerField(label="N° d'élève", required=False, min_value=1)
    user = forms.CharField(label="E-mail de la personne", required=False)
    action = forms.ChoiceField(label="Action", choices=[("", "Toutes"), *JournalAction.choices], required=False)
    since = forms.DateField(label="Depuis le", required=False, widget=DATE)
    until = forms.DateField(label="Jusqu'au", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper(Layout(Div("student", "user", "action", "since", "until",
                                                   css_class="pial-filters")))
        self.helper.form_method = "get"
        self.helper.disable_csrf = True

    def to_filters(self) -> JournalFilters:
        if not self.is_bound or not self.is_valid():
            return JournalFilters()
        d = self.cleaned_data
        return JournalFilters(student_ref=d["student"], user_email=d["user"].strip(), action=d["action"],
                              since=d["since"], until=d["until"])
