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


class ContractDecisionKind(models.TextChoices):
    RENEW_CDD = "RENEW_CDD", "Renouveler en CDD"
    RENEW_CDI = "RENEW_CDI", "Renouveler en CDI"
    AMEND = "AMEND", "Changer la quotité par avenant"
    END = "END", "Ne pas renouveler"


class ReferentWish(models.TextChoices):
    NONE = "", "Pas de souhait"
    BECOME = "BECOME", "Souhaite devenir AESH référent·e"
    STAY = "STAY", "Souhaite rester AESH référent·e"
    STOP = "STOP", "Souhaite ne plus être référent·e"
