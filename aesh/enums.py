from django.db import models


class Diploma(models.TextChoices):
    DEAES = "DEAES", "DEAES (diplôme d'État d'accompagnant éducatif et social)"
    DEAVS = "DEAVS", "DEAVS"
    DEAMP = "DEAMP", "DEAMP"
    MCAD = "MCAD", "Mention complémentaire aide à domicile"
    BAC_ASSP = "BAC_ASSP", "Bac pro ASSP"
    AUTRE = "AUTRE", "Autre diplôme"
    AUCUN = "AUCUN", "Aucun diplôme du secteur"


class ContractKind(models.TextChoices):
    CDD = "CDD", "CDD"
    CDI = "CDI", "CDI"


class Employer(models.TextChoices):
    DSDEN = "DSDEN", "DSDEN"
    RECTORAT = "RECTORAT", "Rectorat"
    LYCEE = "LYCEE", "Lycée employeur"


class AmendmentState(models.TextChoices):
    PROPOSED = "PROPOSED", "Proposé à l'agent"
    ACCEPTED = "ACCEPTED", "Accepté"
    REFUSED = "REFUSED", "Refusé"


class TrainingKind(models.TextChoices):
    ADAPTATION = "ADAPTATION", "Formation d'adaptation à l'emploi (60 h)"
    CONTINUING = "CONTINUING", "Formation continue"


class AbsenceReason(models.TextChoices):
    """Categories only: never a medical detail (shared/domain.md)."""

    SICK_LEAVE = "SICK_LEAVE", "Congé maladie"
    WORK_ACCIDENT = "WORK_ACCIDENT", "Accident de service"
    PARENTAL = "PARENTAL", "Congé maternité / paternité"
    AUTHORISED = "AUTHORISED", "Autorisation d'absence"
    TRAINING = "TRAINING", "Formation"
    STRIKE = "STRIKE", "Grève"
