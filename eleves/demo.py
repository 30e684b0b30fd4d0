"""Demo students: ~80 across the demo schools, individuelle and mutualisée notifications,
some ending soon, some without any notification in force, and a ULIS."""

import datetime
from decimal import Decimal

from eleves.enums import Activity, AidKind, Level, NotificationState
from eleves.models import Notification, Pps, Student, Ulis
from pial.enums import Role, SchoolKind
from pial.models import User

LEVELS = {
    SchoolKind.MATERNELLE: [Level.PS, Level.MS, Level.GS],
    SchoolKind.ELEMENTAIRE: [Level.CP, Level.CE1, Level.CE2, Level.CM1, Level.CM2],
    SchoolKind.PRIMAIRE: [Level.GS, Level.CP, Level.CE1, Level.CE2, Level.CM1, Level.CM2],
    SchoolKind.COLLEGE: [Level.SIXIEME, Level.CINQUIEME, Level.QUATRIEME, Level.TROISIEME],
    SchoolKind.LYCEE: [Level.SECONDE, Level.PREMIERE, Level.TERMINALE],
    SchoolKind.LP: [Level.SECONDE, Level.PREMIERE, Level.CAP1, Level.CAP2],
    SchoolKind.EREA: [Level.CAP1, Level.CAP2],
}
AGE_AT_LEVEL = {Level.PS: 3, Level.MS: 4, Level.GS: 5, Level.CP: 6, Level.CE1: 7, Level.CE2: 8, Level.CM1: 9,
                Level.CM2: 10, Level.SIXIEME: 11, Level.CINQUIEME: 12, Level.QUATRIEME: 13, Level.TROISIEME: 14,
                Level.SECONDE: 15, Level.PREMIERE: 16, Level.TERMINALE: 17, Level.CAP1: 15, Level.CAP2: 16,
                Level.ULIS: 9}
PPS_EXAMPLES = [
    ("Reformuler les consignes écrites et orales ; aider à organiser le cartable et le plan de travail.",
     "Supports agrandis (Arial 14) ; temps majoré ; usage de l'ordinateur pour les écrits longs.",
     "Prévenir l'enseignant en cas de fatigue marquée."),
    ("Accompagner les déplacements dans l'établissement et lors des sorties ; aide à l'installation en classe.",
     "Place près de la porte ; ascenseur ; sortie de classe 5 minutes avant la sonnerie.",
     ""),
    ("Soutenir la prise de notes ; vérifier la compréhension des consignes ; encourager les échanges avec les pairs.",
     "Photocopies des cours ; évaluation orale possible.",
     "Éviter les changements de dernière minute sans explication préalable."),
]


def seed(context: dict) -> None:
    faker, rng, today = context["faker"], context["rng"], context["today"]
    schools = context["schools"]
    referent = User.objects.get(memberships__role=Role.ENSEIGNANT_REFERENT)
    ulis_school = next(s for s in schools if s.kind == SchoolKind.ELEMENTAIRE)
    ulis = Ulis.objects.create(school=ulis_school, name="ULIS école", capacity=12)
    students = []
    for index in range(80):
        school = schools[index % len(schools)]
        level = rng.choice(LEVELS[school.kind])
        in_ulis = school == ulis_school and index % 3 == 0
        age = AGE_AT_LEVEL[level]
        birth = datetime.date(today.year - age - (1 if today.month < 9 else 0), rng.randint(1, 12), rng.randint(1, 28))
        student = Student.objects.create(
            first_name=faker.first_name(), last_name=faker.last_name(), birth_date=birth, school=school,
            level=level, class_name=f"{level}-{rng.choice('ABC')}" if school.kind not in SchoolKind.first_degree()
            else "", ulis=ulis if in_ulis else None,
            referent=referent if school.pole_id == context["poles"]["pial1"].pk else None,
        )
        _notifications(student, index, rng, today, school)
        if index % 4 != 3:
            missions, accommodations, vigilance = PPS_EXAMPLES[index % len(PPS_EXAMPLES)]
            Pps.objects.create(student=student, missions=missions, accommodations=accommodations,
                               vigilance=vigilance)
        students.append(student)
    gone = students[-1]
    gone.left_on = datetime.date(today.year - 2, 7, 5)
    gone.save(update_fields=["left_on"])
    context.update(students=students, ulis=ulis)


def _notifications(student, index, rng, today, school) -> None:
    """Mostly individuelle in the first degree, mutualisée more often in the second."""
    profile = index % 10
    if profile == 9:
        return  # no notification at all: a request is on its way
    first_degree = school.kind in SchoolKind.first_degree()
    kind = AidKind.INDIVIDUELLE if (rng.random() < (0.65 if first_degree else 0.4)) else AidKind.MUTUALISEE
    start = datetime.date(today.year - (1 if today.month < 9 else 0), 9, 1) - datetime.timedelta(days=365 * (index % 2))
    if profile == 7:
        end = today + datetime.timedelta(days=rng.choice([12, 25, 45, 80]))  # ending soon
    elif profile == 8:
        end = today - datetime.timedelta(days=30)  # ended: no notification in force
    else:
        end = start.replace(year=start.year + rng.choice([2, 3])) - datetime.timedelta(days=1)
    hours = None
    if kind == AidKind.INDIVIDUELLE:
        hours = Decimal(rng.choice([6, 8, 9, 12, 12, 15, 18, 24 if first_degree else 20]))
    activities = rng.sample(Activity.values, k=rng.randint(2, 5))
    Notification.objects.create(
        student=student, state=NotificationState.NOTIFIED, decision_date=start - datetime.timedelta(days=60),
        start_date=start, end_date=end, aid_kind=kind, weekly_hours=hours, activities=activities,
        lunch_aid=rng.random() < 0.15, mdph_reference=f"MDPH-099-{20000 + index}",
    )
    if profile == 6:
        Notification.objects.create(
            student=student, state=NotificationState.AWAITING, start_date=end + datetime.timedelta(days=1),
            end_date=end.replace(year=end.year + 2), aid_kind=kind, weekly_hours=hours, activities=activities,
        )
