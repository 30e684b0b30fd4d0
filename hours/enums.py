from django.db import models


class TimesheetState(models.TextChoices):
    DRAFT = "DRAFT", "Brouillon"
    SUBMITTED = "SUBMITTED", "Transmise"
    RETURNED = "RETURNED", "Renvoyée pour correction"
    VALIDATED = "VALIDATED", "Validée"


EDITABLE_STATES = frozenset({TimesheetState.DRAFT, TimesheetState.RETURNED})


class EntryKind(models.TextChoices):
    SLOT = "SLOT", "Créneau de l'emploi du temps"
    OUTING = "OUTING", "Sortie scolaire (hors créneau prévu)"
    LUNCH = "LUNCH", "Pause méridienne (accompagnement)"
    REPLACEMENT = "REPLACEMENT", "Remplacement d'un·e collègue"
    TRAINING = "TRAINING", "Formation suivie"
    CONNEXE = "CONNEXE", "Activités connexes"


# Lines the AESH adds to the week, each on a day.
ADDED_KINDS = (EntryKind.OUTING, EntryKind.LUNCH, EntryKind.REPLACEMENT, EntryKind.TRAINING)
# Added lines that are accompaniment of students.
ADDED_ACCOMPANIMENT_KINDS = frozenset({EntryKind.OUTING, EntryKind.LUNCH, EntryKind.REPLACEMENT})


class Attendance(models.TextChoices):
    DONE = "DONE", "Assuré"
    STUDENT_ABSENT = "STUDENT_ABSENT", "Élève absent·e"
    AESH_ABSENT = "AESH_ABSENT", "AESH absent·e"


class ConnexeCategory(models.TextChoices):
    PREPARATION = "PREPARATION", "Préparation"
    CONCERTATION = "CONCERTATION", "Concertation avec les enseignant·es"
    ESS = "ESS", "ESS, équipe éducative"
    FAMILY = "FAMILY", "Rencontre avec la famille"
    OTHER = "OTHER", "Autre"


class TimesheetAction(models.TextChoices):
    SUBMITTED = "SUBMITTED", "Transmise"
    VALIDATED = "VALIDATED", "Validée"
    RETURNED = "RETURNED", "Renvoyée pour correction"
    REOPENED = "REOPENED", "Rouverte"


class ReferentActivityKind(models.TextChoices):
    WELCOME = "WELCOME", "Accueil d'un·e AESH nouvellement recruté·e"
    METHOD = "METHOD", "Appui méthodologique"
    PRACTICE_GROUP = "PRACTICE_GROUP", "Groupe d'échange de pratiques"
    PILOTS = "PILOTS", "Réunion avec les pilotes"
    OTHER = "OTHER", "Autre action de référent·e"
