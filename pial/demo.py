"""Demo territory: a fictional département, its circonscriptions, pôles, schools and logins.

Other apps add their own `demo.py` with a `seed(context)` function; the
seed_demo command calls them in dependency order with the same context.
"""

import datetime
import random

from faker import Faker

from pial.enums import PoleDegree, PoleKind, Role, SchoolKind, Zone
from pial.models import Circonscription, Departement, Membership, Pole, School, SchoolYear, User
from pial.rules import uai_check_letter

DEMO_PASSWORD = "demo-pial-2026"
DEMO_DOMAIN = "demo.pial.fr"

SCHOOL_PATRONS = [
    "Jules Ferry", "Jean Jaurès", "Victor Hugo", "Louis Pasteur", "Jacques Prévert",
    "Marie Curie", "Jean Moulin", "Simone Veil", "Paul Langevin", "Anne Frank",
    "Jean de La Fontaine", "Albert Camus", "Condorcet", "Françoise Dolto", "George Sand",
    "Antoine de Saint-Exupéry", "Colette", "Romain Rolland", "Émile Zola", "Paul Éluard",
    "Louise Michel", "Joséphine Baker", "Olympe de Gouges", "Aimé Césaire", "Gisèle Halimi",
    "Pierre Mendès France", "Lucie Aubrac", "Germaine Tillion",
]

# (pôle key, school kind, count)
SCHOOL_PLAN = [
    ("pial1", SchoolKind.MATERNELLE, 3), ("pial1", SchoolKind.ELEMENTAIRE, 4),
    ("pial1", SchoolKind.PRIMAIRE, 3),
    ("pial2", SchoolKind.COLLEGE, 3), ("pial2", SchoolKind.LYCEE, 1), ("pial2", SchoolKind.LP, 1),
    ("pas", SchoolKind.PRIMAIRE, 4), ("pas", SchoolKind.ELEMENTAIRE, 2),
    ("pas", SchoolKind.COLLEGE, 2), ("pas", SchoolKind.EREA, 1),
]

DEMO_LOGINS = [
    # (local part, role, scope key, first name, last name)
    ("gestionnaire", Role.GESTIONNAIRE, "departement", "Nadia", "Benali"),
    ("ien", Role.INSPECTOR, "circ_nord", "Philippe", "Marchand"),
    ("coordination", Role.COORDINATOR, "pial1", "Claire", "Lefèvre"),
    ("coordination-college", Role.COORDINATOR, "pial2", "Thomas", "Garnier"),
    ("coordination-pas", Role.COORDINATOR, "pas", "Sophie", "Rousseau"),
    ("pilote", Role.PILOT, "pial1", "Marc", "Dubois"),
    ("pilote-college", Role.PILOT, "pial2", "Anne", "Perrin"),
    ("enseignant-referent", Role.ENSEIGNANT_REFERENT, "departement", "Isabelle", "Moreau"),
    ("aesh", Role.AESH, "pial1", "Julie", "Bernard"),
]


def current_school_year_bounds(today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    start_year = today.year if today.month >= 8 else today.year - 1
    return (
        f"{start_year}-{start_year + 1}",
        datetime.date(start_year, 9, 1),
        datetime.date(start_year + 1, 7, 4),
    )


def seed(context: dict) -> None:
    faker: Faker = context["faker"]
    rng: random.Random = context["rng"]
    name, start, end = current_school_year_bounds(context["today"])
    SchoolYear.objects.create(name=name, start_date=start, end_date=end, is_current=True)
    # Last year, closed (history), and next year, being prepared.
    SchoolYear.objects.create(name=f"{start.year - 1}-{start.year}", start_date=start.replace(year=start.year - 1),
                              end_date=end.replace(year=end.year - 1))
    SchoolYear.objects.create(name=f"{start.year + 1}-{start.year + 2}", start_date=start.replace(year=start.year + 1),
                              end_date=end.replace(year=end.year + 1))

    dep = Departement.objects.create(code="99", name="Val-de-Lys (démo)", academie="Rennes")
    circ_nord = Circonscription.objects.create(
        departement=dep, name="Lys-Nord", ien_name="M. Philippe Marchand"
    )
    circ_sud = Circonscription.objects.create(
        departement=dep, name="Lys-Sud", ien_name="Mme Hélène Fabre"
    )
    poles = {
        "pial1": Pole.objects.create(
            name="PIAL de Lys-Nord écoles", kind=PoleKind.PIAL, degree=PoleDegree.PREMIER,
            departement=dep, circonscription=circ_nord,
        ),
        "pial2": Pole.objects.create(
            name="PIAL du collège Jean Moulin", kind=PoleKind.PIAL, degree=PoleDegree.SECOND,
            departement=dep,
        ),
        "pas": Pole.objects.create(
            name="PAS de Lys-Sud", kind=PoleKind.PAS, degree=PoleDegree.INTER,
            departement=dep, circonscription=circ_sud,
        ),
    }
    patrons = rng.sample(SCHOOL_PATRONS, len(SCHOOL_PATRONS))
    schools = []
    number = 100
    for pole_key, kind, count in SCHOOL_PLAN:
        for _ in range(count):
            number += rng.randint(1, 37)
            digits = f"099{number:04d}"
            circ = circ_sud if pole_key == "pas" or (pole_key == "pial2" and number % 2) else circ_nord
            label = {SchoolKind.MATERNELLE: "École maternelle", SchoolKind.ELEMENTAIRE: "École élémentaire",
                     SchoolKind.PRIMAIRE: "École primaire", SchoolKind.COLLEGE: "Collège",
                     SchoolKind.LYCEE: "Lycée", SchoolKind.LP: "Lycée professionnel",
                     SchoolKind.EREA: "EREA"}[kind]
            schools.append(School(
                uai=digits + uai_check_letter(digits), name=f"{label} {patrons.pop()}",
                kind=kind, city=faker.city(), departement=dep, circonscription=circ,
                pole=poles[pole_key], zone=Zone.B,
            ))
    School.objects.bulk_create(schools)
    scopes = {"departement": dep, "circ_nord": circ_nord, **poles}

    admin = User.objects.create_superuser(
        f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD, first_name="Camille", last_name="Admin"
    )
    logins = [(admin.email, "Administration nationale (superuser)")]
    for local, role, scope_key, first, last in DEMO_LOGINS:
        user = User.objects.create_user(
            f"{local}@{DEMO_DOMAIN}", DEMO_PASSWORD, first_name=first, last_name=last
        )
        target = scopes[scope_key]
        field = {Pole: "pole", Circonscription: "circonscription", Departement: "departement"}[
            type(target)
        ]
        membership = Membership.objects.create(user=user, role=role, **{field: target})
        if role == Role.ENSEIGNANT_REFERENT:
            membership.schools.set([s for s in schools if s.pole_id == poles["pial1"].pk])
        logins.append((user.email, str(membership)))
    # One person with two roles, to show the role switcher.
    pilot = User.objects.get(email=f"pilote@{DEMO_DOMAIN}")
    second = Membership.objects.create(user=pilot, role=Role.PILOT, pole=poles["pas"])
    logins.append((pilot.email, f"+ {second}"))

    context.update(departement=dep, circonscriptions=[circ_nord, circ_sud], poles=poles,
                   schools=schools, logins=logins)
