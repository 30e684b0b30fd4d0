from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "COORDINATOR", "Coordonnateur·rice"
    PILOT = "PILOT", "Pilote"
    INSPECTOR = "INSPECTOR", "Inspecteur·rice (IEN)"
    ENSEIGNANT_REFERENT = "ENSEIGNANT_REFERENT", "Enseignant·e référent·e"
    GESTIONNAIRE = "GESTIONNAIRE", "Gestionnaire (DSDEN)"
    AESH = "AESH", "AESH"


# Roles whose scope is one pôle, one circonscription or one département.
POLE_ROLES = frozenset({Role.COORDINATOR, Role.PILOT, Role.AESH})
CIRCONSCRIPTION_ROLES = frozenset({Role.INSPECTOR})
DEPARTEMENT_ROLES = frozenset({Role.GESTIONNAIRE, Role.ENSEIGNANT_REFERENT})

# Roles that can see student data, even aggregated, the AESH included (their students' PPS
# extract is health data): a second factor is mandatory for them.
MFA_REQUIRED_ROLES = frozenset(
    {Role.COORDINATOR, Role.PILOT, Role.ENSEIGNANT_REFERENT, Role.GESTIONNAIRE, Role.INSPECTOR, Role.AESH}
)


class PoleKind(models.TextChoices):
    PIAL = "PIAL", "PIAL"
    PAS = "PAS", "PAS"


class PoleDegree(models.TextChoices):
    PREMIER = "PREMIER", "1er degré"
    SECOND = "SECOND", "2nd degré"
    INTER = "INTER", "Inter-degrés"


class SchoolKind(models.TextChoices):
    MATERNELLE = "MATERNELLE", "École maternelle"
    ELEMENTAIRE = "ELEMENTAIRE", "École élémentaire"
    PRIMAIRE = "PRIMAIRE", "École primaire"
    COLLEGE = "COLLEGE", "Collège"
    LYCEE = "LYCEE", "Lycée"
    LP = "LP", "Lycée professionnel"
    EREA = "EREA", "EREA"

    @classmethod
    def first_degree(cls) -> frozenset[str]:
        return frozenset({cls.MATERNELLE, cls.ELEMENTAIRE, cls.PRIMAIRE})


class Zone(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"
    AUTRE = "AUTRE", "Autre calendrier (Corse, outre-mer)"
