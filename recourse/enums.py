from django.db import models


class RecourseCategory(models.TextChoices):
    FAMILY = "FAMILY", "Une famille"
    STUDENT = "STUDENT", "Un·e élève"
    TEACHING_TEAM = "TEACHING_TEAM", "L'équipe pédagogique"
    WORKING_CONDITIONS = "WORKING", "Mes conditions de travail"
    OTHER = "OTHER", "Autre"


class RecourseStatus(models.TextChoices):
    RECEIVED = "RECEIVED", "Reçue"
    MEETING_PROPOSED = "MEETING", "Entretien proposé"
    CLOSED = "CLOSED", "Close"
