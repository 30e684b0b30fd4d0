from django.db import models


class NewcomerStepKind(models.TextChoices):
    WELCOME_MEETING = "WELCOME_MEETING", "Rencontre d'accueil avec le ou la référent·e"
    SHEETS_READ = "SHEETS_READ", "Livrets d'accueil des établissements lus"
    TRAINING_BOOKED = "TRAINING_BOOKED", "Formation d'adaptation à l'emploi (60 h) programmée"
    ACCOUNTS_OPENED = "ACCOUNTS_OPENED", "Comptes ouverts (messagerie académique, pial)"


# Steps the newcomer may tick themselves; the others are the référent's or the coordination's.
SELF_STEPS = frozenset({NewcomerStepKind.SHEETS_READ, NewcomerStepKind.ACCOUNTS_OPENED})
# Time a référent usually gives a step, proposed in the form (minutes, a quarter-hour multiple).
STEP_MINUTES = {NewcomerStepKind.WELCOME_MEETING: 60, NewcomerStepKind.SHEETS_READ: 30,
                NewcomerStepKind.TRAINING_BOOKED: 30, NewcomerStepKind.ACCOUNTS_OPENED: 30}


class ResourceKind(models.TextChoices):
    LINK = "LINK", "Lien"
    DOCUMENT = "DOCUMENT", "Document"


class ResourceLevel(models.TextChoices):
    MATERNELLE = "MATERNELLE", "Maternelle"
    ELEMENTAIRE = "ELEMENTAIRE", "Élémentaire"
    COLLEGE = "COLLEGE", "Collège"
    LYCEE = "LYCEE", "Lycée et lycée professionnel"


class Shelf(models.TextChoices):
    POLE = "POLE", "Pôle"
    DEPARTEMENT = "DEPARTEMENT", "Département"
    NATIONAL = "NATIONAL", "National"
