"""The AESH's recourse form, the inspector's answer, the AESH's follow-up."""

from __future__ import annotations

from crispy_forms.layout import HTML, Fieldset
from django import forms
from dsfr.forms import DsfrBaseForm

from pial.conf import setting
from pial.forms import CrispyDsfrMixin
from recourse import rules
from recourse.enums import RecourseCategory, RecourseStatus
from recourse.models import TEXT_MAX

HEALTH_WARNING = HTML(
    '<div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-3w"><p>N\'écrivez <strong>aucune information de '
    "santé</strong> (diagnostic, traitement, soins) et ne nommez un·e élève que par son prénom et l'initiale de "
    "son nom. L'IEN vous proposera un entretien s'il faut en dire plus.</p></div>")


class RecourseForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Envoyer à l'IEN"

    school = forms.ModelChoiceField(label="Établissement concerné", queryset=None, empty_label=None,
                                    help_text="Votre demande va à l'IEN de la circonscription de cet établissement.")
    category = forms.ChoiceField(label="Au sujet de", choices=RecourseCategory.choices)
    subject = forms.CharField(label="Objet", max_length=120, help_text="En quelques mots, sans nom.")
    student_label = forms.CharField(label="Élève concerné·e", required=False,
                                  max_length=rules.STUDENT_LABEL_MAX,
                                  help_text="Prénom et initiale du nom seulement, par exemple « Léo M. ».")
    text = forms.CharField(label="Votre message", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text="Ce qui s'est passé, ce que vous attendez. Sans information de santé.")
    inform_coordination = forms.BooleanField(
        label="Informer aussi la coordination du pôle", required=False,
        help_text="Sans cette case, seul·e l'IEN lit votre demande.")
    inform_pilots = forms.BooleanField(label="Adresser aussi ma demande aux pilotes du pôle", required=False)
    confirm_no_health = forms.BooleanField(
        label="J'ai relu mon message : il ne contient pas d'information sur la santé d'un·e élève", required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].label_from_instance = lambda s: s.name
        self.health_terms: list[str] = []
        fields = ["school", "category", "subject", "student_label", HEALTH_WARNING, "text", "inform_coordination"]
        if setting("RECOURSE_TO_PILOTS"):
            fields.append("inform_pilots")
        else:
            del self.fields["inform_pilots"]
        wants_confirmation = self.is_bound and rules.health_terms(self.data.get("subject", ""),
                                                                  self.data.get("text", ""))
        if wants_confirmation:
            fields.append("confirm_no_health")
        else:
            del self.fields["confirm_no_health"]
        self.helper = self.build_helper(Fieldset("Votre demande", *fields))

    def clean_student_label(self) -> str:
        label = self.cleaned_data.get("student_label", "")
        if message := rules.student_label_error(label):
            raise forms.ValidationError(message)
        return rules.normalized_student_label(label)

    def clean(self):
        data = super().clean()
        self.health_terms = rules.health_terms(data.get("subject", ""), data.get("text", ""))
        if self.health_terms and not data.get("confirm_no_health"):
            words = ", ".join(f"« {t} »" for t in self.health_terms[:5])
            self.add_error("text", f"Votre message contient des mots qui désignent souvent une information de santé "
                                   f"({words}) : retirez-la, ou cochez la case de confirmation si ce n'en est pas une.")
        return data


class AnswerForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Envoyer la réponse"

    text = forms.CharField(label="Votre réponse", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    status = forms.ChoiceField(label="État de la sollicitation", choices=RecourseStatus.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()


class FollowUpForm(CrispyDsfrMixin, DsfrBaseForm):
    submit_label = "Ajouter mon message"

    text = forms.CharField(label="Votre message", max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="Sans information de santé.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.build_helper()
