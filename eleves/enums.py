from django.db import models


class Level(models.TextChoices):
    PS = "PS", "Petite section"
    MS = "MS", "Moyenne section"
    GS = "GS", "Grande section"
    CP = "CP", "CP"
    CE1 = "CE1", "CE1"
    CE2 = "CE2", "CE2"
    CM1 = "CM1", "CM1"
    CM2 = "CM2", "CM2"
    SIXIEME = "6E", "6e"
    CINQUIEME = "5E", "5e"
    QUATRIEME = "4E", "4e"
    TROISIEME = "3E", "3e"
    SECONDE = "2NDE", "Seconde"
    PREMIERE = "1RE", "Première"
    TERMINALE = "TLE", "Terminale"
    SECONDE_PRO = "2PRO", "2de professionnelle"
    PREMIERE_PRO = "1PRO", "1re professionnelle"
    TERMINALE_PRO = "TPRO", "Terminale professionnelle"
    TROISIEME_PM = "3PM", "3e prépa-métiers"
    SIXIEME_SEGPA = "6SEG", "6e SEGPA"
    CINQUIEME_SEGPA = "5SEG", "5e SEGPA"
    QUATRIEME_SEGPA = "4SEG", "4e SEGPA"
    TROISIEME_SEGPA = "3SEG", "3e SEGPA"
    CAP1 = "CAP1", "1re année de CAP"
    CAP2 = "CAP2", "2e année de CAP"
    BTS1 = "BTS1", "1re année de BTS"
    BTS2 = "BTS2", "2e année de BTS"
    ULIS = "ULIS", "ULIS (sans niveau de référence)"
    UEE = "UEE", "Unité d'enseignement externalisée"


class AidKind(models.TextChoices):
    INDIVIDUELLE = "INDIVIDUELLE", "Aide individuelle (AESH-i)"
    MUTUALISEE = "MUTUALISEE", "Aide mutualisée (AESH-m)"


class NotificationState(models.TextChoices):
    AWAITING = "AWAITING", "Demande en attente de décision"
    NOTIFIED = "NOTIFIED", "Notifiée"


class NotificationStatus(models.TextChoices):
    """Computed from the state and the dates on a given day."""

    AWAITING = "AWAITING", "En attente"
    UPCOMING = "UPCOMING", "À venir"
    IN_FORCE = "IN_FORCE", "En vigueur"
    ENDED = "ENDED", "Terminée"


class Activity(models.TextChoices):
    """Activities of the AESH (circ. 2017-084), in three domains."""

    MOBILITY = "MOBILITY", "Actes de la vie quotidienne — déplacements et mobilité"
    MEALS = "MEALS", "Actes de la vie quotidienne — repas"
    HYGIENE = "HYGIENE", "Actes de la vie quotidienne — hygiène (hors actes médicaux)"
    SAFETY = "SAFETY", "Actes de la vie quotidienne — sécurité et confort"
    INSTRUCTIONS = "INSTRUCTIONS", "Accès aux apprentissages — compréhension des consignes"
    NOTE_TAKING = "NOTE_TAKING", "Accès aux apprentissages — prise de notes"
    MATERIAL = "MATERIAL", "Accès aux apprentissages — matériel adapté"
    ACTIVITIES = "ACTIVITIES", "Accès aux apprentissages — activités éducatives, culturelles, sportives"
    TRIPS = "TRIPS", "Accès aux apprentissages — sorties scolaires"
    COMMUNICATION = "COMMUNICATION", "Vie sociale et relationnelle — communication"
    SOCIAL = "SOCIAL", "Vie sociale et relationnelle — confiance, relations, prévention de l'isolement"


class DocumentKind(models.TextChoices):
    NOTIFICATION = "NOTIFICATION", "Notification de la CDAPH"
    PPS = "PPS", "PPS"
    GEVASCO = "GEVASCO", "GEVA-Sco"
    OTHER = "OTHER", "Autre document"


class JournalAction(models.TextChoices):
    LIST = "LIST", "Consultation d'une liste d'élèves"
    READ = "READ", "Consultation d'une fiche"
    READ_DOCUMENT = "READ_DOCUMENT", "Consultation d'un document"
    CREATE = "CREATE", "Création"
    UPDATE = "UPDATE", "Modification"
    DELETE = "DELETE", "Suppression"
    IMPORT = "IMPORT", "Import"
    REFUSED = "REFUSED", "Accès refusé"


class LeaveReason(models.TextChoices):
    END_OF_SCHOOLING = "END", "Fin de scolarité"
    LEFT_DEPARTEMENT = "MOVED", "Départ du département"
    OTHER = "OTHER", "Autre départ"


class TransferState(models.TextChoices):
    PROPOSED = "PROPOSED", "Proposé au pôle d'accueil"
    ACCEPTED = "ACCEPTED", "Accepté par le pôle d'accueil"
    REFUSED = "REFUSED", "Refusé par le pôle d'accueil"
    DONE = "DONE", "Effectué à la rentrée"
